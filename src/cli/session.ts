// One CLI session on one node: banner, prompt, line editing, command dispatch, dialogs, pager,
// Ctrl-C. It talks to a Terminal (an SSH channel or the local tty) and never to process stdio.
import { KeyDecoder, type Key } from './keys';
import { KeyQueue } from './key-queue';
import { LineEditor, type EditorOptions, type EditorResult } from './editor';
import { PagedOutput } from './output';
import { bannerLines, PROMPT, FAILURE } from './banner';
import { CliError, type CommandContext, type FullScreenProgram, type Privilege, type SessionControl } from './command';
import type { Grammar } from './grammar';
import { ClusterError } from '../cluster/errors';
import type { Cluster } from '../cluster/cluster';
import type { Fleet } from '../phones/fleet';
import type { Lab } from '../lab/lab';

export interface Terminal {
  write(s: string): void;
  /** closes the connection with an exit status */
  close(exitCode: number): void;
  cols: number;
  rows: number;
  /** true while written output waits to be sent: the session takes no keys until resume() */
  readonly congested?: boolean;
  /** stop (true) or go on (false) reading the client, so that its input waits there, not here */
  pauseInput?(paused: boolean): void;
  /** the terminal type of the pty (TERM), or null/absent without a pty */
  readonly term?: string | null;
}

export interface SessionDeps {
  lab: Lab;
  /** the cluster of the session's node, and its phones */
  cluster: Cluster;
  fleet: Fleet;
  grammar: Grammar;
  /** ends every other session on a node (utils system restart) */
  dropNodeSessions(node: string, except: CliSession): void;
  /** wall milliseconds in a minute of idle time (tests shorten it) */
  idleMsPerMinute?: number;
  log?(message: string): void;
}

/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Gathered output past this many characters is written at once. */
const FLUSH_AT = 16 * 1024;

class Interrupted extends Error {
  constructor() {
    super('Control-C pressed');
  }
}

/** A question met the end of the input: nobody is left to answer it. */
class InputEnded extends Error {
  constructor() {
    super('end of input');
  }
}

const CTRL_C: Key = { name: 'ctrl-c' };
const END_OF_INPUT: Key = { name: 'end-of-input' };
/** The terminal's bell: input was dropped. */
const BELL = '\x07';
/** Keys queued at which the session stops reading its terminal, and below which it reads again. */
const INPUT_HIGH_WATER = 4096;
const INPUT_LOW_WATER = 1024;

export class CliSession implements SessionControl {
  pagination = true;
  private readonly decoder = new KeyDecoder();
  private readonly history: string[] = [];
  private readonly out: PagedOutput;
  /** whoever reads keys right now: the prompt's editor, a dialog, or the pager */
  private reader: ((key: Key) => void) | null = null;
  /** keys typed ahead of whoever reads them, in order */
  private readonly typeahead = new KeyQueue();
  /** the client sends nothing more: queued keys are still read, then every read gets END_OF_INPUT */
  private inputEnded = false;
  private pumping = false;
  private inputPaused = false;
  private running: AbortController | null = null;
  private ending = false;
  private closed = false;
  /** the CLI session timeout this session started with (a later change applies to new sessions) */
  private idleMinutes = 30;
  private idleTimer: NodeJS.Timeout | null = null;
  /** a full-screen program that has the terminal: it reads raw bytes and hears resizes */
  private screen: { input(d: Buffer): void; resize(): void; end(): void } | null = null;

  constructor(
    private readonly term: Terminal,
    private readonly deps: SessionDeps,
    readonly user: string,
    readonly privilege: Privilege,
    readonly node: string,
  ) {
    this.out = new PagedOutput(
      (s) => this.write(s),
      // Once the input has ended nobody can page: the rest of the output goes out at once.
      () => (this.pagination && !this.inputEnded ? { rows: this.term.rows, cols: this.term.cols } : null),
      () => this.readKey(),
    );
  }

  get cols(): number {
    return this.term.cols;
  }
  get rows(): number {
    return this.term.rows;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  get termType(): string | null {
    return this.term.term ?? null;
  }

  /**
   * Output is gathered and goes out as one write: the echo of a packet of keys when the packet has
   * been read, and a command's answer (with the next prompt) at the end of its turn of the event
   * loop, so a command costs one SSH packet instead of one per key and per line.
   */
  private write(s: string): void {
    if (this.closed) return;
    if (!this.unsent) setImmediate(() => this.flush());
    this.unsent += s;
    // A large answer goes out as it grows, so the output flow control sees it.
    if (this.unsent.length >= FLUSH_AT) this.flush();
  }
  private unsent = '';
  private flush(): void {
    const s = this.unsent;
    this.unsent = '';
    if (s && !this.closed) this.term.write(s);
  }

  start(): void {
    this.idleMinutes = this.deps.cluster.settings.cliSessionTimeout;
    this.write(bannerLines(this.deps.cluster.config.hardware).join('\r\n') + '\r\n');
    this.prompt();
    this.flush();
  }

  /** Restarts the idle clock; a session idle at the prompt for its timeout is logged off. */
  private touch(): void {
    this.armIdle(Date.now() + this.idleMinutes * (this.deps.idleMsPerMinute ?? 60_000));
  }

  /** setTimeout fires at once past 2^31-1 ms (24.8 days; 99999 minutes is 69 days): wait in steps. */
  private armIdle(deadline: number): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.closed) return;
    const left = deadline - Date.now();
    this.idleTimer = setTimeout(() => {
      if (Date.now() < deadline) return this.armIdle(deadline);
      if (this.running) return this.touch();
      this.write(`\r\nCLI session timed out after ${this.idleMinutes} minutes of inactivity.\r\n`);
      this.close(0);
    }, Math.max(0, Math.min(left, MAX_TIMER_MS)));
    this.idleTimer.unref();
  }

  /** Raw bytes from the terminal. */
  input(data: Buffer | string): void {
    if (this.closed || this.inputEnded) return;
    try {
      this.touch();
      if (this.screen) return this.screen.input(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      let dropped = false;
      for (const key of this.decoder.decode(data)) {
        if (this.closed) return;
        if (key.name === 'overflow') dropped = true;
        else if (key.name === 'ctrl-c') dropped = !this.ctrlC() || dropped;
        else if (!this.typeahead.push(key)) dropped = true;
        this.pump();
      }
      if (dropped) this.write(BELL);
      this.updateFlow();
    } catch (e) {
      // A key that trips an editor, completion or dialog bug costs that line, not the server.
      this.contained('reading input', e);
    } finally {
      this.flush(); // the echo of what arrived goes out as one write
    }
  }

  /** The client has sent all it will send (EOF): what is queued still runs, then the session ends. */
  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.screen?.end();
    this.pump();
  }

  /** The window changed size (SSH window-change, SIGWINCH on the local terminal). */
  resized(): void {
    this.screen?.resize();
  }

  /**
   * Hands the raw terminal to a full-screen program while the command runs: typed bytes go to it
   * undecoded (Ctrl-C too), and it ends when the session closes or the input ends. The program must
   * restore the terminal before it resolves; the next prompt is written as after any command.
   */
  async fullScreen(program: FullScreenProgram): Promise<void> {
    await this.out.drain();
    const outer = this.running?.signal;
    if (outer?.aborted) throw outer.reason;
    const stop = new AbortController();
    const onAbort = () => stop.abort(outer!.reason);
    outer?.addEventListener('abort', onAbort, { once: true });
    let onInput: (d: Buffer) => void = () => {};
    let onResize: () => void = () => {};
    this.screen = { input: (d) => onInput(d), resize: () => onResize(), end: () => stop.abort(new InputEnded()) };
    const session = this;
    try {
      await program({
        write: (s) => session.write(s),
        get cols() {
          return session.term.cols;
        },
        get rows() {
          return session.term.rows;
        },
        get congested() {
          return !!session.term.congested;
        },
        signal: stop.signal,
        onInput: (f) => (onInput = f),
        onResize: (f) => (onResize = f),
      });
    } finally {
      outer?.removeEventListener('abort', onAbort);
      this.screen = null;
      this.out.newPage();
    }
    if (stop.signal.aborted && this.inputEnded) throw new InputEnded();
  }

  /** The terminal's output backed up or went out: keys flow again when they can. */
  resume(): void {
    this.pump();
    this.updateFlow();
  }

  /** Reading the client stops while output backs up or too many keys wait, and goes on after. */
  private updateFlow(): void {
    if (this.closed) return;
    const n = this.typeahead.length;
    const paused = !!this.term.congested || n > INPUT_HIGH_WATER || (this.inputPaused && n > INPUT_LOW_WATER);
    if (paused === this.inputPaused) return;
    this.inputPaused = paused;
    this.term.pauseInput?.(paused);
  }

  /** Ctrl-C acts when it arrives: it stops the command that the last Enter started, with the keys
   *  typed ahead of it; at a prompt it is a key like any other. False when it had to be dropped. */
  private ctrlC(): boolean {
    if (this.running) {
      this.typeahead.clear();
      this.reader?.(CTRL_C); // a question or the pager sees it first
      this.interrupt();
      return true;
    }
    return this.typeahead.push(CTRL_C);
  }

  /** Hands queued keys to the current reader while the terminal keeps up with the output. */
  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.reader && !this.closed && !this.term.congested) {
        const reader = this.reader;
        const key = this.typeahead.shift();
        if (key) reader(key);
        else if (this.inputEnded) {
          reader(END_OF_INPUT);
          if (this.reader === reader) break;
        } else break;
      }
    } finally {
      this.pumping = false;
    }
    this.updateFlow();
  }

  end(): void {
    this.ending = true;
  }
  dropNodeSessions(): void {
    this.deps.dropNodeSessions(this.node, this);
    this.ending = true; // this one ends once its output is out
  }
  helpFor(words: string): string[] | null {
    return this.deps.grammar.helpText(words, this.privilege, this.cols);
  }

  /** Ends the session from outside (server stop, node restart). */
  close(exitCode = 0): void {
    if (this.closed) return;
    this.running?.abort(new Interrupted());
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.flush();
    this.closed = true;
    this.reader = null;
    this.term.close(exitCode);
  }

  private interrupt(): void {
    this.typeahead.clear();
    this.out.discard();
    this.running?.abort(new Interrupted());
  }

  /** Hands keys to `handler` (typeahead first) until it returns a result. */
  private take<T>(handler: (key: Key) => T | null, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const finish = () => {
        this.reader = null;
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        finish();
        reject(signal!.reason);
      };
      const feed = (key: Key) => {
        const r = handler(key);
        if (r !== null) {
          finish();
          resolve(r);
        }
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.reader = feed;
      this.pump();
    });
  }

  private readKey(): Promise<Key> {
    return this.take((k) => k, this.running?.signal);
  }

  private readLine(opts: EditorOptions, signal?: AbortSignal, onResult?: (r: EditorResult) => void): Promise<EditorResult> {
    const editor = new LineEditor((s) => this.write(s), { cols: () => this.term.cols, ...opts });
    editor.draw();
    return this.take((k) => {
      const r = editor.feed(k);
      if (r) onResult?.(r);
      return r;
    }, signal);
  }

  private prompt(): void {
    if (this.closed) return;
    this.touch();
    const ctx = { cluster: this.deps.cluster, fleet: this.deps.fleet, node: this.node, clusterNames: () => [...this.deps.lab.clusters.keys()] };
    let started: AbortController | null = null;
    this.readLine(
      {
        prompt: PROMPT,
        history: this.history,
        complete: (line) => this.deps.grammar.complete(line, this.privilege, ctx, this.cols),
        help: (line) => this.deps.grammar.help(line, this.privilege, this.cols),
      },
      undefined,
      (r) => {
        // The command starts with its Enter: a Ctrl-C right behind it, even in the same packet, stops it.
        if (r.kind === 'line' && r.text.trim()) this.running = started = new AbortController();
      },
    ).then(
      (r) => {
        if (r.kind === 'line') void this.execute(r.text, started).catch((e) => this.contained('the prompt', e));
        else if (r.kind === 'eof') this.close(0);
        else this.prompt();
      },
      (e) => this.contained('the prompt', e),
    );
  }

  /** An error nobody expected: logged with its stack; the session goes on (or ends cleanly). */
  private contained(where: string, e: unknown): void {
    this.deps.log?.(`${where} on ${this.node} failed: ${(e as Error)?.stack ?? e}`);
    if (this.closed) return;
    this.running = null;
    try {
      this.write(`${FAILURE}\r\n`);
      this.prompt();
    } catch (again) {
      this.deps.log?.(`session on ${this.node} closed after a second failure: ${(again as Error)?.stack ?? again}`);
      this.close(1);
    }
  }

  private async execute(text: string, started: AbortController | null): Promise<void> {
    this.out.newPage();
    const abort = started ?? new AbortController();
    try {
      // With instant time, what fell due completes before the command looks at the world.
      this.deps.lab.scheduler.catchUp();
      const r = this.deps.grammar.resolve(text, this.privilege);
      if (r.kind === 'error') {
        for (const l of [...r.lines, FAILURE]) this.out.line(l);
      } else if (r.kind === 'command') {
        this.running = abort;
        if (abort.signal.aborted) throw new Interrupted();
        await r.spec.run(this.context(text.trim(), abort.signal), r.args);
      }
    } catch (e) {
      if (e instanceof InputEnded) {
        // Its questions went unanswered: it changed nothing, and the session ends after it.
      } else if (e instanceof Interrupted || abort.signal.aborted) {
        this.out.newPage();
        this.out.line('Control-C pressed');
      } else if (e instanceof CliError || e instanceof ClusterError) {
        // The cluster's refusals carry a message fit for the admin.
        for (const l of [...(e instanceof CliError ? e.lines : [e.message]), FAILURE]) this.out.line(l);
      } else {
        this.deps.log?.(`command "${text}" on ${this.node} failed: ${(e as Error)?.stack ?? e}`);
        this.out.line(FAILURE);
      }
    }
    await this.out.drain();
    // What the command caused completes before its prompt, one due time at a time.
    await this.deps.lab.scheduler.settle();
    this.running = null;
    if (this.ending) this.close(0);
    else this.prompt();
  }

  private context(command: string, signal: AbortSignal): CommandContext {
    const session = this;
    const ask = async (prompt: string, opts?: { mask?: string }) => {
      await session.out.drain();
      const r = await session.readLine({ prompt, mask: opts?.mask }, signal);
      if (r.kind === 'eof' && session.inputEnded) throw new InputEnded();
      if (r.kind !== 'line') throw new Interrupted();
      session.out.newPage();
      return r.text;
    };
    return {
      lab: this.deps.lab,
      cluster: this.deps.cluster,
      fleet: this.deps.fleet,
      clock: this.deps.lab.clock,
      session: this,
      actor: { node: this.node, user: this.user, command },
      signal,
      line: (t = '') => {
        if (signal.aborted) throw signal.reason;
        session.out.line(t);
      },
      lines: (ts) => ts.forEach((t) => session.out.line(t)),
      ask,
      async confirm(prompt: string) {
        for (;;) {
          const a = (await ask(prompt)).trim().toLowerCase();
          if (a === 'y' || a === 'yes') return true;
          if (a === 'n' || a === 'no') return false;
        }
      },
      sleep: (ms) => this.deps.lab.clock.sleep(ms, signal),
    };
  }
}
