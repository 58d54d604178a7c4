// The contract between the CLI engine and the command families in commands/.
import type { Cluster, Actor } from '../cluster/cluster';
import type { SimClock } from '../clock/clock';
import type { Fleet } from '../phones/fleet';
import type { Lab } from '../lab/lab';

export type Privilege = 0 | 1 | 4;

export interface ArgSpec {
  name: string;
  describe: string;
  required: boolean;
  /** takes the rest of the line verbatim (multi-word names such as `Cisco Tftp`) */
  rest?: boolean;
  /** values offered by Tab and `?` */
  choices?: (ctx: CompletionContext) => string[];
}

export interface CommandSpec {
  /** the keywords, e.g. 'utils service restart' */
  path: string;
  args?: ArgSpec[];
  privilege: Privilege;
  /** an accepted alternative spelling, left out of Tab and `?` listings */
  hidden?: boolean;
  /** first lines of `help <command>` */
  description: string[];
  example?: string[];
  run(ctx: CommandContext, args: Record<string, string>): Promise<void>;
}

export interface CompletionContext {
  cluster: Cluster;
  fleet: Fleet;
  /** the names of the lab's clusters */
  clusterNames(): string[];
  node: string;
}

/** A failure the user sees: its lines, then `Executed command unsuccessfully`. */
export class CliError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export interface SessionControl {
  readonly user: string;
  readonly privilege: Privilege;
  readonly node: string;
  pagination: boolean;
  readonly cols: number;
  readonly rows: number;
  /** ends this session after the command (quit/exit) */
  end(): void;
  /** ends every session on this node (utils system restart) */
  dropNodeSessions(): void;
  /** the text of `help <words>`, or null when the words name no command */
  helpFor(words: string): string[] | null;
  /** the terminal type the client announced with its pty (e.g. xterm, dumb), or null without one */
  readonly termType: string | null;
  /** hands the raw terminal to a full-screen program until it resolves; then the prompt returns */
  fullScreen(program: FullScreenProgram): Promise<void>;
}

/** What a full-screen program (sim dashboard) gets: the raw terminal, for as long as it runs. */
export interface FullScreenIo {
  write(s: string): void;
  readonly cols: number;
  readonly rows: number;
  /** true while written output waits to go out: skip a frame rather than queue one */
  readonly congested: boolean;
  /** the session ends (the client left, the node restarted): the program must end at once */
  readonly signal: AbortSignal;
  /** raw bytes typed, Ctrl-C included (the program decides what they mean) */
  onInput(f: (data: Buffer) => void): void;
  /** the window changed size (cols and rows already hold the new size) */
  onResize(f: () => void): void;
}

export type FullScreenProgram = (io: FullScreenIo) => Promise<void>;

export interface CommandContext {
  /** the whole lab: every cluster, the clock, the events */
  readonly lab: Lab;
  /** the cluster of the session's node */
  readonly cluster: Cluster;
  readonly fleet: Fleet;
  readonly clock: SimClock;
  readonly session: SessionControl;
  readonly actor: Actor;
  readonly signal: AbortSignal;
  /** one output line; the engine adds CRLF and pages it */
  line(text?: string): void;
  lines(texts: string[]): void;
  /** asks and returns the answer line; `mask` hides it ('' nothing, '*' stars) */
  ask(prompt: string, opts?: { mask?: string }): Promise<string>;
  /** asks until the answer is yes or no */
  confirm(prompt: string): Promise<boolean>;
  /** waits out a simulated duration (abortable with Ctrl-C) */
  sleep(simMs: number): Promise<void>;
}
