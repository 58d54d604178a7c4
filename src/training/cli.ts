// The training side of the `ucmsim` command: `lab list`, `serve --scenario NAME`, and the helpers
// `classroom` shares. A scenario's lab is always fresh: built, set up through a CLI session, served.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../cluster/config';
import { Store, STORE_FILE } from '../store/store';
import { acquireServeLock } from '../store/lock';
import { LAB_SFTP } from '../simulator';
import { listScenarios, findScenario, type Scenario } from './scenario';
import { buildLab, setUpScenario, Seat, SNAPSHOT_DIR } from './seat';
import { TRAINING_FILE } from './training';
import { DEFAULT_PASSWORD } from '../cluster/passwords';

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
  await setUpScenario(scenario, dir);
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
    const seat = new Seat(scenario, dataDir, {
      timeScale: o.timeScale,
      log: (m) => console.error(m),
      listen: { host: o.host, basePort: o.basePort, sftpPort: o.sftpPort, tftpPort: o.tftpPort, httpPort: o.httpPort, tvsPort: o.tvsPort },
      started: () => console.log(`lab ${scenario.name} (re)started`),
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
