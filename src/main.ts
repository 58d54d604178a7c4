// The `ucmsim` command: serve, shell, init, passwd.
import fs from 'node:fs';
import path from 'node:path';
import { Store, STORE_FILE } from './store/store';
import { acquireServeLock, lockOwner, DataDirInUse } from './store/lock';
import { loadClusterConfig, loadUsers, ETC_DIR, ConfigError } from './cluster/config';
import { initializeCluster } from './cluster/init';
import { hashPassword, verifyPassword, DEFAULT_PASSWORD } from './cluster/passwords';
import { App } from './app';
import { startSimulator, LAB_SFTP, type Simulator } from './simulator';
import type { Privilege } from './cli/command';
import { OutputFlow } from './cli/output-flow';

const USAGE = `usage:
  ucmsim serve  [--data DIR] [--listen HOST] [--ssh-port N] [--tftp-port N] [--http-port N] [--sftp-port N]
                [--time-scale X] [--config FILE]
  ucmsim shell  [--data DIR] [--node NAME] [--time-scale X]
  ucmsim init   [--data DIR] [--config FILE] [--force]
  ucmsim passwd [--data DIR] USER        (reads the new password from the terminal or stdin)

  --data DIR       data directory (default ./data)
  --listen HOST    address the SSH servers listen on (default 127.0.0.1)
  --ssh-port N     SSH port of the publisher; node i listens on N+i (default 2222; 0 picks free ports)
  --tftp-port N    TFTP port of the publisher; node i uses N+10i (default 6969; 0 picks free ports)
  --http-port N    HTTP port of the publisher, HTTPS on N+1 (CallManager) and N+2 (tomcat);
                   node i uses N+10i.. (default 6970; 0 picks free ports)
  --sftp-port N    port of the lab SFTP server (default 2022; 0 picks a free port)
  --time-scale X   wall seconds per simulated second for waits (default 1; 0 makes them instant)
  --config FILE    cluster description (default etc/cluster.yaml)
`;

class UsageError extends Error {}

interface Flags {
  [name: string]: string | boolean;
}

function parseFlags(argv: string[], known: Record<string, 'value' | 'bool'>): { flags: Flags; rest: string[] } {
  const flags: Flags = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split('=', 2);
    const kind = known[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === 'bool') flags[name] = true;
    else {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`--${name} needs a value`);
      flags[name] = v;
    }
  }
  return { flags, rest };
}

function numberFlag(flags: Flags, name: string, dflt: number, ok: (n: number) => boolean): number {
  if (flags[name] === undefined) return dflt;
  const n = Number(flags[name]);
  if (!Number.isFinite(n) || !ok(n)) throw new UsageError(`invalid --${name}: ${flags[name]}`);
  return n;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

async function ensureCluster(dataDir: string, configFile: string | undefined, log: (s: string) => void): Promise<void> {
  const store = Store.open(dataDir);
  try {
    if (store.initialized) return;
    const cfg = loadClusterConfig(configFile ?? path.join(ETC_DIR, 'cluster.yaml'));
    const users = loadUsers();
    log(`creating cluster ${cfg.name} (version ${cfg.version}, ${cfg.nodes.length} node${cfg.nodes.length === 1 ? '' : 's'}) in ${dataDir}`);
    const t0 = Date.now();
    let last = 0;
    await initializeCluster(store, cfg, users, new Date(), (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\rgenerating certificates ${done}/${total}`);
      last = total;
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    log(`generated ${last} certificates in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    store.close();
  }
}

async function serve(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { data: 'value', listen: 'value', 'ssh-port': 'value', 'tftp-port': 'value', 'http-port': 'value', 'sftp-port': 'value', 'time-scale': 'value', config: 'value' });
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  const host = String(flags.listen ?? '127.0.0.1');
  const basePort = numberFlag(flags, 'ssh-port', 2222, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const timeScale = numberFlag(flags, 'time-scale', 1, (n) => n >= 0);
  const port = (name: string, dflt: number) => numberFlag(flags, name, dflt, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const sftpPort = port('sftp-port', 2022);
  const tftpPort = port('tftp-port', 6969);
  const httpPort = port('http-port', 6970);
  const release = acquireServeLock(dataDir);
  let sim: Simulator | null = null;
  try {
    await ensureCluster(dataDir, flags.config as string | undefined, (s) => console.log(s));
    const probe = new App({ dataDir, timeScale });
    const admin = probe.cluster.repo.users().find((u) => u.privilege === 4);
    probe.close();
    const defaultPassword = admin ? await verifyPassword(DEFAULT_PASSWORD, admin.password_hash) : false;
    if (!isLoopback(host) && defaultPassword) {
      throw new UsageError(`refusing to listen on ${host} while ${admin!.name} still has the default password; run: ucmsim passwd --data ${dataDir} ${admin!.name}`);
    }
    sim = await startSimulator({ dataDir, host, basePort, sftpPort, tftpPort, httpPort, timeScale, log: (m) => console.error(m) });
    const what = { ssh: 'ssh', tftp: 'tftp', http: 'http', 'https-callmanager': 'https (CallManager certificate)', 'https-tomcat': 'https (tomcat certificate)' };
    for (const l of sim.listeners) console.log(`${what[l.kind]} listening on ${l.host}:${l.port} (node ${l.node})`);
    const lab = sim.sftp!;
    console.log(`lab sftp listening on ${lab.host}:${lab.port} (user ${LAB_SFTP.username}, password ${LAB_SFTP.password}, files in ${lab.root})`);
    const first = [...sim.ssh.values()][0];
    const pw = defaultPassword ? ` (password: ${DEFAULT_PASSWORD})` : '';
    console.log(`log in: ssh -p ${first.port} ${admin?.name ?? 'admin'}@${host}${pw}`);
  } catch (e) {
    release();
    throw e;
  }
  const running = sim;
  const stop = () => {
    console.log('stopping');
    void running.close().finally(() => {
      release();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function shell(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { data: 'value', node: 'value', 'time-scale': 'value' });
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  await ensureCluster(dataDir, undefined, (s) => console.error(s));
  const app = new App({ dataDir, timeScale: numberFlag(flags, 'time-scale', 1, (n) => n >= 0), log: (m) => console.error(m) });
  const nodes = app.cluster.nodes();
  const node = String(flags.node ?? nodes[0].name);
  if (!nodes.some((n) => n.name === node)) {
    app.close();
    throw new UsageError(`no node ${node}; nodes: ${nodes.map((n) => n.name).join(', ')}`);
  }
  // The local console is the install-time administrator's own terminal.
  const admin = app.cluster.repo.users().find((u) => u.privilege === 4) ?? { name: 'admin', privilege: 4 };
  const stdin = process.stdin;
  if (stdin.isTTY) stdin.setRawMode(true);
  const flow = new OutputFlow(process.stdout, { changed: () => session.resume() });
  const session = app.openSession(
    {
      write: (s) => flow.write(s),
      get congested() {
        return flow.congested;
      },
      pauseInput: (paused) => (paused ? stdin.pause() : stdin.resume()),
      close: (code) => {
        if (stdin.isTTY) stdin.setRawMode(false);
        app.close();
        // Exit once the output has gone out to a pipe or file.
        process.stdout.write('', () => process.exit(code));
      },
      get cols() {
        return process.stdout.columns || 80;
      },
      get rows() {
        return process.stdout.rows || 24;
      },
    },
    admin.name,
    admin.privilege as Privilege,
    node,
  );
  // Piped input: nobody answers the pager; at its end the queued lines still run, then the shell exits.
  if (!stdin.isTTY) session.pagination = false;
  stdin.on('data', (d) => session.input(d));
  stdin.on('end', () => session.endInput());
  session.start();
}

async function init(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { data: 'value', config: 'value', force: 'bool' });
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  const owner = lockOwner(dataDir);
  if (owner !== null) throw new DataDirInUse(dataDir, owner);
  if (Store.exists(dataDir)) {
    const store = Store.open(dataDir);
    const initialized = store.initialized;
    store.close();
    if (initialized && !flags.force) throw new UsageError(`${dataDir} already holds a cluster; add --force to replace it`);
    for (const f of [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`]) fs.rmSync(path.join(dataDir, f), { force: true });
  }
  await ensureCluster(dataDir, flags.config as string | undefined, (s) => console.log(s));
}

async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  return new Promise((resolve) => {
    let s = '';
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.off('data', onData);
          stdin.pause();
          process.stderr.write('\n');
          return resolve(s);
        }
        if (ch === '\x03') process.exit(130);
        s = ch === '\x7f' ? s.slice(0, -1) : s + ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function passwd(argv: string[]): Promise<void> {
  const { flags, rest } = parseFlags(argv, { data: 'value' });
  const user = rest[0];
  if (!user) throw new UsageError('which user? ucmsim passwd [--data DIR] USER');
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  if (!Store.exists(dataDir)) throw new UsageError(`no cluster in ${dataDir}; run ucmsim init first`);
  const password = await readSecret(`New password for ${user}: `);
  if (password.length < 8) throw new UsageError('the password must be at least 8 characters');
  const app = new App({ dataDir, timeScale: 0 });
  try {
    app.cluster.setPassword(null, user, hashPassword(password));
  } finally {
    app.close();
  }
  console.log(`password of ${user} changed`);
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'serve') await serve(rest);
    else if (cmd === 'shell') await shell(rest);
    else if (cmd === 'init') await init(rest);
    else if (cmd === 'passwd') await passwd(rest);
    else if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') process.stdout.write(USAGE);
    else throw new UsageError(`unknown command ${cmd}`);
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`ucmsim: ${e.message}\n\n${USAGE}`);
    else if (e instanceof DataDirInUse || e instanceof ConfigError) process.stderr.write(`ucmsim: ${e.message}\n`);
    else process.stderr.write(`ucmsim: ${(e as Error).stack ?? e}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  }
}
