// A 40-column terminal (@xterm/headless): editing a line that wraps, and the pager, must keep the
// screen equal to what the server holds.
import assert from 'node:assert/strict';
import { KeyDecoder } from '../../src/cli/keys';
import { LineEditor, type EditorResult } from '../../src/cli/editor';
import { App } from '../../src/app';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession } from '../helpers/terminal';
import { render } from '../helpers/screen';

const COLS = 40;
const ROWS = 12;

/** The rows a line of text fills on the screen, right-trimmed as the screen helper reports them. */
function wrapped(text: string, cols = COLS): string[] {
  const rows: string[] = [];
  for (let i = 0; i === 0 || i < text.length; i += cols) rows.push(text.slice(i, i + cols).trimEnd());
  return rows;
}

/** A session-less editor on a 40-column terminal; `before` is output already on the screen. */
function narrowEditor(before: string, history: string[] = []) {
  let out = before;
  const ed = new LineEditor((s) => (out += s), { prompt: 'admin:', history, cols: () => COLS });
  ed.draw();
  const dec = new KeyDecoder();
  let result: EditorResult | null = null;
  return {
    ed,
    type(bytes: string) {
      for (const k of dec.decode(bytes)) result = ed.feed(k) ?? result;
    },
    get out() {
      return out;
    },
    get result() {
      return result;
    },
  };
}

/** Asserts that the screen shows the prompt and the editor's text, wrapped, and nothing after it. */
async function assertShows(e: ReturnType<typeof narrowEditor>, what: string): Promise<void> {
  const screen = await render(e.out, COLS, ROWS);
  screen.rows = screen.rows.map((r) => r.trimEnd()); // blanks written over old text count as empty
  const want = wrapped('admin:' + e.ed.text);
  const top = screen.rows.length - want.length - screen.rows.slice().reverse().findIndex((r) => r !== '');
  // The line's rows are the last non-empty rows of the screen (it may have scrolled).
  const got = screen.rows.slice(Math.max(0, top), Math.max(0, top) + want.length);
  assert.deepEqual(got, want, `${what}\nscreen:\n${screen.rows.join('\n')}`);
}

describe('narrow terminal (40 columns, xterm)', function () {
  this.timeout(60000);

  it('Home, Left, then typing in a wrapped line shows exactly the line the server holds', async () => {
    const e = narrowEditor('');
    const typed = 'show cert own tomcat/tomcat.pem and more words to wrap the line twice over';
    e.type(typed);
    await assertShows(e, 'typed');
    e.type('\x1b[H');
    e.type('\x1b[D'); // at the start: nothing to do
    e.type('X');
    assert.equal(e.ed.text, 'X' + typed);
    await assertShows(e, 'Home, Left, X');
    e.type('\x1b[C'.repeat(40) + 'YZ');
    await assertShows(e, 'right across the row boundary, then YZ');
    e.type('\x7f'.repeat(3) + '\x1b[3~');
    await assertShows(e, 'backspace across the row boundary, delete');
    e.type('\x1b[F\x17\x17');
    await assertShows(e, 'Ctrl-W twice at the end');
    e.type('\x01' + '\x1b[C'.repeat(30) + '\x0b');
    await assertShows(e, 'Ctrl-K in the middle');
    e.type('\r');
    assert.deepEqual(e.result, { kind: 'line', text: e.ed.text });
    const screen = await render(e.out, COLS, ROWS);
    assert.equal(screen.cursorX, 0, 'Enter leaves the cursor at the start of the row below the line');
  });

  it('edits at every cursor position stay on screen, near the bottom and at exact row ends', async () => {
    // A fixed pseudo-random walk over the editing keys, checked against the screen after each key.
    const keys = ['a', 'b', 'c', ' ', '\x1b[D', '\x1b[C', '\x1b[H', '\x1b[F', '\x7f', '\x1b[3~', '\x17', '\x0b', '\x1b[A', '\x1b[B', '\x15'];
    const weights = [9, 9, 9, 4, 6, 4, 1, 1, 4, 3, 1, 1, 1, 1, 1];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = () => {
      let r = next() * weights.reduce((a, b) => a + b);
      for (let i = 0; i < keys.length; i++) if ((r -= weights[i]) < 0) return keys[i];
      return keys[0];
    };
    const e = narrowEditor('line\r\n'.repeat(ROWS - 2), ['x'.repeat(34), 'y'.repeat(74), 'short']);
    e.type('z'.repeat(34)); // prompt + text end exactly at the row's end
    await assertShows(e, 'a line that fills its row exactly');
    e.type('\x1b[D\x1b[C');
    await assertShows(e, 'left and right at the row end');
    for (let step = 0; step < 300; step++) {
      const k = pick();
      e.type(k);
      await assertShows(e, `step ${step}: ${JSON.stringify(k)} (text length ${e.ed.text.length})`);
    }
  });

  it('the pager counts screen rows: it stops before anything scrolls off, and erases its whole prompt', async () => {
    const app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    try {
      const full = openTestSession(app, { rows: 500, cols: COLS });
      const all = (await full.run('show cert list trust')).split('\r\n').slice(1, -1);
      const allRows = all.flatMap((l) => wrapped(l));
      assert.ok(allRows.length > 2 * ROWS, 'the listing is taller than two screens at 40 columns');

      const t = openTestSession(app, { rows: ROWS, cols: COLS });
      const m = t.mark();
      t.type('show cert list trust\r');
      let seen = 0;
      for (let page = 0; page < 10; page++) {
        const at = t.mark();
        await Promise.race([t.term.waitFor('to quit\x1b[0m', at), t.term.waitFor('\r\nadmin:', at)]);
        const screen = await render(t.term.output.slice(m), COLS, ROWS);
        screen.rows = screen.rows.map((r) => r.trimEnd());
        if (t.term.output.endsWith('admin:')) {
          assert.ok(!screen.rows.some((r) => r.includes('Press <enter>')), `the last prompt is erased:\n${screen.rows.join('\n')}`);
          break;
        }
        // The prompt wraps onto two rows, the last ones written; every row above it is output not yet
        // scrolled off, and it continues where the last page stopped.
        const rows = screen.rows.slice(0, screen.rows.length - screen.rows.slice().reverse().findIndex((r) => r !== ''));
        assert.deepEqual(rows.slice(-2), wrapped('Press <enter> for 1 line, <space> for one page, or <q> to quit'));
        const shown = rows.slice(0, -2).filter((r) => r !== 'show cert list trust');
        const start = allRows.findIndex((_, i) => shown.every((r, j) => allRows[i + j] === r));
        assert.ok(start >= 0 && start <= seen, `page ${page} continues where the last stopped (row ${seen}):\n${screen.rows.join('\n')}`);
        seen = start + shown.length;
        t.type(' ');
      }
      assert.ok(seen > 0, 'the pager stopped at least once');

      // q at a wrapped pager prompt: both rows are erased and the prompt follows ESC[K, as Unicon expects.
      const q = t.mark();
      t.type('show cert list trust\r');
      await t.term.waitFor('to quit\x1b[0m', q);
      t.type('q');
      await t.term.waitFor('admin:', t.term.output.indexOf('to quit', q));
      assert.ok(t.term.output.endsWith('to quit\x1b[0m\r\x1b[K\x1b[1A\x1b[Kadmin:'), JSON.stringify(t.term.output.slice(-80)));
      const after = await render(t.term.output.slice(q), COLS, ROWS);
      assert.ok(!after.rows.some((r) => r.includes('Press <enter>') || r.includes('to quit')), after.rows.join('\n'));
    } finally {
      app.close();
    }
  });
});
