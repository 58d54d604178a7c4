// What a user sees: a byte stream rendered by a headless xterm into a screen of text rows.
import { Terminal } from '@xterm/headless';

export interface Screen {
  /** every row of the viewport, right-trimmed */
  rows: string[];
  /** the row the cursor is on */
  cursorRow: string;
  cursorX: number;
}

export function render(bytes: string, cols = 80, rows = 24): Promise<Screen> {
  const term = new Terminal({ cols, rows, allowProposedApi: true, convertEol: false, scrollback: 1000 });
  return new Promise((resolve) => {
    term.write(bytes, () => {
      const buf = term.buffer.active;
      const out: string[] = [];
      for (let y = 0; y < rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
      const cursorRow = buf.getLine(buf.baseY + buf.cursorY)?.translateToString(true) ?? '';
      const screen = { rows: out, cursorRow, cursorX: buf.cursorX };
      term.dispose();
      resolve(screen);
    });
  });
}
