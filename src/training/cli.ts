// The training side of the `ucmsim` command: `lab list`, `serve --scenario NAME`, and the helpers
// `classroom` shares. A scenario's lab is always fresh: built, set up through a CLI session, served.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../cluster/config';
import { Store, STORE_FILE } from '../store/store';
import { acquireServeLock } from '../store/lock';
import { LAB_SFTP } from '../simulator';
import { listScenarios, findScenario, ScenarioError, type Scenario } from './scenario';
import { ScriptError } from './script';
import { buildLab, setUpScenario, Seat, SNAPSHOT_DIR } from './seat';
import { TRAINING_FILE } from './training';
import { DEFAULT_PASSWORD } from '../cluster/passwords';
import { RECORDINGS_DIR } from '../ssh/recording';

export function labList(): void {
  const scenarios = listScenarios();
  const w = Math.max(...scenarios.map((s) => s.name.length), 4) + 2;
  console.log(`${'Name'.padEnd(w)}${'CUCM'.padEnd(14)}Title`);
  for (const s of scenarios) console.log(`${s.name.padEnd(w)}${s.version.padEnd(14)}${s.title}${s.requires.length ? ` (needs ${s.requires.join(', ')})` : ''}`);
  console.log(`${scenarios.length} scenarios; start one with: ucmsim serve --scenario NAME`);
}

/**
 * Makes `dir` ready for a fresh run: empty, or the leftovers of an earlier scenario run (which are
 * removed). A data directory holding any other lab is refused rather than overwritten.
 */
export function freshScenarioDir(dir: string): void {
  if (Store.exists(dir) && !fs.existsSync(path.join(dir, TRAINING_FILE))) {
    throw new ConfigError(`${dir} holds a lab that was not started from a scenario; give another --data DIR`);
  }
  for (const f of [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, TRAINING_FILE]) fs.rmSync(path.join(dir, f), { force: true });
  for (const d of [SNAPSHOT_DIR, LAB_SFTP.dir]) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
}

/** Builds the scenario's lab in `dir` and runs its setup; logs what takes time. */
export async function prepareScenario(scenario: Scenario, dir: string, log: (s: string) => void): Promise<void> {
  const t0 = Date.now();
  log(`building the lab of scenario ${scenario.name} (${path.basename(scenario.lab)}) in ${dir}`);
  await buildLab(scenario, dir);
  log(`running its setup (${scenario.setup.length} commands)`);
  try {
    await setUpScenario(scenario, dir);
  } catch (e) {
    if (e instanceof ScriptError) throw new ScenarioError(`the setup of scenario ${scenario.name} failed: ${e.message}`);
    throw e;
  }
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

export function briefingText(s: Scenario): string {
  return [
    `Scenario ${s.name}: ${s.title} (CUCM ${s.version}, ${s.timeBudgetMinutes} minutes)`,
    '',
    s.briefing.trimEnd(),
    '',
    'In the CLI: sim lab show (this briefing), sim lab status, sim lab hint, sim lab grade, sim lab reset.',
  ].join('\n');
}

export interface ScenarioServeOptions {
  name: string;
  dataDir?: string;
  host: string;
  basePort: number;
  sftpPort: number;
  tftpPort: number | null;
  httpPort: number | null;
  tvsPort: number | null;
  timeScale: number;
}

export async function serveScenario(o: ScenarioServeOptions): Promise<{ seat: Seat; release: () => void }> {
  const scenario = findScenario(o.name);
  const dataDir = path.resolve(o.dataDir ?? `training-${scenario.name}`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = acquireServeLock(dataDir);
  try {
    freshScenarioDir(dataDir);
    await prepareScenario(scenario, dataDir, (s) => console.log(s));
    let starts = 0;
    const seat = new Seat(scenario, dataDir, {
      timeScale: o.timeScale,
      log: (m) => console.error(m),
      listen: { host: o.host, basePort: o.basePort, sftpPort: o.sftpPort, tftpPort: o.tftpPort, httpPort: o.httpPort, tvsPort: o.tvsPort },
      started: () => {
        if (starts++) console.log(`lab ${scenario.name} reset: the exercise starts again`);
      },
    });
    await seat.start();
    const sim = seat.sim!;
    for (const l of sim.listeners) console.log(`${l.kind} listening on ${l.host}:${l.port} (node ${l.node})`);
    if (sim.sftp) console.log(`lab sftp listening on ${sim.sftp.host}:${sim.sftp.port} (user ${LAB_SFTP.username}, password ${LAB_SFTP.password}, files in ${sim.sftp.root})`);
    const first = [...sim.ssh.values()][0];
    console.log(`log in: ssh -p ${first.port} admin@${o.host} (password: ${DEFAULT_PASSWORD})`);
    console.log('');
    console.log(briefingText(scenario));
    return { seat, release };
  } catch (e) {
    release();
    throw e;
  }
}

// --- recordings --------------------------------------------------------------------------------

/** A recording's header and length, read without loading a large file whole. */
function castInfo(file: string): { title: string; seconds: number; bytes: number } {
  const bytes = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(Math.min(bytes, 4096));
    fs.readSync(fd, head, 0, head.length, 0);
    const header = JSON.parse(head.toString('utf8').split('\n')[0]) as { title?: string };
    const tail = Buffer.alloc(Math.min(bytes, 65536));
    fs.readSync(fd, tail, 0, tail.length, bytes - tail.length);
    const lines = tail.toString('utf8').trimEnd().split('\n');
    let seconds = 0;
    try {
      const last = JSON.parse(lines[lines.length - 1]) as unknown;
      if (Array.isArray(last)) seconds = Number(last[0]);
    } catch {
      /* a recording still being written */
    }
    return { title: header.title ?? '', seconds, bytes };
  } finally {
    fs.closeSync(fd);
  }
}

export function recordingsList(dataDir: string): void {
  const dir = path.join(path.resolve(dataDir), RECORDINGS_DIR);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.cast')).sort() : [];
  for (const f of files) {
    try {
      const i = castInfo(path.join(dir, f));
      console.log(`${path.join(dir, f)}  ${i.seconds.toFixed(1).padStart(8)} s  ${String(i.bytes).padStart(9)} bytes  ${i.title}`);
    } catch {
      console.log(`${path.join(dir, f)}  (unreadable)`);
    }
  }
  console.log(`${files.length} recording${files.length === 1 ? '' : 's'} in ${dir}`);
}

/** Longest pause a replay keeps (wall seconds, before --speed): an idle trainee is not replayed idle. */
export const MAX_REPLAY_PAUSE_S = 5;

/** Replays an asciicast v2 file to `out` with its timing divided by `speed`. */
export async function recordingsPlay(file: string, speed: number, out: (s: string) => void = (s) => process.stdout.write(s)): Promise<void> {
  if (!(Number.isFinite(speed) && speed >= 0.1 && speed <= 1000)) throw new ConfigError('--speed must be from 0.1 to 1000');
  const readline = await import('node:readline');
  const rl = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let first = true;
  let at = 0;
  for await (const line of rl) {
    if (line.length > 64 * 1024 * 1024) throw new ConfigError(`${file}: a line too long for a recording`);
    if (first) {
      first = false;
      const h = JSON.parse(line) as { version?: number };
      if (h.version !== 2) throw new ConfigError(`${file} is not an asciicast v2 recording`);
      continue;
    }
    if (!line.trim()) continue;
    const e = JSON.parse(line) as [number, string, string];
    if (!Array.isArray(e) || typeof e[0] !== 'number' || typeof e[2] !== 'string') throw new ConfigError(`${file}: not an asciicast event: ${line.slice(0, 80)}`);
    const wait = Math.min(Math.max(0, e[0] - at), MAX_REPLAY_PAUSE_S) / speed;
    at = e[0];
    if (wait > 0.001) await new Promise((r) => setTimeout(r, wait * 1000));
    if (e[1] === 'o') out(e[2]);
  }
}
