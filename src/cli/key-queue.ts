// A bounded first-in first-out queue of keys with O(1) push and shift: typed-ahead input waits here,
// and a client that types faster than the session reads cannot grow it without limit. Its ring
// starts small and doubles up to the bound, so an idle session costs little.
import type { Key } from './keys';

/** Keys kept at most; further keys are dropped (the session rings the bell). */
export const MAX_TYPEAHEAD = 65536;

export class KeyQueue {
  private ring: (Key | undefined)[] = new Array<Key | undefined>(64);
  private head = 0;
  private count = 0;

  constructor(readonly capacity = MAX_TYPEAHEAD) {}

  get length(): number {
    return this.count;
  }

  /** Adds a key; false when the queue is full and the key was not taken. */
  push(key: Key): boolean {
    if (this.count >= this.capacity) return false;
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) % this.ring.length] = key;
    this.count++;
    return true;
  }

  shift(): Key | undefined {
    if (this.count === 0) return undefined;
    const key = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
    return key;
  }

  clear(): void {
    this.ring = new Array<Key | undefined>(64);
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const next = new Array<Key | undefined>(Math.min(this.ring.length * 2, Math.max(this.capacity, 64)));
    for (let i = 0; i < this.count; i++) next[i] = this.ring[(this.head + i) % this.ring.length];
    this.ring = next;
    this.head = 0;
  }
}
