// A terminal that keeps its state: every byte a client receives is fed to a headless xterm, and a test
// waits until the screen shows what a user would see (checked after each chunk, never on a timer).
import { Terminal } from '@xterm/headless';

export class LiveScreen {
  private readonly term: Terminal;
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  constructor(cols: number, rows: number) {
    this.term = new Terminal({ cols, rows, allowProposedApi: true, convertEol: false, scrollback: 200 });
  }

  feed(data: string): void {
    this.term.write(data, () => {
      this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
    });
  }

  resize(cols: number, rows: number): void {
    this.term.resize(cols, rows);
  }

  /** the viewport, one right-trimmed string per row */
  get rows(): string[] {
    const buf = this.term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.term.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }
  get text(): string {
    return this.rows.join('\n');
  }
  get cursorRow(): string {
    const buf = this.term.buffer.active;
    return buf.getLine(buf.baseY + buf.cursorY)?.translateToString(true) ?? '';
  }
  /** 'alternate' while a full-screen program holds an xterm */
  get bufferType(): string {
    return this.term.buffer.active.type;
  }

  /** Resolves once `cond(screen)` holds after some output; fails after `ms` with the screen. */
  waitUntil(cond: (s: LiveScreen) => boolean, what: string, ms = 15000): Promise<void> {
    if (cond(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { test: () => cond(this), resolve: () => (clearTimeout(timer), resolve()) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new Error(`timed out waiting for ${what}; screen:\n${this.text}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  dispose(): void {
    this.term.dispose();
  }
}

/** The counts row of a cluster in the dashboard's Phones box ("total registered rebooting ..."), or null. */
export function phoneCounts(s: LiveScreen, cluster: string): string | null {
  const re = new RegExp(`│${cluster}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*│`);
  for (const row of s.rows) {
    const m = re.exec(row);
    if (m) return m.slice(1).join(' ');
  }
  return null;
}
