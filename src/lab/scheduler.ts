// The lab's scheduler: work that falls due at a simulated time (a phone's boot, a node's restart)
// completes then, whether or not anyone types. One timer, armed for the earliest due time; every
// tick is contained, so a failure is logged and the next tick runs as usual. At time scale 0 every
// wait is instant: whatever is scheduled completes at once, in due order, and the clock stays put
// (so certificates made meanwhile are not dated in the future).
import { MAX_TIMER_MS, type SimClock } from '../clock/clock';

/** Something that keeps due work: the earliest due time, and completing what is due by `now`. */
export interface DueSource {
  name: string;
  /** the earliest simulated time (ms) at which something is due, or null */
  nextDue(): number | null;
  /**
   * completes what is due at or before `limitMs`, at most about `budget` items (a source may finish
   * one indivisible batch past it); returns how many it completed
   */
  runDue(limitMs: number, budget: number): number;
}

/** due times a catch-up completes at once, at most */
const MAX_STEPS_PER_TICK = 1000;
/**
 * A timer tick completes one due time, at most this many items of it, then yields, so sessions (and
 * the other labs of a classroom) keep answering between batches.
 */
const ITEMS_PER_TIMER_TICK = 2000;

export class Scheduler {
  private next: number | null = null;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private running = false;
  private closed = false;
  /** sessions waiting in `settle` */
  private settling = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly sources: DueSource[],
    private readonly log: (m: string) => void,
  ) {}

  /** Re-reads the earliest due time (after something was scheduled) and arms the timer. */
  wake(): void {
    if (this.closed) return;
    this.next = this.earliest();
    this.arm();
  }

  /** The earliest due time known, in simulated ms. */
  get nextDue(): number | null {
    return this.next;
  }

  /**
   * Completes at once whatever is due by now (at scale 0: everything scheduled). The CLI calls it
   * before and after each command so that, with instant time, a command sees the world settled; it
   * costs one comparison when nothing is due.
   */
  catchUp(): void {
    if (this.next === null || this.running) return;
    if (this.clock.timeScale === 0 || this.next <= this.clock.nowMs()) this.tick(Infinity);
  }

  /**
   * As catchUp, one due time at a time, yielding to other work between them: what a command caused
   * completes before its prompt, while other sessions (and the other labs of a classroom) go on.
   */
  async settle(): Promise<void> {
    // Meanwhile the timer stays unarmed: each due time completes whole, in one transaction, here.
    this.settling++;
    try {
      for (let i = 0; i < MAX_STEPS_PER_TICK; i++) {
        if (this.next === null || this.closed) return;
        if (this.clock.timeScale !== 0 && this.next > this.clock.nowMs()) return;
        // A source that keeps failing is left to the retry timer.
        if (!this.tick(Infinity, 1)) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.catchUp();
    } finally {
      this.settling--;
      this.arm();
    }
  }

  private earliest(): number | null {
    let min: number | null = null;
    for (const s of this.sources) {
      try {
        const d = s.nextDue();
        if (d !== null && (min === null || d < min)) min = d;
      } catch (e) {
        this.log(`scheduler: ${s.name} could not say what is due: ${(e as Error).stack ?? e}`);
      }
    }
    return min;
  }

  private arm(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    if (this.next === null || this.closed || this.settling > 0) return;
    const wait = this.clock.timeScale === 0 ? 0 : Math.max(0, this.clock.wallMs(this.next - this.clock.nowMs()));
    // A due time beyond what one timer can hold is re-armed when the timer fires.
    const tick = () => this.tick(ITEMS_PER_TIMER_TICK, 1);
    this.timer = wait === 0 ? setImmediate(tick) : setTimeout(tick, Math.min(Math.ceil(wait), MAX_TIMER_MS));
    (this.timer as { unref?: () => void }).unref?.();
  }

  /**
   * Completes due work, at most `steps` due times; a timer tick stops after `budget` items and goes on
   * at the next turn. False when a source failed and its work waits for the retry timer.
   */
  private tick(budget: number, steps = MAX_STEPS_PER_TICK): boolean {
    if (this.running || this.closed) return false;
    this.running = true;
    let stuck = false;
    const failed = new Set<DueSource>(); // tried again at the next tick, not in this one
    try {
      for (let step = 0, left = budget; step < steps && left > 0; step++) {
        const next = this.earliest();
        if (next === null) break;
        const instant = this.clock.timeScale === 0;
        if (!instant && next > this.clock.nowMs()) break;
        const limit = instant ? next : this.clock.nowMs();
        let done = 0;
        for (const s of this.sources) {
          if (failed.has(s)) continue;
          try {
            done += s.runDue(limit, left - done);
          } catch (e) {
            failed.add(s);
            this.log(`scheduler: ${s.name} failed: ${(e as Error).stack ?? e}`);
          }
        }
        left -= done;
        // A source that failed leaves its work due: retry after a pause, not in a hot loop.
        if (done === 0 && (failed.size > 0 || this.earliest() === next)) {
          stuck = true;
          break;
        }
      }
    } catch (e) {
      this.log(`scheduler tick failed: ${(e as Error).stack ?? e}`);
    } finally {
      this.running = false;
    }
    this.next = this.earliest();
    if (stuck) this.retryLater();
    else this.arm();
    return !stuck;
  }

  private retryLater(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.tick(ITEMS_PER_TIMER_TICK, 1), 1000);
    (this.timer as { unref?: () => void }).unref?.();
  }

  close(): void {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = null;
  }
}
