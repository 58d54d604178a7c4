// Simulated time, one rule for everything: simulated time runs at 1/scale of wall speed, so a 60 s
// reboot at scale 0.1 takes 6 wall seconds and 60 simulated seconds. Scale 0 makes every wait
// instant: the clock then runs at wall speed and the scheduler jumps it to whatever falls due next.
// `sim clock advance` jumps it too. The clock never runs backwards.

/** Accepted scales: 0 (instant), or from one thousandth to a thousand wall seconds per simulated second. */
export const TIME_SCALE_RANGE = { min: 0.001, max: 1000 };

export function validTimeScale(x: number): boolean {
  return x === 0 || (Number.isFinite(x) && x >= TIME_SCALE_RANGE.min && x <= TIME_SCALE_RANGE.max);
}

export class SimClock {
  private anchorWall: number;
  private anchorSim: number;

  constructor(
    public readonly timeScale: number,
    offsetMs = 0,
    private readonly wall: () => number = Date.now,
  ) {
    if (!validTimeScale(timeScale)) throw new Error(`invalid time scale: ${timeScale}`);
    this.anchorWall = wall();
    this.anchorSim = this.anchorWall + offsetMs;
  }

  /** simulated milliseconds per wall millisecond */
  private get rate(): number {
    return this.timeScale > 0 ? 1 / this.timeScale : 1;
  }

  nowMs(): number {
    return this.anchorSim + (this.wall() - this.anchorWall) * this.rate;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** simulated time minus wall time, as the store keeps it across restarts */
  get offset(): number {
    return this.nowMs() - this.wall();
  }

  setOffset(ms: number): void {
    this.anchorWall = this.wall();
    this.anchorSim = this.anchorWall + ms;
  }

  /** Moves the clock forward to `simMs`; an earlier time leaves it where it is. */
  advanceTo(simMs: number): void {
    const now = this.nowMs();
    if (simMs > now) this.anchorSim += simMs - now;
  }

  /** Wall-clock milliseconds that a simulated duration takes. */
  wallMs(simMs: number): number {
    return simMs * this.timeScale;
  }

  /** Waits out a simulated duration; rejects with the signal's reason when aborted. */
  sleep(simMs: number, signal?: AbortSignal): Promise<void> {
    const ms = Math.min(this.wallMs(simMs), MAX_TIMER_MS);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const done = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer = ms > 0 ? setTimeout(done, ms) : setImmediate(done);
      const onAbort = () => {
        if (ms > 0) clearTimeout(timer as NodeJS.Timeout);
        else clearImmediate(timer as NodeJS.Immediate);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** The longest delay setTimeout honours (2^31−1 ms); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
