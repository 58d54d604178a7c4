// Decodes terminal input bytes into keys. The decoder keeps state across chunks, so an escape
// sequence split between packets still arrives whole, and several keys in one packet (arrows
// followed by Enter) come out in order.

export type Key =
  | { name: 'char'; ch: string }
  | { name: 'enter' | 'backspace' | 'delete' | 'left' | 'right' | 'home' | 'end' | 'up' | 'down' | 'tab' }
  | { name: 'ctrl-c' | 'ctrl-d' | 'ctrl-z' | 'ctrl-u' | 'ctrl-l' | 'ctrl-k' | 'ctrl-w' | 'escape' };

const CSI_FINAL: Record<string, Key['name']> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end' };
const CSI_TILDE: Record<string, Key['name']> = { '1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete' };
const CONTROL: Record<number, Key['name']> = {
  0x01: 'home', 0x02: 'left', 0x03: 'ctrl-c', 0x04: 'ctrl-d', 0x05: 'end', 0x06: 'right', 0x08: 'backspace',
  0x09: 'tab', 0x0b: 'ctrl-k', 0x0c: 'ctrl-l', 0x0e: 'down', 0x10: 'up', 0x15: 'ctrl-u', 0x17: 'ctrl-w',
  0x1a: 'ctrl-z', 0x7f: 'backspace',
};

import { StringDecoder } from 'node:string_decoder';

export class KeyDecoder {
  private readonly utf8 = new StringDecoder('utf8');
  private pending = '';
  private lastWasCR = false;

  decode(data: Buffer | string): Key[] {
    const keys: Key[] = [];
    const s = this.pending + (typeof data === 'string' ? data : this.utf8.write(data));
    this.pending = '';
    let i = 0;
    while (i < s.length) {
      const c = s[i];
      const code = c.charCodeAt(0);
      if (c === '\x1b') {
        const seq = /^\x1b(?:\[([0-9;]*)([A-Za-z~])|O([A-Za-z]))/.exec(s.slice(i));
        if (seq) {
          const name = seq[3] ? CSI_FINAL[seq[3]] : seq[2] === '~' ? CSI_TILDE[seq[1].split(';')[0]] : CSI_FINAL[seq[2]];
          if (name) keys.push({ name } as Key);
          i += seq[0].length;
          this.lastWasCR = false;
          continue;
        }
        // An incomplete sequence at the end of the chunk waits for the next packet.
        if (/^\x1b(\[[0-9;]*|O)?$/.test(s.slice(i))) {
          this.pending = s.slice(i);
          break;
        }
        keys.push({ name: 'escape' });
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        // CR LF and CR NUL count as one Enter; a lone LF (piped input) is an Enter too.
        if (!(c === '\n' && this.lastWasCR)) keys.push({ name: 'enter' });
        this.lastWasCR = c === '\r';
        i++;
        continue;
      }
      this.lastWasCR = false;
      if (code === 0) {
        i++;
        continue;
      }
      const control = CONTROL[code];
      if (control) keys.push({ name: control } as Key);
      else if (code >= 0x20) keys.push({ name: 'char', ch: c });
      i++;
    }
    return keys;
  }
}
