// Per-source login backoff: each failed login from an address makes the next attempt from that address
// wait longer (doubling, bounded), across all its connections, so password guessing is slow however many
// connections it opens. A source's failures are forgotten after a quiet period.

export interface BackoffLimits {
  /** wait after a source's first failure; doubles with each further failure */
  baseMs: number;
  /** the longest any attempt waits */
  maxMs: number;
  /** a source with no failure for this long starts afresh */
  forgetMs: number;
  /** sources remembered at most (the least recently failing is forgotten first) */
  maxSources: number;
}

interface SourceState {
  failures: number;
  lastFailure: number;
  /** no attempt from this source is checked before this time */
  nextAt: number;
}

export class SourceBackoff {
  /** insertion order = least recently failing first */
  private readonly sources = new Map<string, SourceState>();

  constructor(
    private readonly limits: BackoffLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Ms an attempt from `source` must wait before it is checked (0 for a source without failures). */
  waitMs(source: string): number {
    const s = this.live(source);
    return s ? Math.max(0, Math.min(s.nextAt - this.now(), this.limits.maxMs)) : 0;
  }

  /** Records a failure; returns the ms until the source may try again. */
  failed(source: string): number {
    const now = this.now();
    const s = this.live(source) ?? { failures: 0, lastFailure: now, nextAt: now };
    s.failures = Math.min(s.failures + 1, 64);
    s.lastFailure = now;
    // Attempts racing in parallel connections each push the next slot further out, up to the bound.
    s.nextAt = Math.min(Math.max(now, s.nextAt) + this.delay(s.failures), now + this.limits.maxMs);
    this.sources.delete(source);
    this.sources.set(source, s);
    while (this.sources.size > this.limits.maxSources) this.sources.delete(this.sources.keys().next().value!);
    return s.nextAt - now;
  }

  /** The delay the n-th failure earns: base, 2·base, 4·base, ... up to the maximum. */
  delay(n: number): number {
    return Math.min(this.limits.baseMs * 2 ** Math.min(n - 1, 30), this.limits.maxMs);
  }

  private live(source: string): SourceState | undefined {
    const s = this.sources.get(source);
    if (s && this.now() - s.lastFailure > this.limits.forgetMs) {
      this.sources.delete(source);
      return undefined;
    }
    return s;
  }
}
