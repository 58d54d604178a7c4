// Scripts a scenario runs through a real CLI session: its setup, and the model solutions and
// mistakes kept beside it. One command a line; a line starting with `? ` answers the command's next
// question; `#` starts a comment. `{sftp.host}`-style placeholders are filled from the lab.
import type { App } from '../app';
import type { Privilege } from '../cli/command';

export interface ScriptStep {
  command: string;
  answers: string[];
  /** the node whose CLI runs it (a `@node` line switches; the publisher by default) */
  node?: string;
}

/** The longest script and the longest line a script may hold. */
const MAX_STEPS = 500;
const MAX_LINE = 1000;

export class ScriptError extends Error {}

export function parseScript(text: string, where = 'script'): ScriptStep[] {
  const steps: ScriptStep[] = [];
  let node: string | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trimEnd();
    if (line.length > MAX_LINE) throw new ScriptError(`${where} line ${i + 1}: longer than ${MAX_LINE} characters`);
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    if (t === '?' || t.startsWith('? ')) {
      const last = steps[steps.length - 1];
      if (!last) throw new ScriptError(`${where} line ${i + 1}: an answer before any command`);
      last.answers.push(t.slice(2));
      continue;
    }
    if (t.startsWith('@')) {
      node = t.slice(1).trim() || undefined;
      continue;
    }
    steps.push({ command: t, answers: [], ...(node ? { node } : {}) });
    if (steps.length > MAX_STEPS) throw new ScriptError(`${where}: more than ${MAX_STEPS} commands`);
  }
  return steps;
}

/** Fills `{name}` placeholders; an unknown one is an error rather than a silent literal. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{([a-z.]+)\}/g, (_, k: string) => {
    if (!(k in values)) throw new ScriptError(`unknown placeholder {${k}}`);
    return values[k];
  });
}

export interface RunOptions {
  node?: string;
  user?: string;
  privilege?: Privilege;
  /** placeholder values */
  values?: Record<string, string>;
  /** wall milliseconds one command may take */
  stepTimeoutMs?: number;
}

export interface StepResult {
  command: string;
  output: string;
  failed: boolean;
}

const PROMPT = '\r\nadmin:';
const FAILURE = 'Executed command unsuccessfully';
/** A question waits for its answer: the output stops on `? `, `: ` or `):` without a line end. */
const QUESTION = /(?:[?:] ?|\):)$/;

/**
 * Runs the steps in one CLI session of the app (no pager), answering each question in turn, and
 * returns what every command printed. Any failing command stops the run when `stopOnFailure`.
 */
export async function runScript(app: App, steps: ScriptStep[], opts: RunOptions = {}, stopOnFailure = true): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (let i = 0; i < steps.length;) {
    const node = steps[i].node ?? opts.node;
    let j = i;
    while (j < steps.length && (steps[j].node ?? opts.node) === node) j++;
    results.push(...(await runOnNode(app, steps.slice(i, j), { ...opts, node }, stopOnFailure)));
    i = j;
  }
  return results;
}

async function runOnNode(app: App, steps: ScriptStep[], opts: RunOptions, stopOnFailure: boolean): Promise<StepResult[]> {
  let out = '';
  let waiter: (() => void) | null = null;
  let closed = false;
  const session = app.openSession(
    {
      write: (s) => {
        out += s;
        waiter?.();
      },
      close: () => {
        closed = true;
        waiter?.();
      },
      cols: 200,
      rows: 500,
      congested: false,
    },
    opts.user ?? 'admin',
    opts.privilege ?? 4,
    opts.node ?? app.cluster.publisher().name,
  );
  session.pagination = false;
  const timeout = opts.stepTimeoutMs ?? 60_000;
  /** resolves when `test` holds over the output, checked on every write */
  const until = (test: () => boolean, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (test()) return resolve();
      const timer = setTimeout(() => {
        waiter = null;
        reject(new ScriptError(`timed out waiting for ${what}; output: ${JSON.stringify(out.slice(-400))}`));
      }, timeout);
      waiter = () => {
        if (closed || test()) {
          clearTimeout(timer);
          waiter = null;
          resolve();
        }
      };
    });
  const results: StepResult[] = [];
  try {
    session.start();
    await until(() => out.endsWith('admin:'), 'the first prompt');
    for (const step of steps) {
      const command = fillPlaceholders(step.command, opts.values ?? {});
      const from = out.length;
      session.input(command + '\r');
      let mark = from + command.length;
      for (const a of step.answers) {
        await until(() => out.length > mark && QUESTION.test(out) && !out.endsWith(PROMPT), `a question after ${command}`);
        if (out.endsWith(PROMPT)) break;
        mark = out.length;
        session.input(fillPlaceholders(a, opts.values ?? {}) + '\r');
      }
      await until(() => out.length > mark && out.endsWith(PROMPT), `the prompt after ${command}`);
      if (closed) throw new ScriptError(`the session ended during ${command}`);
      const output = out.slice(from, out.length - 'admin:'.length);
      const failed = output.includes(FAILURE);
      results.push({ command, output, failed });
      if (failed && stopOnFailure) throw new ScriptError(`${command} failed:${output.replace(/\r/g, '')}`);
    }
  } finally {
    session.close(0);
  }
  return results;
}
