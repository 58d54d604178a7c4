// Command output with the VOS pager: after a screenful (the pty's rows less one) it shows the
// bold "Press <enter> ..." prompt, erases it with CR ESC[K once a key is pressed, and q quits.
import type { Key } from './keys';

export const PAGER_PROMPT = '\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m';
export const PAGER_ERASE = '\r\x1b[K';

export class PagedOutput {
  private queue: string[] = [];
  private shown = 0;
  private discarding = false;
  /** set while the pager waits for a key */
  private pumping: Promise<void> | null = null;

  constructor(
    private readonly write: (s: string) => void,
    /** lines per page, or 0 when pagination is off */
    private readonly pageSize: () => number,
    private readonly readKey: () => Promise<Key>,
  ) {}

  /** A new command or answer starts a new page and lifts a previous `q`. */
  newPage(): void {
    this.shown = 0;
    this.discarding = false;
  }

  line(text: string): void {
    if (this.discarding) return;
    this.queue.push(text);
    if (!this.pumping) this.flush();
  }

  async drain(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Drops whatever is still queued (Ctrl-C). */
  discard(): void {
    this.queue = [];
    this.discarding = true;
  }

  /** Writes synchronously until a page is full, then waits for a key before going on. */
  private flush(): void {
    while (this.queue.length) {
      const size = this.pageSize();
      if (size > 0 && this.shown >= size) {
        this.pumping = this.askMore(size).then(() => {
          this.pumping = null;
          this.flush();
        });
        return;
      }
      this.write(this.queue.shift()! + '\r\n');
      this.shown++;
    }
  }

  private async askMore(size: number): Promise<void> {
    this.write(PAGER_PROMPT);
    let key: Key;
    try {
      do key = await this.readKey();
      while (!(key.name === 'enter' || key.name === 'ctrl-c' || (key.name === 'char' && ' qQ'.includes(key.ch))));
    } catch {
      key = { name: 'ctrl-c' };
    }
    this.write(PAGER_ERASE);
    if (key.name === 'enter') this.shown = size - 1;
    else if (key.name === 'char' && key.ch === ' ') this.shown = 0;
    else this.discard();
  }
}
