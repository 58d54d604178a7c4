// A bounded first-in first-out queue of keys with O(1) push and shift: typed-ahead input waits here,
// and a client that types faster than the session reads cannot grow it without limit.
import type { Key } from './keys';

/** Keys kept at most (two full lines); further keys are dropped with the bell. */
export const MAX_TYPEAHEAD = 8192;

export class KeyQueue {
  private readonly ring: (Key | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity = MAX_TYPEAHEAD) {
    this.ring = new Array<Key | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Adds a key; false when the queue is full and the key was not taken. */
  push(key: Key): boolean {
    if (this.count >= this.capacity) return false;
    this.ring[(this.head + this.count) % this.capacity] = key;
    this.count++;
    return true;
  }

  shift(): Key | undefined {
    if (this.count === 0) return undefined;
    const key = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return key;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
