// An in-memory terminal for exact-bytes tests: type keys into a CLI session and read what it wrote.
import { App } from '../../src/app';
import type { CliSession } from '../../src/cli/session';
import type { Privilege } from '../../src/cli/command';

export class FakeTerminal {
  closedWith: number | null = null;
  cols = 80;
  rows = 24;
  // Written chunks, joined when read: appending to one string and searching it after every write
  // would flatten a growing string each time (quadratic on long outputs such as show risdb).
  private chunks: string[] = [];
  private length = 0;
  /** the last bytes written, which a match may straddle */
  private tail = '';
  private waiters: { test: (chunk: string, before: number) => boolean; resolve: () => void }[] = [];

  get output(): string {
    if (this.chunks.length > 1) this.chunks = [this.chunks.join('')];
    return this.chunks[0] ?? '';
  }

  write(s: string): void {
    const before = this.length;
    const window = this.tail + s;
    this.chunks.push(s);
    this.length += s.length;
    this.tail = window.slice(-4096);
    this.waiters = this.waiters.filter((w) => (w.test(window, before) ? (w.resolve(), false) : true));
  }
  close(code: number): void {
    this.closedWith = code;
    this.waiters = this.waiters.filter((w) => (w.test('', this.length) ? (w.resolve(), false) : true));
  }

  /** Resolves once the output (from `from` on) contains `text`; fails after `ms`. */
  waitFor(text: string, from = 0, ms = 10000): Promise<void> {
    if (this.output.indexOf(text, from) >= 0) return Promise.resolve();
    // Search the new chunk with the tail before it, but never before `from`.
    const test = (window: string, before: number) => {
      const windowStart = before - (window.length - (this.length - before));
      return window.indexOf(text, Math.max(0, from - windowStart)) >= 0;
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${JSON.stringify(text)}; output:\n${JSON.stringify(this.output.slice(from))}`)), ms);
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  waitClosed(ms = 10000): Promise<void> {
    return this.waitFor('', 0, ms).then(() =>
      this.closedWith !== null ? undefined : new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('session did not close')), ms);
        this.waiters.push({ test: () => this.closedWith !== null, resolve: () => (clearTimeout(timer), resolve()) });
      }));
  }
}

export interface TestSession {
  app: App;
  term: FakeTerminal;
  session: CliSession;
  /** types bytes and waits for the next prompt; returns everything written in between */
  run(line: string): Promise<string>;
  /** types raw bytes */
  type(bytes: string): void;
  /** output written since `mark()` */
  mark(): number;
}

export function openTestSession(app: App, opts: { user?: string; privilege?: Privilege; node?: string; rows?: number; cols?: number } = {}): TestSession {
  const term = new FakeTerminal();
  term.rows = opts.rows ?? 500; // tall enough that only pager tests meet the pager

  if (opts.cols) term.cols = opts.cols;
  const session = app.openSession(term, opts.user ?? 'admin', opts.privilege ?? 4, opts.node ?? app.cluster.publisher().name);
  session.start();
  return {
    app,
    term,
    session,
    type: (b) => session.input(b),
    mark: () => term.output.length,
    async run(line: string) {
      const from = term.output.length;
      session.input(line + '\r');
      // the echo ends with CRLF; the command is done when a fresh prompt follows its output
      await term.waitFor('\r\nadmin:', from + line.length);
      return term.output.slice(from);
    },
  };
}

/** Types `line`, answers each question once it appears, and returns everything up to the next prompt. */
export async function dialog(t: TestSession, line: string, steps: [prompt: string, answer: string][], ms = 30000): Promise<string> {
  const start = t.mark();
  t.type(line + '\r');
  let from = start + line.length;
  for (const [prompt, answer] of steps) {
    await t.term.waitFor(prompt, from, ms);
    from = t.term.output.indexOf(prompt, from) + prompt.length;
    t.type(answer + '\r');
  }
  await t.term.waitFor('\r\nadmin:', from, ms);
  return t.term.output.slice(start);
}

/** The PEM block `show cert own`/`show cert trust` prints, with LF line ends. */
export function pemIn(out: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out);
  if (!m) throw new Error(`no PEM in:\n${out}`);
  return m[0].replace(/\r\n/g, '\n') + '\n';
}
