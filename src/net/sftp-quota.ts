// What the lab SFTP server's directory may hold: a total of bytes and a number of entries (files,
// directories, links). Usage is counted from the disk at start and then kept up to date by the
// server's own operations, so a check costs no I/O. Space is reserved before a write is started, so
// writes in flight together (a pipelining client sends dozens) can never overshoot the quota. Should
// the count drift (files removed behind the server's back), a refused request first recounts from
// the disk (at most every few seconds, and only while no reservation is in flight).
import { promises as fsp } from 'node:fs';
import path from 'node:path';

const RECOUNT_INTERVAL_MS = 5000;

export class DirectoryQuota {
  /** bytes per entry, by real path (directories and links 0) */
  private sizes = new Map<string, number>();
  private total = 0;
  private pending = 0;
  private lastRecount = 0;
  /** bumped by every change, so a recount that raced one is not trusted */
  private changes = 0;

  private constructor(
    readonly root: string,
    readonly maxBytes: number,
    readonly maxEntries: number,
  ) {}

  static async load(root: string, maxBytes: number, maxEntries: number): Promise<DirectoryQuota> {
    const q = new DirectoryQuota(root, maxBytes, maxEntries);
    await q.recount();
    return q;
  }

  get bytes(): number {
    return this.total;
  }

  get entries(): number {
    return this.sizes.size;
  }

  has(p: string): boolean {
    return this.sizes.has(p);
  }

  /** Reserves a new entry (a file about to be created, a directory). false = over the entry limit.
   *  A reservation is settled with `settle()` once the operation is done, whatever its outcome. */
  reserveEntry(p: string): Promise<boolean> {
    return this.reserve(() => {
      if (this.sizes.has(p)) return true;
      if (this.sizes.size >= this.maxEntries) return false;
      this.sizes.set(p, 0);
      return true;
    });
  }

  /** Reserves room for `p` to reach `end` bytes (a write up to there). false = over the byte quota. */
  reserveSize(p: string, end: number): Promise<boolean> {
    return this.reserve(() => {
      const growth = Math.max(0, end - (this.sizes.get(p) ?? 0));
      if (this.total + growth > this.maxBytes) return false;
      this.sizes.set(p, (this.sizes.get(p) ?? 0) + growth);
      this.total += growth;
      return true;
    });
  }

  /** Takes back an entry reserved for something that was not created after all (only that entry:
   *  a directory that existed behind the server's back keeps what is counted under it). */
  unreserveEntry(p: string): void {
    const size = this.sizes.get(p);
    if (size === undefined) return;
    this.sizes.delete(p);
    this.total -= size;
    this.changes++;
  }

  settle(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  /** The size `p` really has now (after a truncate, or once a file's writes are done). */
  setSize(p: string, size: number): void {
    this.total += size - (this.sizes.get(p) ?? 0);
    this.sizes.set(p, size);
    this.changes++;
  }

  /** `p` is gone; for a directory, so is everything under it. */
  remove(p: string): void {
    this.changes++;
    for (const key of this.under(p)) {
      this.total -= this.sizes.get(key)!;
      this.sizes.delete(key);
    }
  }

  /** `from` now lives at `to` (replacing what was there), with everything under it. */
  rename(from: string, to: string): void {
    if (from === to) return;
    const moved = this.under(from).map((key) => [key, this.sizes.get(key)!] as const);
    this.remove(to);
    this.remove(from);
    for (const [key, size] of moved) {
      this.sizes.set(to + key.slice(from.length), size);
      this.total += size;
    }
  }

  /** Recounts from the disk. Stops counting at twice the entry limit: beyond that, it is full anyway.
   *  A change made while the walk was under way voids it (the walk may have missed it). */
  async recount(): Promise<void> {
    this.lastRecount = Date.now();
    const before = this.changes;
    const sizes = new Map<string, number>();
    let total = 0;
    const cap = this.maxEntries * 2;
    const dirs = [this.root];
    while (dirs.length && sizes.size < cap) {
      const dir = dirs.pop()!;
      const names = await fsp.readdir(dir).catch(() => [] as string[]);
      for (const name of names) {
        if (sizes.size >= cap) break;
        const full = path.join(dir, name);
        const st = await fsp.lstat(full).catch(() => null);
        if (!st) continue;
        const size = st.isFile() ? st.size : 0;
        sizes.set(full, size);
        total += size;
        if (st.isDirectory()) dirs.push(full);
      }
    }
    if (this.changes !== before) return;
    this.sizes = sizes;
    this.total = total;
  }

  /** Runs `take` (check and book in one synchronous step, so no other request can slip in between);
   *  when it refuses, once more after a recount from the disk if one is allowed. */
  private async reserve(take: () => boolean): Promise<boolean> {
    let ok = take();
    if (!ok && this.pending === 0 && Date.now() - this.lastRecount >= RECOUNT_INTERVAL_MS) {
      await this.recount();
      ok = take();
    }
    if (!ok) return false;
    this.changes++;
    this.pending++;
    return true;
  }

  private under(p: string): string[] {
    const prefix = p + path.sep;
    return [...this.sizes.keys()].filter((key) => key === p || key.startsWith(prefix));
  }
}
