import assert from 'node:assert/strict';
import { KeyDecoder } from '../../src/cli/keys';
import { LineEditor, MAX_LINE, type EditorOptions, type EditorResult } from '../../src/cli/editor';

/** Feeds raw bytes to a fresh editor; returns what it wrote and how it finished. */
function edit(bytes: string, opts: Partial<EditorOptions> = {}) {
  let out = '';
  const ed = new LineEditor((s) => (out += s), { prompt: 'admin:', ...opts });
  ed.draw();
  const dec = new KeyDecoder();
  let result: EditorResult | null = null;
  for (const k of dec.decode(bytes)) {
    result = ed.feed(k);
    if (result) break;
  }
  return { out, result, text: ed.text };
}

describe('line editor (exact bytes)', () => {
  it('echoes typed characters after the prompt and ends the line with CRLF', () => {
    const r = edit('show myself\r');
    assert.equal(r.out, 'admin:show myself\r\n');
    assert.deepEqual(r.result, { kind: 'line', text: 'show myself' });
  });

  it('Backspace at the end erases one character', () => {
    const r = edit('showw\x7f\r');
    assert.equal(r.out, 'admin:showw\b \x1b[1D\r\n');
    assert.equal((r.result as { text: string }).text, 'show');
  });

  it('Left arrows then a character inserts mid-line and redraws the tail', () => {
    const r = edit('abc\x1b[D\x1b[DX\r');
    assert.equal(r.out, 'admin:abc\x1b[1D\x1b[1DXbc\x1b[2D\x1b[2C\r\n');
    assert.equal((r.result as { text: string }).text, 'aXbc');
  });

  it('applies escape sequences that arrive in the same packet as Enter, in order', () => {
    const r = edit('abc\x1b[D\x1b[DX\r');
    assert.deepEqual(r.result, { kind: 'line', text: 'aXbc' });
  });

  it('joins an escape sequence split across packets', () => {
    let out = '';
    const ed = new LineEditor((s) => (out += s), { prompt: 'admin:' });
    const dec = new KeyDecoder();
    for (const chunk of ['ab', '\x1b', '[', 'D', 'X']) for (const k of dec.decode(chunk)) ed.feed(k);
    assert.equal(ed.text, 'aXb');
  });

  it('Home and End move to the ends (ESC[H, ESC[F, ESC[1~, ESC[4~, Ctrl-A, Ctrl-E)', () => {
    for (const [home, end] of [['\x1b[H', '\x1b[F'], ['\x1b[1~', '\x1b[4~'], ['\x01', '\x05'], ['\x1bOH', '\x1bOF']]) {
      const r = edit(`bc${home}a${end}d\r`);
      assert.equal((r.result as { text: string }).text, 'abcd', JSON.stringify(home));
    }
  });

  it('Delete removes the character under the cursor', () => {
    const r = edit('abc\x1b[D\x1b[D\x1b[3~\r');
    assert.equal((r.result as { text: string }).text, 'ac');
  });

  it('Up and Down walk the history and restore the draft', () => {
    const history = ['show myself', 'show status'];
    let out = '';
    const ed = new LineEditor((s) => (out += s), { prompt: 'admin:', history });
    const dec = new KeyDecoder();
    const feed = (b: string) => dec.decode(b).map((k) => ed.feed(k));
    feed('dr');
    feed('\x1b[A');
    assert.equal(ed.text, 'show status');
    feed('\x1b[A');
    assert.equal(ed.text, 'show myself');
    feed('\x1b[A');
    assert.equal(ed.text, 'show myself', 'stops at the oldest entry');
    feed('\x1b[B\x1b[B');
    assert.equal(ed.text, 'dr');
    assert.ok(out.includes('\x1b[2Dshow status\x1b[K'), 'replaces the line in place');
  });

  it('Ctrl-U clears the line, Ctrl-L clears the screen and redraws prompt and line', () => {
    assert.equal((edit('abc\x15x\r').result as { text: string }).text, 'x');
    const r = edit('ab\x0c');
    assert.ok(r.out.endsWith('\x1b[H\x1b[2Jadmin:ab'));
  });

  it('Ctrl-C abandons the line with CRLF; Ctrl-D on an empty line is end of session', () => {
    const c = edit('abc\x03');
    assert.equal(c.out, 'admin:abc\r\n');
    assert.deepEqual(c.result, { kind: 'interrupt' });
    assert.deepEqual(edit('\x04').result, { kind: 'eof' });
    assert.equal(edit('ab\x04').result, null, 'Ctrl-D on a non-empty line deletes, it does not log out');
  });

  it('Ctrl-Z is ignored', () => {
    const r = edit('a\x1ab\r');
    assert.equal(r.out, 'admin:ab\r\n');
  });

  it('masked entry echoes stars, or nothing, and keeps the typed text', () => {
    const stars = edit('secret\r', { prompt: 'Password: ', mask: '*' });
    assert.equal(stars.out, 'Password: ******\r\n');
    assert.equal((stars.result as { text: string }).text, 'secret');
    const hidden = edit('se\x7fcret\r', { prompt: 'Password: ', mask: '' });
    assert.equal(hidden.out, 'Password: \r\n');
    assert.equal((hidden.result as { text: string }).text, 'scret');
  });

  it('CR LF from a client counts as one Enter', () => {
    const dec = new KeyDecoder();
    assert.deepEqual(dec.decode('a\r\nb\n').map((k) => k.name), ['char', 'enter', 'char', 'enter']);
  });
});

describe('line editor bounds', () => {
  it('takes no more than MAX_LINE characters on a line', () => {
    const r = edit('x'.repeat(MAX_LINE + 50) + '\r');
    assert.equal((r.result as { text: string }).text.length, MAX_LINE);
  });
});
