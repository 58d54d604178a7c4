// What unauthenticated peers can cost the SSH server: a flood of silent connections, the login grace
// time, password guessing on one connection and from one source, and the event rows it leaves.
import assert from 'node:assert/strict';
import net from 'node:net';
import { Client } from 'ssh2';
import { App } from '../../src/app';
import { startSshServer, type RunningServer, type SshLimits } from '../../src/ssh/server';
import { loadOrCreateHostKey } from '../../src/ssh/hostkey';
import { freshDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';
import { within } from '../helpers/wait';

/** A TCP peer that sends the SSH identification line and then nothing, and never closes by itself. */
class SilentPeer {
  readonly socket: net.Socket;
  /** the server closed its side (or the connection failed) */
  ended = false;
  /** resolves once the server has answered with its own identification line, or closed */
  readonly settled: Promise<void>;
  readonly closed: Promise<void>;
  constructor(port: number) {
    this.socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    this.socket.on('error', () => undefined);
    this.socket.once('connect', () => this.socket.write('SSH-2.0-Silent_1.0\r\n'));
    this.closed = new Promise((r) => {
      const gone = () => {
        this.ended = true;
        r();
      };
      this.socket.once('end', gone).once('close', gone);
    });
    this.settled = new Promise((r) => {
      this.socket.once('data', () => r());
      void this.closed.then(r);
    });
    this.socket.resume();
  }
  get open(): boolean {
    return !this.ended;
  }
}

/** Opens `n` silent peers, at most `batch` connecting at once; resolves once each is settled. */
async function flood(port: number, n: number, batch = 100): Promise<SilentPeer[]> {
  const peers: SilentPeer[] = [];
  for (let i = 0; i < n; i += batch) {
    const wave = Array.from({ length: Math.min(batch, n - i) }, () => new SilentPeer(port));
    peers.push(...wave);
    await within(Promise.all(wave.map((p) => p.settled)), 20000, 'flood connections to settle');
  }
  return peers;
}

/** One connection trying `passwords` in turn; resolves with how many it sent once the connection ends. */
function guess(port: number, passwords: string[]): Promise<number> {
  return new Promise((resolve) => {
    const client = new Client();
    let sent = 0;
    client.on('error', () => undefined);
    client.on('ready', () => client.end());
    client.on('close', () => resolve(sent));
    client.connect({
      host: '127.0.0.1',
      port,
      username: 'admin',
      readyTimeout: 20000,
      authHandler: (_methods, _partial, next) => {
        if (sent >= passwords.length) return next(false as never);
        next({ type: 'password', username: 'admin', password: passwords[sent++] });
      },
    });
  });
}

describe('integration: SSH limits for unauthenticated peers', function () {
  this.timeout(120000);
  let app: App;
  let server: RunningServer | null = null;
  const peers: SilentPeer[] = [];
  const shells: Shell[] = [];

  async function start(limits: Partial<SshLimits> = {}, authFailDelayMs = 0): Promise<number> {
    const dataDir = await freshDataDir();
    app = new App({ dataDir, timeScale: 0 });
    server = await startSshServer({ app, node: 'cucm-pub', hostKey: loadOrCreateHostKey(dataDir), host: '127.0.0.1', port: 0, authFailDelayMs, limits, random: () => 0 });
    return server.port;
  }

  afterEach(async () => {
    for (const p of peers.splice(0)) p.socket.destroy();
    await Promise.all(shells.splice(0).map((s) => s.close()));
    await server?.close();
    server = null;
    app.close();
  });

  it('an administrator logs in and works while 1,050 silent connections are held', async () => {
    const port = await start({ minIdleMs: 0 });
    peers.push(...(await flood(port, 1050)));
    const held = peers.filter((p) => p.open).length;
    assert.ok(held > 0, 'some silent connections are held');
    const sh = await Shell.open({ port, timeoutMs: 20000 });
    shells.push(sh);
    const out = await sh.run('show myself');
    assert.ok(out.includes('account name    : admin\r\n'), out);
    assert.ok(peers.filter((p) => p.open).length <= 200, 'unauthenticated connections are capped (MaxStartups full)');
  });

  it('closes a silent connection after the login grace time', async () => {
    const port = await start({ loginGraceMs: 300 });
    const p = new SilentPeer(port);
    peers.push(p);
    await within(p.settled, 10000, 'server identification');
    await within(p.closed, 10000, 'the silent connection to be closed after the grace time');
    // a login that completes in time is not cut
    const sh = await Shell.open({ port });
    shells.push(sh);
    assert.match(await sh.run('show myself'), /Machine Name/);
  });

  it('drops a connection after 6 failed passwords (MaxAuthTries) out of 20 tried', async () => {
    const port = await start();
    let checked = 0;
    const authenticate = app.cluster.accounts.authenticate.bind(app.cluster);
    app.cluster.accounts.authenticate = (u, p) => ((checked += 1), authenticate(u, p));
    const sent = await within(guess(port, Array.from({ length: 20 }, (_, i) => `wrong-${i}`)), 60000, 'the guessing connection to end');
    assert.equal(checked, 6, 'the server checks six passwords');
    assert.ok(sent <= 7, `the connection ends after the limit (the client sent ${sent})`);
  });

  it('1,000 failed logins from one source add a bounded number of event rows, with the total counted', async () => {
    const port = await start();
    // The cost of scrypt is not under test here: every password is wrong.
    let checked = 0;
    app.cluster.accounts.authenticate = async () => ((checked += 1), null);
    const rowsBefore = app.cluster.repo.events(1_000_000).length;
    let sent = 0;
    for (let round = 0; sent < 1000 && round < 400; round++) {
      const wave = await Promise.all(Array.from({ length: 10 }, (_, i) => guess(port, Array.from({ length: 6 }, (_, k) => `pw-${round}-${i}-${k}`))));
      sent += wave.reduce((a, b) => a + b, 0);
    }
    assert.ok(checked >= 1000, `at least 1000 attempts were checked (${checked})`);
    await server!.close(); // the held counts are written at a stop
    server = null;
    const rows = app.cluster.repo.events(1_000_000).slice(rowsBefore).filter((e) => e.kind === 'login-failed');
    assert.ok(rows.length <= 4, `${rows.length} login-failed rows`);
    const counted = rows.reduce((n, e) => n + ((JSON.parse(e.change) as { count?: number }).count ?? 1), 0);
    assert.equal(counted, checked, 'the rows account for every failure');
    assert.ok(rows.every((e) => JSON.parse(e.change).from === '127.0.0.1'));
  });
});
