// One trainee's exercise on one lab: where it began (an event id and the clocks), the hints used,
// when each objective was first met, and the grade. It follows the lab's event bus, so objectives
// turn met as the scheduler completes reboots, whoever caused them. State lives in training.json in
// the data directory so that a restarted server goes on with the same exercise.
import fs from 'node:fs';
import path from 'node:path';
import type { Lab } from '../lab/lab';
import type { LabEvent } from '../lab/events';
import { evaluate, type CheckContext, type Outcome } from './checks';
import type { Scenario } from './scenario';

export const TRAINING_FILE = 'training.json';
/** Events since the start the checks read at most (the newest ones). */
const MAX_EVENTS = 5000;
/** Points the grade takes off when the wall time budget is exceeded. */
export const OVERTIME_PENALTY = 10;

export interface TrainingState {
  scenario: string;
  /** the last event of the setup: the exercise is what comes after */
  startEventId: number;
  startSim: string;
  startWall: string;
  hints: number;
  /** objective id → when it was first met */
  met: Record<string, { sim: string; wall: string }>;
}

export interface ObjectiveStatus {
  id: string;
  text: string;
  points: number;
  met: boolean;
  /** simulated and wall ms from the start to when it was first met */
  metAfter?: { simMs: number; wallMs: number };
  facts: string[];
}

export interface GradeLine {
  points: number;
  text: string;
  evidence: string[];
}

export interface Grade {
  score: number;
  max: number;
  right: GradeLine[];
  wrong: GradeLine[];
  missing: GradeLine[];
  hints: number;
  overtime: boolean;
}

export function readTrainingState(dataDir: string): TrainingState | null {
  const file = path.join(dataDir, TRAINING_FILE);
  if (!fs.existsSync(file)) return null;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as TrainingState;
}

export function writeTrainingState(dataDir: string, s: TrainingState): void {
  fs.writeFileSync(path.join(dataDir, TRAINING_FILE), JSON.stringify(s, null, 1) + '\n', { mode: 0o600 });
}

/** One event as evidence: id, simulated time, who, the command, what. */
export function evidence(e: LabEvent): string {
  const who = e.user ? `${e.user}@${e.node}` : 'the lab';
  const facts = Object.entries(e.payload as Record<string, unknown>).filter(([, v]) => typeof v !== 'object').map(([k, v]) => `${k}=${v}`).join(' ');
  return `event #${e.id} at ${e.simTime} by ${who}${e.command ? ` (${e.command})` : ''}: ${e.kind}${facts ? ` ${facts}` : ''}`;
}

export const minutes = (ms: number) => `${Math.floor(ms / 60000)} min ${Math.floor((ms % 60000) / 1000)} s`;

export class Training {
  private unsubscribe: () => void;
  private pending = false;
  private closed = false;
  private readonly listeners = new Set<() => void>();
  private readonly events: LabEvent[];

  constructor(
    readonly lab: Lab,
    readonly scenario: Scenario,
    private readonly state: TrainingState,
    private readonly host: { sftpRoot: string; reset: () => void },
  ) {
    // The events since the start, read once and then kept from the bus (no store read per look).
    this.events = lab.recentEvents(MAX_EVENTS).filter((e) => e.id > state.startEventId);
    this.unsubscribe = lab.events.subscribe((e) => {
      if (e.id <= this.state.startEventId) return;
      this.events.push(e);
      if (this.events.length > 2 * MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
      this.schedule();
    });
    this.refresh();
  }

  /** Re-evaluates once after a burst of events, out of the publishing transaction. */
  private schedule(): void {
    if (this.pending || this.closed) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      if (!this.closed) this.refresh();
    });
  }

  /** Something changed (an objective met, a hint taken): for watchers such as a dashboard. */
  onChange(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private context(): CheckContext {
    const events = this.events.length > MAX_EVENTS ? this.events.slice(-MAX_EVENTS) : this.events;
    return { lab: this.lab, events, sftpRoot: this.host.sftpRoot };
  }

  private refresh(): void {
    let changed = false;
    if (this.scenario.objectives.every((o) => this.state.met[o.id])) return;
    try {
      const ctx = this.context();
      for (const o of this.scenario.objectives) {
        if (this.state.met[o.id]) continue;
        if (evaluate(ctx, o.check).met) {
          this.state.met[o.id] = this.now();
          changed = true;
        }
      }
    } catch {
      return; // a lab closing under us; the next look evaluates again
    }
    if (changed) this.changed();
  }

  private now(): { sim: string; wall: string } {
    return { sim: this.lab.clock.now().toISOString(), wall: new Date().toISOString() };
  }

  private markMet(id: string): void {
    this.state.met[id] = this.now();
    this.changed();
  }

  private changed(): void {
    writeTrainingState(this.lab.dataDir, this.state);
    for (const f of [...this.listeners]) f();
  }

  get hintsUsed(): number {
    return this.state.hints;
  }

  elapsed(): { simMs: number; wallMs: number } {
    return { simMs: this.lab.clock.nowMs() - Date.parse(this.state.startSim), wallMs: Date.now() - Date.parse(this.state.startWall) };
  }

  /** Each objective as it stands now (a read-only view, also for the dashboard). */
  objectives(): ObjectiveStatus[] {
    this.lab.scheduler.catchUp();
    const ctx = this.context();
    return this.scenario.objectives.map((o) => {
      const r = evaluate(ctx, o.check);
      // The first look that finds it met records it (the live update may still be queued).
      if (r.met && !this.state.met[o.id]) this.markMet(o.id);
      const first = this.state.met[o.id];
      const metAfter = r.met && first ? { simMs: Date.parse(first.sim) - Date.parse(this.state.startSim), wallMs: Date.parse(first.wall) - Date.parse(this.state.startWall) } : undefined;
      return { id: o.id, text: o.text, points: o.points, met: r.met, metAfter, facts: r.facts };
    });
  }

  /** The next hint, or null when none is left; each one given is counted. */
  hint(): { n: number; of: number; text: string } | null {
    const h = this.scenario.hints[this.state.hints];
    if (h === undefined) return null;
    this.state.hints++;
    this.changed();
    return { n: this.state.hints, of: this.scenario.hints.length, text: h };
  }

  grade(): Grade {
    this.lab.scheduler.catchUp();
    const ctx = this.context();
    const lines = (r: Outcome) => [...r.facts, ...r.events.slice(0, 4).map(evidence)];
    const right: GradeLine[] = [];
    const missing: GradeLine[] = [];
    const wrong: GradeLine[] = [];
    let score = 0;
    let max = 0;
    for (const o of this.scenario.objectives) {
      const r = evaluate(ctx, o.check);
      max += o.points;
      if (r.met) {
        score += o.points;
        right.push({ points: o.points, text: o.text, evidence: lines(r) });
      } else {
        missing.push({ points: o.points, text: o.text, evidence: lines(r) });
      }
    }
    for (const p of this.scenario.penalties) {
      const r = evaluate(ctx, p.check);
      if (r.met) {
        score -= p.points;
        wrong.push({ points: p.points, text: p.text, evidence: lines(r) });
      }
    }
    if (this.state.hints) {
      score -= this.state.hints * this.scenario.hintCost;
      wrong.push({ points: this.state.hints * this.scenario.hintCost, text: `${this.state.hints} hint${this.state.hints === 1 ? '' : 's'} used`, evidence: [] });
    }
    const overtime = this.elapsed().wallMs > this.scenario.timeBudgetMinutes * 60000;
    if (overtime) {
      score -= OVERTIME_PENALTY;
      wrong.push({ points: OVERTIME_PENALTY, text: `over the time budget of ${this.scenario.timeBudgetMinutes} minutes`, evidence: [] });
    }
    return { score: Math.max(0, score), max, right, wrong, missing, hints: this.state.hints, overtime };
  }

  /** Starts the exercise again on the lab as the setup left it (the host rebuilds the lab). */
  reset(): void {
    this.host.reset();
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    this.listeners.clear();
  }
}
