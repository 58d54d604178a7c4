// Simulated time. The simulated clock runs at wall speed plus an offset that `sim clock advance`
// moves forward; simulated durations (service restarts, phone reboots) are waited out in wall time
// multiplied by the time scale, so a scale of 0 makes every wait instant (tests) and 1 is real time.

export class SimClock {
  constructor(
    public readonly timeScale: number,
    private offsetMs = 0,
  ) {
    if (!(timeScale >= 0) || !Number.isFinite(timeScale)) throw new Error(`invalid time scale: ${timeScale}`);
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  setOffset(ms: number): void {
    this.offsetMs = ms;
  }

  /** Wall-clock milliseconds that a simulated duration takes. */
  wallMs(simMs: number): number {
    return simMs * this.timeScale;
  }

  /** Waits out a simulated duration; rejects with the signal's reason when aborted. */
  sleep(simMs: number, signal?: AbortSignal): Promise<void> {
    const ms = this.wallMs(simMs);
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
