// A training seat: one lab in its own data directory, prepared from a scenario (the lab file built,
// the setup run through a real CLI session), snapshotted as the setup left it, and served either
// in-process (an App) or with its listeners (a Simulator). Resetting closes the lab, puts the
// snapshot back and opens it again, so a reset is a fresh start without rebuilding any key.
import fs from 'node:fs';
import path from 'node:path';
import { Store, STORE_FILE } from '../store/store';
import { loadLabConfig, loadUsers, type UserConfig } from '../cluster/config';
import { initializeLab } from '../cluster/init';
import { loadOrCreateHostKey, HOST_KEY_FILE } from '../ssh/hostkey';
import { App } from '../app';
import { startSimulator, LAB_SFTP, type Simulator, type SimulatorOptions } from '../simulator';
import { runScript } from './script';
import type { Scenario } from './scenario';
import { Training, readTrainingState, writeTrainingState, type TrainingState } from './training';

export const SNAPSHOT_DIR = 'scenario-start';

export interface SeatOptions {
  timeScale: number;
  log?: (m: string) => void;
  /** listeners to start; absent: the lab runs in-process only (tests, the instructor's view) */
  listen?: Omit<SimulatorOptions, 'dataDir' | 'timeScale' | 'log'>;
  /** called after every (re)start with the new app */
  started?: (app: App) => void;
}

const storeFiles = [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`];

/** Builds the scenario's lab in an empty data directory (real keys: seconds), with these accounts. */
export async function buildLab(scenario: Scenario, dataDir: string, users: UserConfig[] = loadUsers()): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const store = Store.open(dataDir);
  try {
    await initializeLab(store, loadLabConfig(scenario.lab), users, new Date());
  } finally {
    store.close();
  }
  loadOrCreateHostKey(dataDir);
}

/** Copies a built (not yet set up) lab: its store and host key. */
export function copyLab(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const f of storeFiles) fs.rmSync(path.join(to, f), { force: true });
  fs.copyFileSync(path.join(from, STORE_FILE), path.join(to, STORE_FILE));
  fs.copyFileSync(path.join(from, HOST_KEY_FILE), path.join(to, HOST_KEY_FILE));
  fs.chmodSync(path.join(to, HOST_KEY_FILE), 0o600);
}

/**
 * Runs the scenario's setup on a built lab (at time scale 0, so every reboot it causes completes),
 * records where the exercise begins and keeps a snapshot to reset to.
 */
export async function setUpScenario(scenario: Scenario, dataDir: string): Promise<void> {
  const app = new App({ dataDir, timeScale: 0 });
  try {
    await runScript(app, scenario.setup);
    app.lab.scheduler.catchUp();
    const last = app.lab.recentEvents(1)[0];
    const state: TrainingState = { scenario: scenario.name, startEventId: last?.id ?? 0, startSim: app.clock.now().toISOString(), startWall: new Date().toISOString(), hints: 0, met: {} };
    writeTrainingState(dataDir, state);
  } finally {
    app.close();
  }
  const snap = path.join(dataDir, SNAPSHOT_DIR);
  fs.mkdirSync(snap, { recursive: true, mode: 0o700 });
  fs.copyFileSync(path.join(dataDir, STORE_FILE), path.join(snap, STORE_FILE));
}

export class Seat {
  app!: App;
  sim: Simulator | null = null;
  private resetting: Promise<void> | null = null;

  constructor(readonly scenario: Scenario, readonly dataDir: string, private readonly opts: SeatOptions) {}

  get training(): Training {
    return this.app.lab.training!;
  }

  /** Opens the lab (and its listeners) and attaches the exercise. */
  async start(): Promise<void> {
    const state = readTrainingState(this.dataDir);
    if (!state || state.scenario !== this.scenario.name) throw new Error(`${this.dataDir} holds no set-up scenario ${this.scenario.name}`);
    if (this.opts.listen) {
      this.sim = await startSimulator({ ...this.opts.listen, dataDir: this.dataDir, timeScale: this.opts.timeScale, log: this.opts.log });
      this.app = this.sim.app;
    } else {
      this.app = new App({ dataDir: this.dataDir, timeScale: this.opts.timeScale, log: this.opts.log });
    }
    const sftpRoot = this.sim?.sftp?.root ?? path.join(this.dataDir, LAB_SFTP.dir);
    this.app.lab.training = new Training(this.app.lab, this.scenario, state, {
      sftpRoot,
      reset: () => void this.reset().catch((e) => this.opts.log?.(`reset of ${this.dataDir} failed: ${(e as Error).stack ?? e}`)),
    });
    this.opts.started?.(this.app);
  }

  /** Back to the lab as the setup left it: sessions end, the snapshot returns, the clocks restart. */
  reset(): Promise<void> {
    this.resetting ??= (async () => {
      // Let the command that asked print its last line first.
      await new Promise((r) => setImmediate(r));
      await this.stop();
      for (const f of storeFiles) fs.rmSync(path.join(this.dataDir, f), { force: true });
      fs.copyFileSync(path.join(this.dataDir, SNAPSHOT_DIR, STORE_FILE), path.join(this.dataDir, STORE_FILE));
      fs.rmSync(path.join(this.dataDir, LAB_SFTP.dir), { recursive: true, force: true });
      const old = readTrainingState(this.dataDir)!;
      // The restored store's clock has not run: the exercise starts at its simulated time, now.
      const probe = new App({ dataDir: this.dataDir, timeScale: this.opts.timeScale });
      const startSim = probe.clock.now().toISOString();
      probe.close();
      writeTrainingState(this.dataDir, { ...old, startSim, startWall: new Date().toISOString(), hints: 0, met: {} });
      await this.start();
    })().finally(() => {
      this.resetting = null;
    });
    return this.resetting;
  }

  private async stop(): Promise<void> {
    this.app?.lab.training?.close();
    if (this.sim) await this.sim.close();
    else this.app?.close();
    this.sim = null;
  }

  async close(): Promise<void> {
    await this.resetting?.catch(() => {});
    await this.stop();
  }
}
