// Failed logins in the append-only event log, aggregated: the first failure from a source in a window is
// recorded at once (who, from where); the rest of that window's failures from it become one event with a
// count when the window ends. So unauthenticated traffic adds at most two rows per source and window, and
// a bounded number of sources per window (the others are counted together).

export interface FailedLoginEvent {
  /** the account tried (the only one, or the first of several) */
  user: string;
  change: { from: string; count?: number; users?: string[]; sources?: number };
}

interface Pending {
  count: number;
  users: Set<string>;
  sources: number;
}

/** Distinct user names kept per source and window. */
const MAX_USERS = 5;
/** Stands for every source past the per-window limit. */
const OTHERS = 'other sources';

export class FailedLogins {
  private readonly window = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly record: (e: FailedLoginEvent) => void,
    private readonly opts: { windowMs: number; maxSources: number; log?: (line: string) => void },
  ) {}

  failed(source: string, user: string): void {
    if (this.closed) return;
    let p = this.window.get(source);
    if (!p && this.window.size >= this.opts.maxSources) {
      p = this.window.get(OTHERS);
      if (!p) this.window.set(OTHERS, (p = { count: 0, users: new Set(), sources: 0 }));
      p.sources++;
    }
    if (!p) {
      this.window.set(source, { count: 0, users: new Set(), sources: 1 });
      this.record({ user, change: { from: source } });
      this.opts.log?.(`failed login for ${JSON.stringify(user)} from ${source}`);
      this.arm();
      return;
    }
    p.count++;
    if (p.users.size < MAX_USERS) p.users.add(user);
    this.arm();
  }

  /** Records what the window holds and starts a new one. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const held = [...this.window];
    this.window.clear();
    for (const [from, p] of held) {
      if (p.count === 0) continue;
      const users = [...p.users];
      const change: FailedLoginEvent['change'] = { from, count: p.count, users };
      if (from === OTHERS) change.sources = p.sources;
      this.record({ user: users.length === 1 ? users[0] : '', change });
      this.opts.log?.(`${p.count} more failed login${p.count === 1 ? '' : 's'} from ${from} (${users.map((u) => JSON.stringify(u)).join(', ')})`);
    }
  }

  /** Records what is held; later failures (a check still running at a stop) are not recorded. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private arm(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), Math.min(this.opts.windowMs, 2 ** 31 - 1));
    this.timer.unref();
  }
}
