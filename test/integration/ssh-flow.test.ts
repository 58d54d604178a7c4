// The SSH session's flow: end of input without a pty, and a client that stops reading its output.
import assert from 'node:assert/strict';
import type { ClientChannel } from 'ssh2';
import { startSimulator, type Simulator } from '../../src/simulator';
import { freshDataDir } from '../helpers/cluster';
import { Shell, connectClient } from '../helpers/ssh2-shell';
import { Transcript, within, waitUntil } from '../helpers/wait';

describe('integration: SSH session flow (ssh2 client in-process)', function () {
  this.timeout(60000);
  let sim: Simulator;
  const open: Shell[] = [];

  beforeEach(async () => {
    sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await sim.close();
  });
  const port = () => sim.ssh.get('cucm-pub')!.port;

  /** A shell channel without a pty; resolves with its transcript, exit status and close. */
  async function ptylessShell() {
    const client = await connectClient({ port: port() });
    const stream = await new Promise<ClientChannel>((resolve, reject) => client.shell(false, (err, s) => (err ? reject(err) : resolve(s))));
    const out = new Transcript();
    let exitCode: number | null = null;
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => out.append(d));
    stream.on('exit', (code: number | null) => (exitCode = code));
    const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
    return { client, stream, out, closed, exit: () => exitCode };
  }

  it('without a pty, EOF runs every line sent, then ends the session with status 0', async () => {
    const s = await ptylessShell();
    try {
      s.stream.end('show myself\nset cli session timeout 45\ny\nutils service list\n');
      await within(s.closed, 15000, 'the session ends after its input');
      assert.equal(s.exit(), 0);
      assert.match(s.out.text, /Machine Name    : cucm-pub/);
      assert.match(s.out.text, /CLI session timeout is set to 45 minutes\./);
      assert.match(s.out.text, /Cisco Tftp\[STARTED\]/);
      assert.ok(!s.out.text.includes('Press <enter>'), 'no pager without a terminal');
      assert.equal(sim.app.cluster.settings.cliSessionTimeout, 45);
    } finally {
      s.client.end();
    }
  });

  it('a question left unanswered at EOF changes nothing and the session still ends', async () => {
    const s = await ptylessShell();
    try {
      s.stream.end('set cli session timeout 45\n');
      await within(s.closed, 15000, 'the session ends after its input');
      assert.equal(s.exit(), 0);
      assert.match(s.out.text, /Continue \(y\/n\)\?/);
      assert.notEqual(sim.app.cluster.settings.cliSessionTimeout, 45);
    } finally {
      s.client.end();
    }
  });

  it('a client that stops reading stalls only itself: the server stops reading it and stays small', async () => {
    const a = await Shell.open({ port: port() });
    open.push(a);
    const b = await Shell.open({ port: port() });
    open.push(b);
    const mem = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.external;
    };
    const before = mem();
    a.stream.pause(); // reads nothing more
    a.send('x'.repeat(4096));
    a.send('?'.repeat(100 * 1024));
    // The server writes until the client's window is full; a paused client holds it unread.
    await waitUntil(() => a.stream.readableLength > 1024 * 1024, 20000, 'output reached the stalled client');
    for (let i = 0; i < 5; i++) assert.match(await b.run('show myself', 10000), /Machine Name    : cucm-pub/);
    const grown = mem() - before;
    assert.ok(grown < 150 * 1024 * 1024, `memory grew by ${Math.round(grown / 1048576)} MB`);
  });
});
