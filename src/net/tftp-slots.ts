// Who gets a TFTP transfer slot. A read request costs us a socket and timers before we know whether
// anyone is there: a spoofed request never ACKs (it cannot: our reply goes to the forged address).
// So slots go to clients in two ways of protection:
//  - a transfer whose first packet was never acknowledged (unconfirmed) is the first to go when the
//    table is full: a flood of forged requests only displaces other forged requests, never a client
//    that has answered;
//  - once half the table is in use, one client address holds at most `maxPerClient` transfers, so a
//    real host that ACKs slowly keeps at most its share and the rest stays for new clients.

export interface Slot {
  /** the client's IP address */
  readonly address: string;
  /** true once the client acknowledged anything: it really is at that address */
  readonly confirmed: boolean;
  /** ends the transfer silently (nothing is sent to a peer that may be forged) */
  evict(): void;
}

export class TransferSlots<T extends Slot> {
  // A Set iterates in insertion order: the first unconfirmed entry found is the oldest.
  private readonly live = new Set<T>();

  constructor(
    readonly maxSessions: number,
    readonly maxPerClient: number,
  ) {}

  get size(): number {
    return this.live.size;
  }

  all(): T[] {
    return [...this.live];
  }

  /** Makes room for one more transfer from `address`, evicting an unconfirmed one if that is what it
   *  takes; false when the client must be told the server is busy. */
  makeRoom(address: string): boolean {
    if (this.live.size * 2 >= this.maxSessions) {
      const mine = this.all().filter((t) => t.address === address);
      if (mine.length >= this.maxPerClient && !this.evictOldestOf(mine)) return false;
    }
    if (this.live.size >= this.maxSessions && !this.evictOldestOf(this.all())) return false;
    return true;
  }

  add(t: T): void {
    this.live.add(t);
  }

  delete(t: T): void {
    this.live.delete(t);
  }

  private evictOldestOf(candidates: T[]): boolean {
    const victim = candidates.find((t) => !t.confirmed);
    if (!victim) return false;
    this.live.delete(victim);
    victim.evict();
    return true;
  }
}
