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
}

const CSI = '\x1b[';
/** longest line the editor accepts; further characters are not taken */
export const MAX_LINE = 4096;

export class LineEditor {
  private buf = '';
  private cur = 0;
  private histIndex: number;
  private draft = '';

  constructor(private readonly write: (s: string) => void, private readonly opts: EditorOptions) {
    this.histIndex = opts.history?.length ?? 0;
  }

  get text(): string {
    return this.buf;
  }

  /** Writes the prompt and whatever has been typed so far (used after listings and Ctrl-L). */
  draw(): void {
    this.write(this.opts.prompt + this.shown(this.buf) + this.back(this.buf.length - this.cur));
  }

  private shown(s: string): string {
    return this.opts.mask === undefined ? s : this.opts.mask.repeat(s.length);
  }
  private back(n: number): string {
    return n > 0 ? `${CSI}${n}D` : '';
  }
  private fwd(n: number): string {
    return n > 0 ? `${CSI}${n}C` : '';
  }

  private insert(typed: string): void {
    // A line has a bound, so a client that floods the channel cannot grow a session without limit.
    const text = typed.slice(0, Math.max(0, MAX_LINE - this.buf.length));
    if (!text) return;
    const tail = this.buf.slice(this.cur);
    this.buf = this.buf.slice(0, this.cur) + text + tail;
    this.cur += text.length;
    this.write(this.shown(text) + this.shown(tail) + this.back(this.shown(tail).length));
  }

  /** Replaces the whole line (history), leaving the cursor at its end. */
  private replace(text: string): void {
    this.write(this.back(this.shown(this.buf.slice(0, this.cur)).length) + this.shown(text) + `${CSI}K`);
    this.buf = text;
    this.cur = text.length;
  }

  feed(key: Key): EditorResult | null {
    const masked = this.opts.mask !== undefined;
    switch (key.name) {
      case 'char':
        if (key.ch === '?' && this.opts.help && !masked) {
          const lines = this.opts.help(this.buf.slice(0, this.cur));
          this.write('?' + lines.join('\r\n') + '\r\n');
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
          this.write(this.fwd(this.buf.length - this.cur) + '\r\n' + (r.listing?.length ? r.listing.join('\r\n') + '\r\n' : ''));
          this.cur = this.buf.length;
          this.draw();
        }
        return null;
      }
      case 'enter': {
        this.write(this.fwd(this.shown(this.buf.slice(this.cur)).length) + '\r\n');
        const text = this.buf;
        const h = this.opts.history;
        if (h && text.trim() && h[h.length - 1] !== text) h.push(text);
        return { kind: 'line', text };
      }
      case 'backspace':
        if (this.cur === 0) return null;
        {
          const tail = this.shown(this.buf.slice(this.cur));
          this.buf = this.buf.slice(0, this.cur - 1) + this.buf.slice(this.cur);
          this.cur--;
          if (masked && this.opts.mask === '') return null;
          this.write('\b' + tail + ' ' + this.back(tail.length + 1));
        }
        return null;
      case 'delete':
        if (this.cur >= this.buf.length) return null;
        {
          this.buf = this.buf.slice(0, this.cur) + this.buf.slice(this.cur + 1);
          const tail = this.shown(this.buf.slice(this.cur));
          if (!(masked && this.opts.mask === '')) this.write(tail + ' ' + this.back(tail.length + 1));
        }
        return null;
      case 'left':
        if (this.cur > 0 && !masked) {
          this.cur--;
          this.write(this.back(1));
        }
        return null;
      case 'right':
        if (this.cur < this.buf.length && !masked) {
          this.cur++;
          this.write(this.fwd(1));
        }
        return null;
      case 'home':
        if (!masked) {
          this.write(this.back(this.cur));
          this.cur = 0;
        }
        return null;
      case 'end':
        if (!masked) {
          this.write(this.fwd(this.buf.length - this.cur));
          this.cur = this.buf.length;
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
          this.buf = this.buf.slice(0, this.cur);
          this.write(`${CSI}K`);
        }
        return null;
      case 'ctrl-w': {
        if (masked) return null;
        const before = this.buf.slice(0, this.cur).replace(/\S+\s*$/, '');
        const removed = this.cur - before.length;
        const tail = this.buf.slice(this.cur);
        this.buf = before + tail;
        this.cur = before.length;
        this.write(this.back(removed) + tail + ' '.repeat(removed) + this.back(tail.length + removed));
        return null;
      }
      case 'ctrl-l':
        this.write(`${CSI}H${CSI}2J`);
        this.draw();
        return null;
      case 'ctrl-c':
        this.write(this.fwd(this.buf.length - this.cur) + '\r\n');
        return { kind: 'interrupt' };
      case 'ctrl-d':
        if (this.buf.length === 0) return { kind: 'eof' };
        return this.feed({ name: 'delete' });
      default:
        return null; // Ctrl-Z and stray escapes do nothing: they must never stop the server
    }
  }
}
