// blessed bound to a FullScreenIo (an SSH channel or the local tty): its input and output are streams of
// ours, so nothing reaches the terminal once the program has let go of it; frames are throttled to ten a
// second and skipped while the client does not read its output.
import { PassThrough, Writable } from 'node:stream';
import blessed from 'blessed';
import type { FullScreenIo } from '../cli/command';

/** At most ten frames a second. */
export const FRAME_MS = 100;
/** blessed keeps a cell buffer of cols x rows: a window is drawn at most this large. */
const MAX_COLS = 400;
const MAX_ROWS = 200;
const MIN_COLS = 40;
const MIN_ROWS = 12;

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Math.floor(n) || lo));

export interface BoundScreen {
  screen: blessed.Widgets.Screen;
  /** asks for a frame: drawn at once, or when the last one is FRAME_MS old */
  request(): void;
  /** restores the terminal (leaves the alternate screen, shows the cursor) and resolves `done` */
  finish(): void;
  readonly done: Promise<void>;
}

export interface ScreenHooks {
  /** lays out and fills the widgets; the binding renders after it */
  draw(screen: blessed.Widgets.Screen): void;
  /** a key; the binding has already handled Ctrl-C */
  key(ch: string | undefined, name: string): void;
  /** the program ends: unsubscribe from whatever feeds it */
  stop(): void;
  log(message: string): void;
  /** told the wall milliseconds of each frame (data, layout and render) */
  onFrame?(ms: number): void;
}

export function bindScreen(io: FullScreenIo, termType: string, hooks: ScreenHooks): BoundScreen {
  let detached = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => input });
  const output = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _enc, cb) {
      if (!detached) io.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      cb();
    },
  });
  Object.defineProperties(output, {
    isTTY: { value: true },
    columns: { get: () => clamp(io.cols, MIN_COLS, MAX_COLS) },
    rows: { get: () => clamp(io.rows, MIN_ROWS, MAX_ROWS) },
  });
  const program = blessed.program({ input, output, terminal: termType, tput: true, resizeTimeout: 0 } as never);
  const screen = blessed.screen({ program, smartCSR: true, warnings: false, fullUnicode: false, autoPadding: false } as never);

  let timer: NodeJS.Timeout | null = null;
  let lastFrame = 0;
  const frame = () => {
    timer = null;
    if (detached) return;
    // A client that does not read its output gets no new frame until it does.
    if (io.congested) {
      timer = setTimeout(frame, FRAME_MS);
      return;
    }
    lastFrame = Date.now();
    try {
      const t0 = process.hrtime.bigint();
      hooks.draw(screen);
      screen.render();
      hooks.onFrame?.(Number(process.hrtime.bigint() - t0) / 1e6);
    } catch (e) {
      hooks.log(`dashboard frame failed: ${(e as Error).stack ?? e}`);
    }
  };
  const request = () => {
    if (timer || detached) return;
    timer = setTimeout(frame, Math.max(0, lastFrame + FRAME_MS - Date.now()));
  };
  const finish = () => {
    if (detached) return;
    hooks.stop();
    if (timer) clearTimeout(timer);
    timer = null;
    io.signal.removeEventListener('abort', finish);
    try {
      screen.destroy(); // leaves the alternate screen, shows the cursor, resets the keypad
    } catch (e) {
      hooks.log(`dashboard teardown failed: ${(e as Error).stack ?? e}`);
    }
    detached = true;
    input.destroy();
    resolveDone();
  };

  io.signal.addEventListener('abort', finish, { once: true });
  io.onInput((d) => {
    if (!detached) input.write(d);
  });
  io.onResize(() => {
    output.emit('resize');
    request();
  });
  screen.on('keypress', (ch: string | undefined, key: { full?: string; name?: string } | undefined) => {
    const name = key?.full ?? key?.name ?? '';
    if (name === 'C-c') return finish();
    hooks.key(ch, name);
  });
  screen.on('resize', () => request());
  // The first frame comes once the caller has built its widgets.
  if (io.signal.aborted) finish();
  else request();
  return { screen, request, finish, done };
}
