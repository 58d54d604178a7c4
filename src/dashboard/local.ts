// `ucmsim dashboard` on the local terminal. A data directory that a `serve` holds is opened read-only
// and followed by reading its new events; one nobody serves is opened like `ucmsim shell` opens it, so
// its scheduler completes what falls due. Several directories make the classroom's grid of seats.
import path from 'node:path';
import type { FullScreenIo } from '../cli/command';
import { Lab } from '../lab/lab';
import type { LabEvent } from '../lab/events';
import { Store } from '../store/store';
import { lockOwner } from '../store/lock';
import { ClusterError } from '../cluster/errors';
import { labSource, type DashboardSource } from './model';
import { runDashboard } from './view';
import { runSeats } from './seats';

/** How often a read-only view reads the events a serve has appended (reads only, never writes). */
export const FOLLOW_MS = 250;
/** Most events read per look; more in one look only shorten the feed (the counts are read afresh). */
const FOLLOW_BATCH = 500;
/** Most seats in a grid. */
export const MAX_SEATS = 64;

export interface Seat {
  lab: Lab;
  source: DashboardSource;
  served: boolean;
}

/** The events a serve appends to the store, for a view that is not in its process. */
function followStore(lab: Lab): DashboardSource['subscribe'] {
  return (listener: (e: LabEvent) => void) => {
    let last = lab.recentEvents(1)[0]?.id ?? 0;
    const timer = setInterval(() => {
      for (const e of lab.recentEvents(FOLLOW_BATCH)) {
        if (e.id <= last) continue;
        last = e.id;
        listener(e);
      }
    }, FOLLOW_MS);
    return () => clearInterval(timer);
  };
}

export function openSeat(dir: string, timeScale: number, title: string, log: (m: string) => void): Seat {
  if (!Store.exists(dir)) throw new ClusterError(`no lab in ${dir}; run ucmsim init first`);
  const served = lockOwner(dir) !== null;
  const lab = served ? new Lab({ dataDir: dir, timeScale, log, readOnly: true }, Store.openReadOnly(dir)) : new Lab({ dataDir: dir, timeScale, log });
  return { lab, served, source: labSource(lab, `${title}${served ? ' (served, read-only)' : ''}`, served ? followStore(lab) : undefined) };
}

/** The local terminal as a FullScreenIo; `signal` ends the program (SIGTERM, SIGHUP). */
function processIo(signal: AbortSignal): FullScreenIo {
  const { stdin, stdout } = process;
  return {
    write: (s) => void stdout.write(s),
    get cols() {
      return stdout.columns || 80;
    },
    get rows() {
      return stdout.rows || 24;
    },
    get congested() {
      return stdout.writableNeedDrain;
    },
    signal,
    onInput: (f) => stdin.on('data', f),
    onResize: (f) => stdout.on('resize', f),
  };
}

/** Runs the dashboard of one lab, or the grid of several, on this process's terminal until q. */
export async function localDashboard(dirs: string[], timeScale: number, termType: string, log: (m: string) => void): Promise<void> {
  if (dirs.length > MAX_SEATS) throw new ClusterError(`at most ${MAX_SEATS} data directories`);
  const seats: Seat[] = [];
  try {
    for (const d of dirs) seats.push(openSeat(d, timeScale, dirs.length === 1 ? d : path.basename(d), log));
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGTERM', onSignal);
    process.once('SIGHUP', onSignal);
    process.stdin.setRawMode(true);
    process.stdin.resume();
    try {
      const io = processIo(stop.signal);
      if (seats.length === 1) await runDashboard(io, seats[0].source, termType, log);
      else await runSeats(io, seats.map((s) => s.source), termType, log);
    } finally {
      process.stdin.setRawMode(false);
      process.stdin.pause();
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    }
  } finally {
    for (const s of seats) s.lab.close();
  }
}
