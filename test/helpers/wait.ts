// A growing transcript that tests (and the benchmark) can wait on: "resolve once the text from
// offset N on contains X", with a bounded timeout and the transcript in the failure message.

export class Transcript {
  text = '';
  private waiters: { test: () => boolean; resolve: () => void }[] = [];
  private ended: Error | null = null;

  append(s: string): void {
    this.text += s;
    this.check();
  }

  /** No more text will come: every pending wait that is not yet satisfied fails now. */
  end(reason: string): void {
    this.ended = new Error(reason);
    this.check();
  }

  get length(): number {
    return this.text.length;
  }

  private check(): void {
    if (!this.waiters.length) return;
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }

  /** Resolves with the index of `what` (searched from `from` on); rejects after `ms`. */
  waitFor(what: string | RegExp, from = 0, ms = 10000): Promise<number> {
    const find = (): number => {
      if (typeof what === 'string') return this.text.indexOf(what, from);
      const re = new RegExp(what.source, what.flags.replace('g', ''));
      const m = re.exec(this.text.slice(from));
      return m ? from + m.index : -1;
    };
    const at = find();
    if (at >= 0) return Promise.resolve(at);
    if (this.ended) return Promise.reject(new Error(`connection ended (${this.ended.message}) waiting for ${JSON.stringify(String(what))}; output since ${from}:\n${JSON.stringify(this.text.slice(from).slice(-3000))}`));
    return new Promise((resolve, reject) => {
      let waiter: { test: () => boolean; resolve: () => void };
      const fail = (why: string) => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`${why} waiting for ${JSON.stringify(String(what))}; output since ${from}:\n${JSON.stringify(this.text.slice(from).slice(-3000))}`));
      };
      const timer = setTimeout(() => fail(`timed out after ${ms} ms`), ms);
      waiter = {
        test: () => find() >= 0 || this.ended !== null,
        resolve: () => {
          clearTimeout(timer);
          const i = find();
          if (i >= 0) resolve(i);
          else fail(`connection ended (${this.ended!.message})`);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

/** Rejects after `ms` unless `p` settles first. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

/** Re-checks `cond` every few ms until it holds; rejects after `ms`. For state that has no text to
 *  wait on (a server noticing a vanished client, an event landing in the log). */
export function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const tick = () => {
      let ok = false;
      try {
        ok = cond();
      } catch (e) {
        return reject(e);
      }
      if (ok) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${ms} ms: ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

/** A client session read through a transcript: what the SSH test drivers share. */
export abstract class TranscriptSession {
  readonly out = new Transcript();

  abstract send(bytes: string): void;

  get text(): string {
    return this.out.text;
  }
  mark(): number {
    return this.out.length;
  }
  waitFor(what: string | RegExp, from = 0, ms = 10000): Promise<number> {
    return this.out.waitFor(what, from, ms);
  }

  /** Types `line` + CR and waits for the prompt after its output; returns echo..prompt. */
  async run(line: string, ms = 10000): Promise<string> {
    const from = this.mark();
    this.send(line + '\r');
    const at = await this.out.waitFor('\r\nadmin:', from + line.length, ms);
    return this.out.text.slice(from, at + '\r\nadmin:'.length);
  }
}
