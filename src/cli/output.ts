// Command output with the VOS pager: after a screenful it shows the bold "Press <enter> ..." prompt,
// erases it with CR ESC[K once a key is pressed, and q quits. A screenful counts screen rows, not
// lines, so that long lines on a narrow terminal do not scroll by unseen.
import type { Key } from './keys';

export const PAGER_PROMPT = '\x1b[1mPress <enter> for 1 line, <space> for one page, or <q> to quit\x1b[0m';
export const PAGER_ERASE = '\r\x1b[K';

/** Screen rows a line takes on a terminal `cols` wide (escape sequences take none, a tab up to 8). */
export function rowsOf(text: string, cols: number): number {
  let width = 0;
  const visible = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  for (const ch of visible) width = ch === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
  return Math.max(1, Math.ceil(width / Math.max(1, cols)));
}

/** CR ESC[K, row by row upwards when the prompt wraps; it still ends in ESC[K, which prompt
 *  patterns such as Unicon's expect right before `admin:`. */
function eraseRows(rows: number): string {
  return PAGER_ERASE + '\x1b[1A\x1b[K'.repeat(Math.max(0, rows - 1));
}

export interface Screen {
  rows: number;
  cols: number;
}

export class PagedOutput {
  /** waiting lines from `head` on (an index, so that taking one is O(1)) */
  private queue: string[] = [];
  private head = 0;
  /** screen rows written since the page began */
  private shown = 0;
  /** Enter at the pager: one more line, then ask again */
  private oneMore = false;
  private discarding = false;
  /** set while the pager waits for a key */
  private pumping: Promise<void> | null = null;

  constructor(
    private readonly write: (s: string) => void,
    /** the terminal's size, or null when pagination is off */
    private readonly screen: () => Screen | null,
    private readonly readKey: () => Promise<Key>,
  ) {}

  /** A new command or answer starts a new page and lifts a previous `q`. */
  newPage(): void {
    this.shown = 0;
    this.oneMore = false;
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
    this.head = 0;
    this.discarding = true;
  }

  private take(): string {
    const text = this.queue[this.head++];
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return text;
  }

  /** Writes synchronously until a page is full, then waits for a key before going on. */
  private flush(): void {
    while (this.head < this.queue.length) {
      const screen = this.screen();
      const text = this.queue[this.head];
      if (screen) {
        const promptRows = rowsOf(PAGER_PROMPT, screen.cols);
        const page = Math.max(1, screen.rows - promptRows);
        const rows = rowsOf(text, screen.cols);
        // A line taller than the page still shows, alone.
        if (!this.oneMore && this.shown > 0 && this.shown + rows > page) {
          this.pumping = this.askMore(promptRows).then(() => {
            this.pumping = null;
            this.flush();
          });
          return;
        }
        if (this.oneMore) {
          this.oneMore = false;
          this.shown = page;
        } else this.shown += rows;
      }
      this.write(this.take() + '\r\n');
    }
  }

  private async askMore(promptRows: number): Promise<void> {
    this.write(PAGER_PROMPT);
    let key: Key;
    try {
      do key = await this.readKey();
      while (!(key.name === 'enter' || key.name === 'ctrl-c' || key.name === 'end-of-input' || (key.name === 'char' && ' qQ'.includes(key.ch))));
    } catch {
      key = { name: 'ctrl-c' };
    }
    this.write(eraseRows(promptRows));
    if (key.name === 'enter') this.oneMore = true;
    else if ((key.name === 'char' && key.ch === ' ') || key.name === 'end-of-input') this.shown = 0;
    else this.discard();
  }
}
