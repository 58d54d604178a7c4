// Output backpressure: congestion is reported when a client stops reading and lifted once its
// backlog has gone out; a backlog past the hard bound asks for the session to be dropped.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { OutputFlow, OUTPUT_HIGH_WATER, OUTPUT_HARD_LIMIT } from '../../src/cli/output-flow';

/** A stream whose writes complete only when `release()` is called, as a client that stops reading. */
function stalledStream() {
  const held: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 2 * 1024 * 1024,
    write(_chunk, _enc, cb) {
      held.push(() => cb());
    },
  });
  return {
    stream,
    release() {
      while (held.length) held.shift()!();
    },
  };
}

describe('output flow', () => {
  it('reports congestion past the high-water mark and lifts it once the backlog is sent', async () => {
    const s = stalledStream();
    let changes = 0;
    const flow = new OutputFlow(s.stream, { changed: () => changes++ });
    const chunk = 'x'.repeat(64 * 1024);
    for (let n = 0; n * chunk.length <= OUTPUT_HIGH_WATER; n++) flow.write(chunk);
    assert.equal(flow.congested, true);
    assert.equal(changes, 1);
    for (let i = 0; i < 10 && flow.congested; i++) {
      s.release();
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(flow.congested, false);
    assert.equal(changes, 2);
  });

  it('asks to drop the session when the backlog passes the hard bound', () => {
    const s = stalledStream();
    let dropped = 0;
    const flow = new OutputFlow(s.stream, { changed: () => undefined, overflow: () => dropped++ });
    const chunk = 'x'.repeat(1024 * 1024);
    for (let n = 0; n * chunk.length <= OUTPUT_HARD_LIMIT && !dropped; n++) flow.write(chunk);
    assert.equal(dropped, 1);
  });
});
