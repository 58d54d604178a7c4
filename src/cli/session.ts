// One CLI session on one node: banner, prompt, line editing, command dispatch, dialogs, pager,
// Ctrl-C. It talks to a Terminal (an SSH channel or the local tty) and never to process stdio.
import { KeyDecoder, type Key } from './keys';
import { LineEditor, type EditorOptions, type EditorResult } from './editor';
import { PagedOutput } from './output';
import { bannerLines, PROMPT, FAILURE } from './banner';
import { CliError, type CommandContext, type Privilege, type SessionControl } from './command';
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

class Interrupted extends Error {
  constructor() {
    super('Control-C pressed');
  }
}

export class CliSession implements SessionControl {
  pagination = true;
  private readonly decoder = new KeyDecoder();
  private readonly history: string[] = [];
  private readonly out: PagedOutput;
  /** whoever reads keys right now: the prompt's editor, a dialog, or the pager */
  private reader: ((key: Key) => void) | null = null;
  private typeahead: Key[] = [];
  private running: AbortController | null = null;
  private ending = false;
  private closed = false;
  /** the CLI session timeout this session started with (a later change applies to new sessions) */
  private idleMinutes = 30;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly term: Terminal,
    private readonly deps: SessionDeps,
    readonly user: string,
    readonly privilege: Privilege,
    readonly node: string,
  ) {
    this.out = new PagedOutput(
      (s) => this.write(s),
      () => (this.pagination ? Math.max(1, this.term.rows - 1) : 0),
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

  private write(s: string): void {
    if (!this.closed) this.term.write(s);
  }

  start(): void {
    this.idleMinutes = this.deps.cluster.cliSessionTimeout;
    this.write(bannerLines(this.deps.cluster.config.hardware).join('\r\n') + '\r\n');
    this.prompt();
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
    this.touch();
    for (const key of this.decoder.decode(data)) {
      if (this.closed) return;
      if (this.reader) this.reader(key); // a dialog's editor or the pager sees Ctrl-C first
      else if (key.name !== 'ctrl-c') this.typeahead.push(key);
      if (key.name === 'ctrl-c' && this.running) this.interrupt();
    }
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
    this.closed = true;
    this.reader = null;
    this.term.close(exitCode);
  }

  private interrupt(): void {
    this.typeahead = [];
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
      while (this.reader === feed && this.typeahead.length) feed(this.typeahead.shift()!);
    });
  }

  private readKey(): Promise<Key> {
    return this.take((k) => k, this.running?.signal);
  }

  private readLine(opts: EditorOptions, signal?: AbortSignal): Promise<EditorResult> {
    const editor = new LineEditor((s) => this.write(s), opts);
    editor.draw();
    return this.take((k) => editor.feed(k), signal);
  }

  private prompt(): void {
    if (this.closed) return;
    this.touch();
    const ctx = { cluster: this.deps.cluster, fleet: this.deps.fleet, node: this.node, clusterNames: () => [...this.deps.lab.clusters.keys()] };
    this.readLine({
      prompt: PROMPT,
      history: this.history,
      complete: (line) => this.deps.grammar.complete(line, this.privilege, ctx, this.cols),
      help: (line) => this.deps.grammar.help(line, this.privilege, this.cols),
    }).then(
      (r) => {
        if (r.kind === 'line') void this.execute(r.text).catch((e) => this.contained('the prompt', e));
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

  private async execute(text: string): Promise<void> {
    this.out.newPage();
    const abort = new AbortController();
    try {
      // With instant time, what fell due completes before the command looks at the world.
      this.deps.lab.scheduler.catchUp();
      const r = this.deps.grammar.resolve(text, this.privilege);
      if (r.kind === 'error') {
        for (const l of [...r.lines, FAILURE]) this.out.line(l);
      } else if (r.kind === 'command') {
        this.running = abort;
        await r.spec.run(this.context(text.trim(), abort.signal), r.args);
      }
    } catch (e) {
      if (e instanceof Interrupted || abort.signal.aborted) {
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
    this.running = null;
    this.deps.lab.scheduler.catchUp();
    if (this.ending) this.close(0);
    else this.prompt();
  }

  private context(command: string, signal: AbortSignal): CommandContext {
    const session = this;
    const ask = async (prompt: string, opts?: { mask?: string }) => {
      await session.out.drain();
      const r = await session.readLine({ prompt, mask: opts?.mask }, signal);
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
