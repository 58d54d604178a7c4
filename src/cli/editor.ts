// A single-line editor bound to one session's terminal: echo, cursor movement, history,
// completion and help hooks, masked entry. It writes only the bytes a VOS terminal shows.
import type { Key } from './keys';

export type EditorResult =
  | { kind: 'line'; text: string }
  | { kind: 'interrupt' }
  | { kind: 'eof' };

export interface CompletionResult {
  /** text to insert at the cursor */
  insert?: string;
  /** lines to print below the line before it is drawn again */
  listing?: string[];
  /** the line is complete: draw it again on a fresh prompt */
  repeat?: boolean;
}

export interface EditorOptions {
  prompt: string;
  /** '' hides typed characters, '*' shows stars; undefined echoes them */
  mask?: string;
  history?: string[];
  complete?: (line: string) => CompletionResult;
  /** `?` typed: returns what to print right after the echoed `?`, line by line */
  help?: (line: string) => string[];
  /** the terminal's width, so that a line longer than a row can be edited (unbounded when absent) */
  cols?: () => number;
}

const CSI = '\x1b[';
/** longest line the editor accepts; further characters are not taken */
export const MAX_LINE = 4096;

/**
 * The editor keeps track of where the terminal's cursor is, counted in characters from the start
 * of the prompt, so that it can move across screen rows when the line wraps. A terminal that has
 * just filled the last column of a row leaves the cursor on that column until the next character
 * (it wraps late): `pending` records that state, since cursor movements start from that column.
 */
export class LineEditor {
  private buf = '';
  private cur = 0;
  private histIndex: number;
  private draft = '';
  /** where the terminal's cursor is, in characters from the start of the prompt */
  private pos = 0;
  private pending = false;

  constructor(private readonly out: (s: string) => void, private readonly opts: EditorOptions) {
    this.histIndex = opts.history?.length ?? 0;
  }

  get text(): string {
    return this.buf;
  }

  private get width(): number {
    const w = this.opts.cols?.() ?? 0;
    return w >= 2 ? w : Infinity;
  }

  /** Writes printable text at the cursor. */
  private put(s: string): void {
    if (!s) return;
    this.out(s);
    this.pos += s.length;
    this.pending = this.pos % this.width === 0;
  }

  /** Writes the prompt and whatever has been typed so far (used after listings and Ctrl-L). */
  draw(): void {
    this.pos = 0;
    this.pending = false;
    this.put(this.opts.prompt + this.shown(this.buf));
    this.moveTo(this.at(this.cur));
  }

  private shown(s: string): string {
    return this.opts.mask === undefined ? s : this.opts.mask.repeat(s.length);
  }
  /** Screen offset of buffer index i. */
  private at(i: number): number {
    return this.opts.prompt.length + this.shown(this.buf.slice(0, i)).length;
  }
  private get end(): number {
    return this.at(this.buf.length);
  }

  /** Moves the cursor to screen offset `to` of the line; within one row the bytes are ESC[nD / ESC[nC. */
  private moveTo(to: number): void {
    const w = this.width;
    const row = (p: number, pend: boolean) => (pend ? p / w - 1 : Math.floor(p / w));
    const col = (p: number, pend: boolean) => (pend ? w - 1 : p % w);
    if (to === this.pos) return; // a late wrap there is as good: the next character lands on `to`
    if (to > 0 && to % w === 0 && to >= this.end) {
      // The end of a line that fills its last row: the cursor belongs after the last character,
      // which only writing that character again puts it.
      this.moveTo(to - 1);
      this.put((this.opts.prompt + this.shown(this.buf))[to - 1] ?? ' ');
      return;
    }
    const [r1, c1] = [row(this.pos, this.pending), col(this.pos, this.pending)];
    const [r2, c2] = [row(to, false), col(to, false)];
    let s = '';
    if (r1 === r2 && c1 === c2) {
      if (this.pending) s = '\r' + this.fwd(c2); // leaves the late-wrap state
    } else if (r1 === r2) {
      s = c2 < c1 ? this.back(c1 - c2) : this.fwd(c2 - c1);
    } else {
      s = r2 < r1 ? `${CSI}${r1 - r2}A` : `${CSI}${r2 - r1}B`;
      s += c2 === 0 ? '\r' : c2 < c1 ? this.back(c1 - c2) : this.fwd(c2 - c1);
    }
    this.out(s);
    this.pos = to;
    this.pending = false;
  }

  private back(n: number): string {
    return n > 0 ? `${CSI}${n}D` : '';
  }
  private fwd(n: number): string {
    return n > 0 ? `${CSI}${n}C` : '';
  }

  /**
   * Clears what was drawn from the cursor up to screen offset `oldEnd`, leaving the cursor where it
   * is: ESC[K while everything stays on the first row, blanks when the line wraps (ESC[K would erase
   * only one row, and nothing at all right after a row is filled).
   */
  private clearTo(oldEnd: number): void {
    const here = this.pos;
    if (oldEnd < this.width && here < this.width) {
      this.out(`${CSI}K`);
      return;
    }
    if (oldEnd > here) {
      this.put(' '.repeat(oldEnd - here));
      this.moveTo(here);
    }
  }

  private insert(typed: string): void {
    // A line has a bound, so a client that floods the channel cannot grow a session without limit.
    const text = typed.slice(0, Math.max(0, MAX_LINE - this.buf.length));
    if (!text) return;
    const tail = this.buf.slice(this.cur);
    this.buf = this.buf.slice(0, this.cur) + text + tail;
    this.cur += text.length;
    this.put(this.shown(text) + this.shown(tail));
    this.moveTo(this.at(this.cur));
  }

  /** Replaces the whole line (history), leaving the cursor at its end. */
  private replace(text: string): void {
    const oldEnd = this.end;
    this.moveTo(this.opts.prompt.length);
    this.buf = text;
    this.cur = text.length;
    this.put(this.shown(text));
    this.clearTo(oldEnd);
  }

  /** Removes buffer characters [from, to) and redraws the rest of the line. */
  private remove(from: number, to: number): void {
    const oldEnd = this.end;
    this.buf = this.buf.slice(0, from) + this.buf.slice(to);
    this.cur = from;
    this.moveTo(this.at(from));
    this.put(this.shown(this.buf.slice(from)));
    this.put(' '.repeat(oldEnd - this.pos));
    this.moveTo(this.at(from));
  }

  feed(key: Key): EditorResult | null {
    const masked = this.opts.mask !== undefined;
    switch (key.name) {
      case 'char':
        if (key.ch === '?' && this.opts.help && !masked) {
          const lines = this.opts.help(this.buf.slice(0, this.cur));
          this.out('?' + lines.join('\r\n') + '\r\n');
          this.draw();
          return null;
        }
        this.insert(key.ch);
        return null;
      case 'tab': {
        if (!this.opts.complete || masked) return null;
        const r = this.opts.complete(this.buf.slice(0, this.cur));
        if (r.insert) this.insert(r.insert);
        if (r.listing || r.repeat) {
          this.moveTo(this.end);
          this.out('\r\n' + (r.listing?.length ? r.listing.join('\r\n') + '\r\n' : ''));
          this.cur = this.buf.length;
          this.draw();
        }
        return null;
      }
      case 'end-of-input':
        // What was typed without a final Enter still counts, as a shell runs an unterminated last line.
        if (this.buf.length === 0) return { kind: 'eof' };
        return this.feed({ name: 'enter' });
      case 'enter': {
        this.moveTo(this.end);
        this.out('\r\n');
        const text = this.buf;
        const h = this.opts.history;
        if (h && text.trim() && h[h.length - 1] !== text) h.push(text);
        return { kind: 'line', text };
      }
      case 'backspace':
        if (this.cur === 0) return null;
        if (this.opts.mask === '') {
          this.buf = this.buf.slice(0, this.cur - 1) + this.buf.slice(this.cur);
          this.cur--;
          return null;
        }
        if (!this.pending && this.pos % this.width !== 0) {
          // BS within a row, as VOS sends it; a row's first column needs a move up.
          this.out('\b');
          this.pos--;
        }
        this.remove(this.cur - 1, this.cur);
        return null;
      case 'delete':
        if (this.cur >= this.buf.length) return null;
        this.remove(this.cur, this.cur + 1);
        return null;
      case 'left':
        if (this.cur > 0 && !masked) {
          this.cur--;
          this.moveTo(this.at(this.cur));
        }
        return null;
      case 'right':
        if (this.cur < this.buf.length && !masked) {
          this.cur++;
          this.moveTo(this.at(this.cur));
        }
        return null;
      case 'home':
        if (!masked) {
          this.cur = 0;
          this.moveTo(this.at(0));
        }
        return null;
      case 'end':
        if (!masked) {
          this.cur = this.buf.length;
          this.moveTo(this.end);
        }
        return null;
      case 'up':
      case 'down': {
        const h = this.opts.history;
        if (!h || masked) return null;
        if (this.histIndex === h.length) this.draft = this.buf;
        const next = key.name === 'up' ? this.histIndex - 1 : this.histIndex + 1;
        if (next < 0 || next > h.length) return null;
        this.histIndex = next;
        this.replace(next === h.length ? this.draft : h[next]);
        return null;
      }
      case 'ctrl-u':
        if (this.opts.mask === '') {
          this.buf = '';
          this.cur = 0;
        } else {
          this.replace('');
        }
        return null;
      case 'ctrl-k':
        if (!masked) {
          const oldEnd = this.end;
          this.buf = this.buf.slice(0, this.cur);
          this.clearTo(oldEnd);
        }
        return null;
      case 'ctrl-w': {
        if (masked) return null;
        const before = this.buf.slice(0, this.cur).replace(/\S+\s*$/, '');
        this.remove(before.length, this.cur);
        return null;
      }
      case 'ctrl-l':
        this.out(`${CSI}H${CSI}2J`);
        this.draw();
        return null;
      case 'ctrl-c':
        this.moveTo(this.end);
        this.out('\r\n');
        return { kind: 'interrupt' };
      case 'ctrl-d':
        if (this.buf.length === 0) return { kind: 'eof' };
        return this.feed({ name: 'delete' });
      default:
        return null; // Ctrl-Z and stray escapes do nothing: they must never stop the server
    }
  }
}
