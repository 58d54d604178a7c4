// The bookkeeping behind the network services' limits: who keeps a TFTP slot, and what the lab SFTP
// directory counts against its quota.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TransferSlots, type Slot } from '../../src/net/tftp-slots';
import { DirectoryQuota } from '../../src/net/sftp-quota';

class FakeTransfer implements Slot {
  evicted = false;
  constructor(
    readonly address: string,
    public confirmed = false,
  ) {}
  evict(): void {
    this.evicted = true;
  }
}

describe('TFTP transfer slots', function () {
  function fill(slots: TransferSlots<FakeTransfer>, address: string, n: number, confirmed: boolean): FakeTransfer[] {
    return Array.from({ length: n }, () => {
      assert.ok(slots.makeRoom(address));
      const t = new FakeTransfer(address, confirmed);
      slots.add(t);
      return t;
    });
  }

  it('gives a full table\'s oldest unconfirmed slot to a new request, never a confirmed one', function () {
    const slots = new TransferSlots<FakeTransfer>(4, 4);
    const [a, b] = [...fill(slots, '10.0.0.1', 1, true), ...fill(slots, '10.0.0.2', 1, false)];
    const [c] = fill(slots, '10.0.0.3', 2, false);
    assert.ok(slots.makeRoom('10.0.0.9'));
    assert.equal(b.evicted, true, 'the oldest unconfirmed');
    assert.equal(a.evicted || c.evicted, false);
    assert.equal(slots.size, 3);
    slots.add(new FakeTransfer('10.0.0.9'));
    for (const t of slots.all()) (t as { confirmed: boolean }).confirmed = true;
    assert.equal(slots.makeRoom('10.0.0.10'), false, 'all answered: busy');
  });

  it('holds an address to maxPerClient once half the table is in use', function () {
    const slots = new TransferSlots<FakeTransfer>(10, 2);
    fill(slots, '10.0.0.1', 4, true); // under half: no per-client limit yet
    fill(slots, '10.0.0.2', 1, true);
    assert.equal(slots.makeRoom('10.0.0.1'), false);
    assert.ok(slots.makeRoom('10.0.0.3'));
    // Its own unconfirmed transfer is what an over-share client gives up.
    const own = new FakeTransfer('10.0.0.1');
    slots.delete(slots.all()[0]);
    slots.add(own);
    assert.ok(slots.makeRoom('10.0.0.1'));
    assert.equal(own.evicted, true);
  });
});

describe('lab SFTP directory quota', function () {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ucmsim-quota-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('counts what is on disk at start: files by size, directories as entries', async function () {
    mkdirSync(path.join(root, 'd'));
    writeFileSync(path.join(root, 'd', 'f'), Buffer.alloc(100));
    writeFileSync(path.join(root, 'g'), Buffer.alloc(50));
    const q = await DirectoryQuota.load(root, 1000, 10);
    assert.equal(q.bytes, 150);
    assert.equal(q.entries, 3);
  });

  it('reserves before writing, so writes in flight together stay within the quota', async function () {
    const q = await DirectoryQuota.load(root, 1000, 10);
    const f = path.join(root, 'f');
    assert.ok(await q.reserveEntry(f));
    const grants = await Promise.all(Array.from({ length: 20 }, (_, i) => q.reserveSize(f, (i + 1) * 100)));
    assert.deepEqual(grants.map((g, i) => (g ? i : -1)).filter((i) => i >= 0), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(q.bytes, 1000);
    // Two files asking at the same moment cannot both have the last 800 bytes.
    const q2 = await DirectoryQuota.load(root, 1000, 10);
    const both = await Promise.all([q2.reserveSize(path.join(root, 'x'), 800), q2.reserveSize(path.join(root, 'y'), 800)]);
    assert.deepEqual(both, [true, false]);
    assert.equal(q2.bytes, 800);
  });

  it('follows removes and renames, directories with their contents', async function () {
    const q = await DirectoryQuota.load(root, 1000, 10);
    const [d, f, g] = ['d', 'd/f', 'g'].map((p) => path.join(root, p));
    for (const p of [d, f, g]) assert.ok(await q.reserveEntry(p));
    q.setSize(f, 300);
    q.setSize(g, 200);
    q.rename(d, path.join(root, 'e'));
    assert.ok(q.has(path.join(root, 'e', 'f')));
    assert.equal(q.bytes, 500);
    q.rename(g, path.join(root, 'e', 'f')); // replaces the 300-byte file
    assert.equal(q.bytes, 200);
    assert.equal(q.entries, 2);
    q.remove(path.join(root, 'e'));
    assert.equal(q.bytes, 0);
    assert.equal(q.entries, 0);
  });

  it('refuses past the entry limit, and recounts from disk before refusing when nothing is in flight', async function () {
    const q = await DirectoryQuota.load(root, 1000, 2);
    for (const name of ['a', 'b']) {
      assert.ok(await q.reserveEntry(path.join(root, name)));
      q.settle();
    }
    // Nothing of that is on disk, but the last recount was just now: refused without a walk.
    assert.equal(await q.reserveEntry(path.join(root, 'c')), false);
    await q.recount();
    assert.equal(q.entries, 0);
    assert.ok(await q.reserveEntry(path.join(root, 'c')));
  });
});
