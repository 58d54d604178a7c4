// The `ucmsim` command: serve, shell, init, passwd.
import fs from 'node:fs';
import path from 'node:path';
import { Store, STORE_FILE } from './store/store';
import { acquireServeLock, lockOwner, DataDirInUse } from './store/lock';
import { loadLabConfig, loadUsers, ETC_DIR, ConfigError } from './cluster/config';
import { initializeLab } from './cluster/init';
import { validTimeScale } from './clock/clock';
import { hashPassword, verifyPassword, DEFAULT_PASSWORD } from './cluster/passwords';
import { App } from './app';
import { startSimulator, LAB_SFTP, type Simulator } from './simulator';
import type { Privilege } from './cli/command';
import { ClusterError } from './cluster/errors';
import { OutputFlow } from './cli/output-flow';
import { labList, serveScenario, recordingsList, recordingsPlay, briefingText } from './training/cli';
import { findScenario, ScenarioError } from './training/scenario';
import { Classroom, MAX_SEATS } from './training/classroom';
import { localDashboard } from './dashboard/local';

const USAGE = `usage:
  ucmsim serve  [--data DIR] [--lab FILE] [--listen HOST] [--ssh-port N] [--tftp-port N] [--http-port N]
                [--tvs-port N] [--sftp-port N] [--sftp-password-file FILE | --sftp-password PASSWORD]
                [--time-scale X]
  ucmsim shell  [--data DIR] [--node NAME] [--time-scale X]
  ucmsim init   [--data DIR] [--lab FILE] [--force]
  ucmsim passwd [--data DIR] [--cluster NAME] USER   (reads the new password from the terminal or stdin)
  ucmsim lab list                                     (the training scenarios)
  ucmsim serve --scenario NAME [--data DIR] [other serve options]
                                                      (a fresh lab of the scenario, set up, with its briefing)
  ucmsim classroom --scenario NAME --seats N [--data DIR] [--ssh-port N] [--sftp-port N] [--time-scale X]
  ucmsim recordings list [--data DIR]
  ucmsim recordings play FILE [--speed X]
  ucmsim dashboard [--data DIR]... [--time-scale X]
                   the lab live on this terminal (read-only while a serve holds DIR); several --data
                   make a grid of seats, one per data directory

  --data DIR       data directory (default ./data)
  --listen HOST    address the servers listen on (default 127.0.0.1); any other address is refused while
                   an account or the lab SFTP server still has its default password
  --ssh-port N     SSH port of the publisher; node i listens on N+i (default 2222; 0 picks free ports)
  --tftp-port N    TFTP port of the publisher; node i uses N+10i (default 6969; 0 picks free ports)
  --http-port N    HTTP port of the publisher, HTTPS on N+1 (CallManager) and N+2 (tomcat);
                   node i uses N+10i.. (default 6970; 0 picks free ports)
  --tvs-port N     TVS (TLS) port of the publisher; node i uses N+i (default 2445; 0 picks free ports)
  --sftp-port N    port of the lab SFTP server (default 2022; 0 picks a free port)
  --sftp-password-file FILE
                   the lab SFTP server's password: the first line of FILE (default labsftp)
  --sftp-password PASSWORD
                   the same, given on the command line (visible to other local users)
  --time-scale X   wall seconds per simulated second (default 1; 0 makes every wait instant;
                   otherwise 0.001 to 1000)
  --lab FILE       the lab to build in an empty data directory: one cluster (etc/cluster.yaml, the
                   default) or several (etc/labs/two-clusters.yaml); --config is the same option
  --cluster NAME   passwd: change the password on that cluster only (default: every cluster)
`;

class UsageError extends Error {}
/** The command line is valid but unsafe; said in one line, without the usage text. */
class Refused extends Error {}

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

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^(::ffff:)?127\./i.test(host);

/** Passwords anyone can look up: the shipped CLI default and the lab SFTP default. */
const WELL_KNOWN_PASSWORDS = [DEFAULT_PASSWORD, LAB_SFTP.password];
/** Ms a stop may take before the process exits anyway (connections are cut after 2 s). */
const STOP_DEADLINE_MS = 4000;

/** The lab SFTP password from --sftp-password-file or --sftp-password; undefined for the default. */
function sftpPasswordFlag(flags: Flags): string | undefined {
  if (flags['sftp-password'] !== undefined && flags['sftp-password-file'] !== undefined) {
    throw new UsageError('give --sftp-password or --sftp-password-file, not both');
  }
  let password: string;
  if (flags['sftp-password-file'] !== undefined) {
    const file = String(flags['sftp-password-file']);
    try {
      password = fs.readFileSync(file, 'utf8').split(/\r?\n/)[0];
    } catch (e) {
      throw new UsageError(`cannot read --sftp-password-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else if (flags['sftp-password'] !== undefined) {
    password = String(flags['sftp-password']);
  } else {
    return undefined;
  }
  if (!WELL_KNOWN_PASSWORDS.includes(password) && (password.length < 8 || password.length > 128)) {
    throw new UsageError('the lab SFTP password must be 8 to 128 characters');
  }
  return password;
}

/** Accounts whose password is one anyone can look up. */
async function accountsWithKnownPasswords(dataDir: string, timeScale: number): Promise<string[]> {
  const probe = new App({ dataDir, timeScale });
  // Every cluster of the lab: `ucmsim passwd USER` changes the account on all of them.
  const users = [...probe.lab.clusters.values()].flatMap((c) => c.accounts.list());
  probe.close();
  const weak: string[] = [];
  for (const u of users) {
    if (weak.includes(u.name)) continue;
    for (const pw of WELL_KNOWN_PASSWORDS) {
      if (await verifyPassword(pw, u.password_hash)) {
        weak.push(u.name);
        break;
      }
    }
  }
  return weak;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** The lab file named by --lab (or its older name --config), else etc/cluster.yaml. */
const labFile = (flags: Flags) => (flags.lab ?? flags.config) as string | undefined;

async function ensureCluster(dataDir: string, configFile: string | undefined, log: (s: string) => void): Promise<void> {
  // A broken lab file is reported before anything is written.
  const lab = loadLabConfig(configFile ?? path.join(ETC_DIR, 'cluster.yaml'));
  const users = loadUsers();
  const store = Store.open(dataDir);
  try {
    if (store.initialized) return;
    for (const cfg of lab.clusters) {
      log(`creating cluster ${cfg.name} (version ${cfg.version}, ${plural(cfg.nodes.length, 'node')}) in ${dataDir}`);
    }
    const t0 = Date.now();
    let last = 0;
    await initializeLab(store, lab, users, new Date(), (done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\rgenerating certificates ${done}/${total}`);
      last = total;
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    log(`generated ${last} certificates in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    store.close();
  }
}

/**
 * Keeps a started server until SIGINT or SIGTERM, then closes it (peers that never close are cut by
 * the servers; the deadline is the backstop). Whatever escapes a command, a tick or a handler is
 * logged with its stack, and every other session goes on.
 */
function runUntilSignalled(close: () => Promise<void>, release: () => void): void {
  const stop = () => {
    console.log('stopping');
    const deadline = setTimeout(() => {
      console.error(`stopping: not all connections closed within ${STOP_DEADLINE_MS / 1000} s; exiting anyway`);
      release();
      process.exit(0);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    void close().finally(() => {
      release();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.on('uncaughtException', (e) => console.error(`ucmsim: contained an uncaught exception: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => console.error(`ucmsim: contained an unhandled rejection: ${(e as Error)?.stack ?? e}`));
}

async function serve(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { data: 'value', listen: 'value', 'ssh-port': 'value', 'tftp-port': 'value', 'http-port': 'value', 'tvs-port': 'value', 'sftp-port': 'value', 'sftp-password': 'value', 'sftp-password-file': 'value', 'time-scale': 'value', config: 'value', lab: 'value', scenario: 'value' });
  if (flags.scenario !== undefined) return serveTraining(flags);
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  const host = String(flags.listen ?? '127.0.0.1');
  const basePort = numberFlag(flags, 'ssh-port', 2222, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const timeScale = numberFlag(flags, 'time-scale', 1, validTimeScale);
  const port = (name: string, dflt: number) => numberFlag(flags, name, dflt, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const sftpPort = port('sftp-port', 2022);
  const tftpPort = port('tftp-port', 6969);
  const httpPort = port('http-port', 6970);
  const tvsPort = port('tvs-port', 2445);
  const sftpPassword = sftpPasswordFlag(flags);
  const release = acquireServeLock(dataDir);
  let sim: Simulator | null = null;
  try {
    await ensureCluster(dataDir, labFile(flags), (s) => console.log(s));
    const probe = new App({ dataDir, timeScale });
    const admin = probe.cluster.accounts.list().find((u) => u.privilege === 4);
    probe.close();
    const defaultPassword = admin ? await verifyPassword(DEFAULT_PASSWORD, admin.password_hash) : false;
    const sftpWellKnown = sftpPassword === undefined || WELL_KNOWN_PASSWORDS.includes(sftpPassword);
    if (!isLoopback(host)) {
      // Every account logs in from anywhere once off loopback, and so does the lab SFTP user.
      const weak = await accountsWithKnownPasswords(dataDir, timeScale);
      const why: string[] = [];
      if (weak.length) {
        const one = weak.length === 1;
        why.push(`account${one ? '' : 's'} ${weak.join(', ')} still ha${one ? 's' : 've'} a default password (change it: ucmsim passwd --data ${dataDir} ${one ? weak[0] : 'USER'})`);
      }
      if (sftpWellKnown) {
        why.push(`the lab SFTP user ${LAB_SFTP.username} has the well-known password ${sftpPassword ?? LAB_SFTP.password} (set another: --sftp-password-file FILE)`);
      }
      if (why.length) throw new Refused(`refusing to listen on ${host}: ${why.join('; ')}`);
    }
    sim = await startSimulator({ dataDir, host, basePort, sftpPort, tftpPort, httpPort, tvsPort, timeScale, sftpPassword, log: (m) => console.error(m) });
    const what = { ssh: 'ssh', tftp: 'tftp', http: 'http', 'https-callmanager': 'https (CallManager certificate)', 'https-tomcat': 'https (tomcat certificate)', tvs: 'tvs' };
    for (const l of sim.listeners) console.log(`${what[l.kind]} listening on ${l.host}:${l.port} (node ${l.node})`);
    const lab = sim.sftp!;
    // A password the user chose is theirs to know; only the public default is printed.
    const labPassword = sftpWellKnown && isLoopback(host) ? `password ${sftpPassword ?? LAB_SFTP.password}` : 'password as given';
    console.log(`lab sftp listening on ${lab.host}:${lab.port} (user ${LAB_SFTP.username}, ${labPassword}, files in ${lab.root})`);
    const first = [...sim.ssh.values()][0];
    const pw = defaultPassword ? ` (password: ${DEFAULT_PASSWORD})` : '';
    console.log(`log in: ssh -p ${first.port} ${admin?.name ?? 'admin'}@${host}${pw}`);
  } catch (e) {
    release();
    throw e;
  }
  const running = sim;
  runUntilSignalled(() => running.close(), release);
}

/** serve --scenario NAME: a fresh lab of the scenario (loopback only: its accounts have well-known passwords). */
async function serveTraining(flags: Flags): Promise<void> {
  const host = String(flags.listen ?? '127.0.0.1');
  if (!isLoopback(host)) throw new Refused(`refusing to listen on ${host}: a scenario lab has well-known passwords (use ucmsim classroom for trainees on other hosts)`);
  const port = (name: string, dflt: number) => numberFlag(flags, name, dflt, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const { seat, release } = await serveScenario({
    name: String(flags.scenario), dataDir: flags.data === undefined ? undefined : String(flags.data), host,
    basePort: port('ssh-port', 2222), sftpPort: port('sftp-port', 2022), tftpPort: port('tftp-port', 6969), httpPort: port('http-port', 6970), tvsPort: port('tvs-port', 2445),
    timeScale: numberFlag(flags, 'time-scale', 1, validTimeScale),
  });
  runUntilSignalled(() => seat.close(), release);
}

async function shell(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { data: 'value', node: 'value', 'time-scale': 'value' });
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  await ensureCluster(dataDir, undefined, (s) => console.error(s));
  const app = new App({ dataDir, timeScale: numberFlag(flags, 'time-scale', 1, validTimeScale), log: (m) => console.error(m) });
  const nodes = [...app.lab.clusters.values()].flatMap((c) => c.nodes());
  const node = String(flags.node ?? nodes[0].name);
  if (!nodes.some((n) => n.name === node)) {
    app.close();
    throw new UsageError(`no node ${node}; nodes: ${nodes.map((n) => n.name).join(', ')}`);
  }
  // The local console is the install-time administrator's own terminal.
  const admin = app.lab.clusterOf(node).accounts.list().find((u) => u.privilege === 4) ?? { name: 'admin', privilege: 4 };
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
      // sim dashboard draws on the local terminal as on a pty.
      get term() {
        return stdin.isTTY && process.stdout.isTTY ? process.env.TERM ?? null : null;
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
  process.stdout.on('resize', () => session.resized());
  session.start();
}

async function dashboard(argv: string[]): Promise<void> {
  // --data may be given once per seat.
  const dirs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--data' && argv[i + 1] !== undefined) dirs.push(argv[++i]);
    else if (argv[i].startsWith('--data=')) dirs.push(argv[i].slice('--data='.length));
    else rest.push(argv[i]);
  }
  const { flags } = parseFlags(rest, { 'time-scale': 'value' });
  const timeScale = numberFlag(flags, 'time-scale', 1, validTimeScale);
  const term = process.env.TERM ?? '';
  if (!process.stdin.isTTY || !process.stdout.isTTY || ['', 'dumb', 'unknown'].includes(term)) {
    throw new Refused(`the dashboard needs a terminal with cursor addressing (TERM=${term || 'unset'}); for the counts as text, run sim report phones summary in ucmsim shell`);
  }
  await localDashboard((dirs.length ? dirs : ['data']).map((d) => path.resolve(d)), timeScale, term, (m) => console.error(m));
  process.stdout.write('', () => process.exit(0));
}

async function init(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { data: 'value', config: 'value', lab: 'value', force: 'bool' });
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
  await ensureCluster(dataDir, labFile(flags), (s) => console.log(s));
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
  const { flags, rest } = parseFlags(argv, { data: 'value', cluster: 'value' });
  const user = rest[0];
  if (!user) throw new UsageError('which user? ucmsim passwd [--data DIR] USER');
  const dataDir = path.resolve(String(flags.data ?? 'data'));
  if (!Store.exists(dataDir)) throw new UsageError(`no cluster in ${dataDir}; run ucmsim init first`);
  const password = await readSecret(`New password for ${user}: `);
  if (password.length < 8) throw new UsageError('the password must be at least 8 characters');
  const app = new App({ dataDir, timeScale: 0 });
  try {
    const clusters = flags.cluster ? [app.lab.cluster(String(flags.cluster))] : [...app.lab.clusters.values()];
    const hash = hashPassword(password);
    const changed = clusters.filter((c) => c.accounts.list().some((u) => u.name === user));
    if (!changed.length) throw new UsageError(`no account ${user}`);
    // Several clusters change together or not at all.
    app.lab.transaction(() => changed.forEach((c) => c.accounts.setPassword(null, user, hash)));
    console.log(`password of ${user} changed${app.lab.clusters.size > 1 ? ` on ${changed.map((c) => c.name).join(', ')}` : ''}`);
  } finally {
    app.close();
  }
}

async function classroom(argv: string[]): Promise<void> {
  const { flags } = parseFlags(argv, { scenario: 'value', seats: 'value', data: 'value', listen: 'value', 'ssh-port': 'value', 'sftp-port': 'value', 'time-scale': 'value' });
  if (flags.scenario === undefined || flags.seats === undefined) throw new UsageError('ucmsim classroom --scenario NAME --seats N');
  const scenario = findScenario(String(flags.scenario));
  const dir = path.resolve(String(flags.data ?? `classroom-${scenario.name}`));
  const port = (name: string, dflt: number) => numberFlag(flags, name, dflt, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
  const release = acquireServeLock(dir);
  let room: Classroom;
  try {
    room = await Classroom.open({
      scenario, dir, seats: numberFlag(flags, 'seats', 1, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_SEATS),
      host: String(flags.listen ?? '127.0.0.1'), sshPort: port('ssh-port', 2222), sftpPort: port('sftp-port', 2022),
      timeScale: numberFlag(flags, 'time-scale', 1, validTimeScale), log: (m) => console.error(m), say: (m) => console.log(m),
    });
  } catch (e) {
    release();
    throw e;
  }
  console.log(`classroom of ${room.seatCount} seats, scenario ${scenario.name}, in ${dir}`);
  console.log(`logins and passwords (0600): ${room.credentials}`);
  console.log(fs.readFileSync(room.credentials, 'utf8').split('\n').filter((l) => l.startsWith('#')).join('\n'));
  console.log('');
  console.log(briefingText(scenario));
  runUntilSignalled(() => room.close(), release);
}

async function recordings(argv: string[]): Promise<void> {
  const { flags, rest } = parseFlags(argv, { data: 'value', speed: 'value' });
  if (rest[0] === 'list' && rest.length === 1) return recordingsList(String(flags.data ?? 'data'));
  if (rest[0] === 'play' && rest.length === 2) return recordingsPlay(rest[1], numberFlag(flags, 'speed', 1, (n) => n >= 0.1 && n <= 1000));
  throw new UsageError('ucmsim recordings list [--data DIR] | ucmsim recordings play FILE [--speed X]');
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === 'serve') await serve(rest);
    else if (cmd === 'shell') await shell(rest);
    else if (cmd === 'init') await init(rest);
    else if (cmd === 'passwd') await passwd(rest);
    else if (cmd === 'lab' && rest[0] === 'list' && rest.length === 1) labList();
    else if (cmd === 'lab') throw new UsageError('ucmsim lab list');
    else if (cmd === 'recordings') await recordings(rest);
    else if (cmd === 'classroom') await classroom(rest);
    else if (cmd === 'dashboard') await dashboard(rest);
    else if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') process.stdout.write(USAGE);
    else throw new UsageError(`unknown command ${cmd}`);
  } catch (e) {
    if (e instanceof UsageError) process.stderr.write(`ucmsim: ${e.message}\n\n${USAGE}`);
    else if (e instanceof DataDirInUse || e instanceof ConfigError || e instanceof ScenarioError || e instanceof ClusterError || e instanceof Refused) process.stderr.write(`ucmsim: ${e.message}\n`);
    else process.stderr.write(`ucmsim: ${(e as Error).stack ?? e}\n`);
    process.exit(e instanceof UsageError || e instanceof Refused ? 2 : 1);
  }
}
