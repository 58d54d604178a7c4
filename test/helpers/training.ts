// Training seats for tests: each scenario's lab file is built once per test process (real keys take
// seconds), each scenario set up once on a copy, and every test gets its own copy of that.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildLab, copyLab, setUpScenario, Seat, SNAPSHOT_DIR, type SeatOptions } from '../../src/training/seat';
import { TRAINING_FILE } from '../../src/training/training';
import type { Scenario } from '../../src/training/scenario';
import { STORE_FILE } from '../../src/store/store';
import { LAB_SFTP } from '../../src/simulator';

const built = new Map<string, Promise<string>>();
const setUp = new Map<string, Promise<string>>();
const made: string[] = [];

function tmp(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

function builtLab(scenario: Scenario): Promise<string> {
  let p = built.get(scenario.lab);
  if (!p) {
    p = (async () => {
      const dir = tmp('ucmsim-training-lab-');
      await buildLab(scenario, dir);
      return dir;
    })();
    built.set(scenario.lab, p);
  }
  return p;
}

/** A data directory holding the scenario as its setup left it (with its snapshot). */
export async function scenarioDataDir(scenario: Scenario): Promise<string> {
  let p = setUp.get(scenario.name);
  if (!p) {
    p = (async () => {
      const dir = tmp('ucmsim-training-setup-');
      copyLab(await builtLab(scenario), dir);
      await setUpScenario(scenario, dir);
      return dir;
    })();
    setUp.set(scenario.name, p);
  }
  const src = await p;
  const dir = tmp('ucmsim-seat-');
  copyLab(src, dir);
  fs.copyFileSync(path.join(src, TRAINING_FILE), path.join(dir, TRAINING_FILE));
  fs.mkdirSync(path.join(dir, SNAPSHOT_DIR));
  fs.copyFileSync(path.join(src, SNAPSHOT_DIR, STORE_FILE), path.join(dir, SNAPSHOT_DIR, STORE_FILE));
  return dir;
}

/** A started seat of the scenario at time scale 0, with SSH and the lab SFTP server on free ports. */
export async function startSeat(scenario: Scenario, opts: Partial<SeatOptions> = {}): Promise<Seat> {
  const seat = new Seat(scenario, await scenarioDataDir(scenario), { timeScale: 0, listen: { host: '127.0.0.1', basePort: 0, sftpPort: 0 }, ...opts });
  await seat.start();
  return seat;
}

/** The placeholder values scripts use for the seat's lab SFTP server. */
export function sftpValues(seat: Seat): Record<string, string> {
  const s = seat.sim?.sftp;
  return { 'sftp.host': s?.host ?? '127.0.0.1', 'sftp.port': String(s?.port ?? 22), 'sftp.user': LAB_SFTP.username, 'sftp.password': LAB_SFTP.password };
}

process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
