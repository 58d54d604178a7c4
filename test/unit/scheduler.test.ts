// The lab scheduler on a clock the test moves: work completes when it falls due, in due order, and a
// source that throws is logged and retried without stopping the others.
import assert from 'node:assert/strict';
import { SimClock, validTimeScale } from '../../src/clock/clock';
import { Scheduler, type DueSource } from '../../src/lab/scheduler';
import { waitUntil } from '../helpers/wait';

/** A due source over a list of due times (simulated ms). */
function source(name: string, due: number[], done: number[], fail?: (t: number) => boolean): DueSource {
  return {
    name,
    nextDue: () => (due.length ? Math.min(...due) : null),
    runDue: (limit, budget) => {
      let n = 0;
      for (const t of [...due].sort((a, b) => a - b)) {
        if (t > limit || n >= budget) break;
        if (fail?.(t)) throw new Error(`${name} cannot complete ${t}`);
        due.splice(due.indexOf(t), 1);
        done.push(t);
        n++;
      }
      return n;
    },
  };
}

describe('simulated clock', () => {
  it('runs at 1/scale of wall speed: 60 simulated seconds take 6 wall seconds at scale 0.1', () => {
    let wall = 1_000_000;
    const c = new SimClock(0.1, 0, () => wall);
    const t0 = c.nowMs();
    wall += 6000;
    assert.equal(c.nowMs() - t0, 60_000);
    assert.equal(c.wallMs(60_000), 6000);
  });

  it('never runs backwards, and refuses scales outside 0 or 0.001..1000', () => {
    const c = new SimClock(1, 0, () => 5000);
    c.advanceTo(1000);
    assert.equal(c.nowMs(), 5000);
    for (const bad of [-1, 0.0001, 1e6, NaN, Infinity]) assert.equal(validTimeScale(bad), false, String(bad));
    assert.throws(() => new SimClock(1e-9));
  });
});

describe('lab scheduler', () => {
  it('completes work when its due time comes, and not before (a clock the test moves)', () => {
    let wall = 0;
    const clock = new SimClock(1, 0, () => wall);
    const done: number[] = [];
    const s = new Scheduler(clock, [source('boots', [5000, 1000, 3000], done)], () => undefined);
    s.wake();
    s.catchUp();
    assert.deepEqual(done, []);
    wall = 3000;
    s.catchUp();
    assert.deepEqual(done, [1000, 3000]);
    wall = 10_000;
    s.catchUp();
    assert.deepEqual(done, [1000, 3000, 5000]);
    assert.equal(s.nextDue, null);
    s.close();
  });

  it('at scale 0 completes everything scheduled at once, in due order, without moving the clock', () => {
    const clock = new SimClock(0, 0, () => 0);
    const done: number[] = [];
    const s = new Scheduler(clock, [source('boots', [90_000, 30_000, 60_000], done)], () => undefined);
    s.wake();
    s.catchUp();
    assert.deepEqual(done, [30_000, 60_000, 90_000]);
    assert.equal(clock.nowMs(), 0);
    s.close();
  });

  it('a tick that throws is logged with its stack; the other sources go on and the failing one is retried', async () => {
    let wall = 0;
    const clock = new SimClock(1, 0, () => wall);
    const logged: string[] = [];
    const good: number[] = [];
    const bad: number[] = [];
    let broken = true;
    const s = new Scheduler(clock, [source('bad', [1000], bad, () => broken), source('good', [1000, 2000], good)], (m) => logged.push(m));
    s.wake();
    wall = 2000;
    s.catchUp();
    assert.deepEqual(good, [1000, 2000]);
    assert.deepEqual(bad, []);
    assert.ok(logged.some((m) => m.includes('bad failed') && m.includes('cannot complete 1000') && m.includes('    at ')), logged.join('\n'));
    broken = false;
    s.catchUp();
    assert.deepEqual(bad, [1000]);
    s.close();
  });

  it('a timer tick yields between chunks of a large batch, so others get turns; catchUp completes all at once', async () => {
    const clock = new SimClock(0.001);
    const at = clock.nowMs() + 1000;
    const done: number[] = [];
    const s = new Scheduler(clock, [source('boots', Array<number>(5000).fill(at), done)], () => undefined);
    s.wake();
    let turnsBetween = 0;
    const other = setInterval(() => done.length > 0 && done.length < 5000 && turnsBetween++, 0);
    await waitUntil(() => done.length === 5000, 5000, 'the batch to complete');
    clearInterval(other);
    assert.ok(turnsBetween > 0, 'another timer ran while the batch was completing');
    s.close();

    const later: number[] = [];
    const s2 = new Scheduler(new SimClock(0), [source('boots', Array<number>(5000).fill(0), later)], () => undefined);
    s2.wake();
    s2.catchUp();
    assert.equal(later.length, 5000);
    s2.close();
  });

  it('settle (a command waiting for its prompt): each due time whole, in one call of its source, other timers running between them', async () => {
    const calls: number[] = [];
    const done: number[] = [];
    const due = [...Array<number>(5000).fill(1000), ...Array<number>(5000).fill(2000), ...Array<number>(5000).fill(3000)];
    const inner = source('boots', due, done);
    const counted: DueSource = { ...inner, runDue: (limit, budget) => {
      const n = inner.runDue(limit, budget);
      if (n) calls.push(n);
      return n;
    } };
    const s = new Scheduler(new SimClock(0), [counted], () => undefined);
    s.wake(); // arms the timer, which must not take the due times in smaller pieces meanwhile
    let between = 0;
    const other = setInterval(() => done.length > 0 && done.length < 15000 && between++, 0);
    await s.settle();
    clearInterval(other);
    assert.equal(done.length, 15000);
    assert.deepEqual(calls, [5000, 5000, 5000], 'one call (one transaction) per due time');
    assert.ok(between > 0, 'another timer ran between the due times');
    s.close();
  });

  it('settle leaves a failing source to the retry timer instead of spinning on it', async () => {
    const logged: string[] = [];
    const s = new Scheduler(new SimClock(0), [source('bad', [1000], [], () => true)], (m) => logged.push(m));
    s.wake();
    await s.settle();
    assert.equal(logged.filter((m) => m.includes('bad failed')).length, 1);
    s.close();
  });

  it('fires by itself on its timer, with nobody calling it', async () => {
    const clock = new SimClock(0.001); // 1 simulated second = 1 wall ms
    const done: number[] = [];
    const due = clock.nowMs() + 20_000;
    const s = new Scheduler(clock, [source('boots', [due], done)], () => undefined);
    s.wake();
    await waitUntil(() => done.length > 0, 5000, 'the timer to complete the due work');
    assert.deepEqual(done, [due]);
    s.close();
  });
});
