// Decodes terminal input bytes into keys. The decoder keeps state across chunks, so an escape
// sequence split between packets still arrives whole, and several keys in one packet (arrows
// followed by Enter) come out in order. It holds no bytes between packets beyond a bounded
// sequence, and reads each byte once.

export type Key =
  | { name: 'char'; ch: string }
  | { name: 'enter' | 'backspace' | 'delete' | 'left' | 'right' | 'home' | 'end' | 'up' | 'down' | 'tab' }
  | { name: 'ctrl-c' | 'ctrl-d' | 'ctrl-z' | 'ctrl-u' | 'ctrl-l' | 'ctrl-k' | 'ctrl-w' | 'escape' }
  /** input that was dropped (an overlong escape sequence, a full queue): the terminal rings its bell */
  | { name: 'overflow' }
  /** the client has sent everything it will send (EOF on the channel or stdin) */
  | { name: 'end-of-input' };

const CSI_FINAL: Record<string, Key['name']> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' };
const CSI_TILDE: Record<string, Key['name']> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete' };
const CONTROL: Record<number, Key['name']> = {
  0x01: 'home', 0x02: 'left', 0x03: 'ctrl-c', 0x04: 'ctrl-d', 0x05: 'end', 0x06: 'right', 0x08: 'backspace',
  0x09: 'tab', 0x0b: 'ctrl-k', 0x0c: 'ctrl-l', 0x0e: 'down', 0x10: 'up', 0x15: 'ctrl-u', 0x17: 'ctrl-w',
  0x1a: 'ctrl-z', 0x7f: 'backspace',
};

/** Longest parameter string of an escape sequence kept; a longer one is skipped to its end. */
export const MAX_SEQUENCE = 32;

import { StringDecoder } from 'node:string_decoder';

type State = 'ground' | 'esc' | 'csi' | 'ss3' | 'skip';

export class KeyDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private state: State = 'ground';
  private params = '';
  private lastWasCR = false;

  decode(data: Buffer | string): Key[] {
    const keys: Key[] = [];
    const s = typeof data === 'string' ? data : this.utf8.write(data);
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      switch (this.state) {
        case 'esc':
          if (c === '[') {
            this.state = 'csi';
            this.params = '';
            continue;
          }
          if (c === 'O') {
            this.state = 'ss3';
            continue;
          }
          keys.push({ name: 'escape' });
          this.state = 'ground';
          break; // the byte after a lone ESC is an ordinary key
        case 'ss3':
          this.state = 'ground';
          if (/[A-Za-z]/.test(c)) {
            const name = CSI_FINAL[c];
            if (name) keys.push({ name } as Key);
            continue;
          }
          keys.push({ name: 'escape' }, charKey('O'));
          break;
        case 'csi':
          if (/[0-9;]/.test(c)) {
            // A sequence that never ends is not kept: skip it to its final byte and ring the bell.
            if (this.params.length >= MAX_SEQUENCE) {
              this.state = 'skip';
              keys.push({ name: 'overflow' });
            } else this.params += c;
            continue;
          }
          this.state = 'ground';
          if (/[A-Za-z~]/.test(c)) {
            const name = c === '~' ? CSI_TILDE[this.params.split(';')[0]] : CSI_FINAL[c];
            if (name) keys.push({ name } as Key);
            this.lastWasCR = false;
            continue;
          }
          keys.push({ name: 'escape' });
          break;
        case 'skip': {
          const code = c.charCodeAt(0);
          if (code >= 0x20 && code <= 0x3f) continue; // parameters and intermediates
          this.state = 'ground';
          if (code >= 0x40 && code <= 0x7e) continue; // the final byte ends it
          break;
        }
        default:
          break;
      }
      this.ground(c, keys);
    }
    return keys;
  }

  private ground(c: string, keys: Key[]): void {
    const code = c.charCodeAt(0);
    if (c === '\x1b') {
      this.state = 'esc';
      this.lastWasCR = false;
      return;
    }
    if (c === '\r' || c === '\n') {
      // CR LF and CR NUL count as one Enter; a lone LF (piped input) is an Enter too.
      if (!(c === '\n' && this.lastWasCR)) keys.push({ name: 'enter' });
      this.lastWasCR = c === '\r';
      return;
    }
    this.lastWasCR = false;
    if (code === 0) return;
    const control = CONTROL[code];
    if (control) keys.push({ name: control } as Key);
    else if (code >= 0x20) keys.push(charKey(c));
  }
}

/** Keys are never changed, so the ASCII ones are shared: a queue of typed-ahead keys holds pointers. */
const ASCII: Key[] = Array.from({ length: 128 }, (_, i) => ({ name: 'char', ch: String.fromCharCode(i) }));
function charKey(c: string): Key {
  const code = c.charCodeAt(0);
  return code < 128 ? ASCII[code] : { name: 'char', ch: c };
}
