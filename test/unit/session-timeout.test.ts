// Long CLI session timeouts: setTimeout fires at once past 2^31-1 ms, so a session with a timeout of
// 36000 minutes (25 days) or more must wait in steps instead of being logged off on the spot.
import assert from 'node:assert/strict';
import { App } from '../../src/app';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, dialog, type TestSession } from '../helpers/terminal';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Opens a session while recording the long timers it arms (its idle timer). */
function openRecording(app: App): { session: TestSession; timers: { fn: () => void; ms: number }[] } {
  const timers: { fn: () => void; ms: number }[] = [];
  const real = global.setTimeout;
  global.setTimeout = ((fn: () => void, ms?: number) => {
    if ((ms ?? 0) >= 60_000) timers.push({ fn, ms: ms ?? 0 });
    return real(fn, ms);
  }) as typeof setTimeout;
  try {
    return { session: openTestSession(app), timers };
  } finally {
    global.setTimeout = real;
  }
}

describe('CLI session timeout beyond the timer range', function () {
  this.timeout(30000);
  let app: App;

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
  });
  afterEach(() => app.close());

  for (const minutes of [36000, 99999]) {
    it(`set cli session timeout ${minutes}: a new session stays open and arms no timer past 2^31-1 ms`, async () => {
      const t = openTestSession(app);
      assert.match(await dialog(t, `set cli session timeout ${minutes}`, [['Continue (y/n)?', 'y']]), new RegExp(`set to ${minutes} minutes\\.`));
      const { session, timers } = openRecording(app);
      assert.ok(timers.length >= 1, 'the new session arms its idle timer');
      for (const tm of timers) assert.ok(tm.ms <= MAX_TIMER_MS, `a timer of ${tm.ms} ms fires at once`);
      // The step timer firing long before the deadline must not log the session off.
      timers[timers.length - 1].fn();
      assert.equal(session.term.closedWith, null, session.term.output);
      assert.doesNotMatch(session.term.output, /timed out/);
      assert.match(await session.run('show myself'), /account name    : admin/);
      session.type('quit\r');
      await session.term.waitClosed();
    });
  }

  it('out-of-range values are refused and change nothing', async () => {
    const t = openTestSession(app);
    for (const bad of ['4', '100000', '36000000000', '-5', '1e3', '60.5']) {
      const out = await t.run(`set cli session timeout ${bad}`);
      assert.match(out, /Value range: 5-99999 minutes\r\nExecuted command unsuccessfully/, out);
      assert.doesNotMatch(out, /Continue/);
    }
    assert.match(await t.run('show cli session timeout'), /set to 30 minutes\./);
  });
});
