// The per-source login backoff and the failed-login aggregation, on a fake clock.
import assert from 'node:assert/strict';
import { SourceBackoff } from '../../src/ssh/backoff';
import { FailedLogins, type FailedLoginEvent } from '../../src/ssh/failed-logins';

describe('SSH per-source login backoff', () => {
  let now = 0;
  const make = () => new SourceBackoff({ baseMs: 1000, maxMs: 30_000, forgetMs: 600_000, maxSources: 3 }, () => now);
  beforeEach(() => {
    now = 1_000_000;
  });

  it('a source without failures waits nothing; each failure doubles the wait, up to the bound', () => {
    const b = make();
    assert.equal(b.waitMs('10.0.0.1'), 0);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      waits.push(b.failed('10.0.0.1'));
      now += waits[i]; // the next attempt comes when it may
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.equal(b.waitMs('10.0.0.2'), 0, 'another source is not slowed');
  });

  it('parallel attempts from one source queue behind each other, never longer than the bound', () => {
    const b = make();
    for (let i = 0; i < 50; i++) b.failed('10.0.0.1'); // 50 connections failing at the same instant
    assert.equal(b.waitMs('10.0.0.1'), 30_000);
  });

  it('forgets a quiet source, and remembers a bounded number of sources', () => {
    const b = make();
    b.failed('10.0.0.1');
    now += 600_001;
    assert.equal(b.waitMs('10.0.0.1'), 0);
    for (const ip of ['a', 'b', 'c', 'd']) b.failed(ip);
    assert.equal(b.waitMs('a'), 0, 'the least recently failing source was dropped');
    assert.ok(b.waitMs('d') > 0);
  });
});

describe('SSH failed-login events', () => {
  it('records the first failure per source at once and the rest of the window as one counted event', () => {
    const rows: FailedLoginEvent[] = [];
    const f = new FailedLogins((e) => rows.push(e), { windowMs: 60_000, maxSources: 2 });
    for (let i = 0; i < 1000; i++) f.failed('10.0.0.1', i % 2 ? 'admin' : 'root');
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0], { user: 'root', change: { from: '10.0.0.1' } });
    f.failed('10.0.0.2', 'admin');
    for (let i = 0; i < 100; i++) f.failed(`192.0.2.${i}`, 'admin'); // past the per-window source limit
    f.close();
    assert.deepEqual(rows.slice(1), [
      { user: 'admin', change: { from: '10.0.0.2' } },
      { user: '', change: { from: '10.0.0.1', count: 999, users: ['admin', 'root'] } },
      { user: 'admin', change: { from: 'other sources', count: 100, users: ['admin'], sources: 100 } },
    ]);
    f.failed('10.0.0.3', 'admin');
    assert.equal(rows.length, 4, 'nothing is recorded after close');
  });
});
