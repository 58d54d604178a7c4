// The dashboard's frame rule: drawn on events, keys and window changes, at most ten frames a second,
// none while the client does not read, and nothing at all once it has let go of the terminal.
import assert from 'node:assert/strict';
import type { FullScreenIo } from '../../src/cli/command';
import type { LabEvent } from '../../src/lab/events';
import type { DashboardSource } from '../../src/dashboard/model';
import { summarize } from '../../src/phones/summary';
import { runDashboard } from '../../src/dashboard/view';
import { FRAME_MS } from '../../src/dashboard/screen';

function stubSource(): DashboardSource & { emit(e: LabEvent): void } {
  let listener: ((e: LabEvent) => void) | null = null;
  let n = 0;
  return {
    title: 'stub',
    clusters: () => [{ name: 'c1', version: '14.0', mixed: false, online: true, nodes: [], tftp: [], phones: summarize([{ reg_state: 'reg', status: '', n: ++n, rebooting: 0 }]) }],
    phones: () => ({ total: 0, rows: [] }),
    recentEvents: () => [],
    subscribe: (l) => {
      listener = l;
      return () => (listener = null);
    },
    objectives: () => null,
    now: () => new Date(0),
    emit: (e) => listener?.(e),
  };
}

const event = (id: number): LabEvent => ({ id, kind: 'phones-reset', cluster: 'c1', node: null, user: null, command: null, simTime: new Date(0).toISOString(), wallTime: '', payload: { phones: 1, which: 'all' } });

function fakeIo() {
  const stop = new AbortController();
  const io = {
    written: '',
    congested: false,
    cols: 100,
    rows: 30,
    signal: stop.signal,
    write(s: string) {
      io.written += s;
    },
    input: (_d: Buffer) => {},
    onInput(f: (d: Buffer) => void) {
      io.input = f;
    },
    onResize() {},
    stop: () => stop.abort(),
  };
  return io;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('dashboard frames', () => {
  it(`draws at most one frame per ${FRAME_MS} ms however many events arrive`, async () => {
    const source = stubSource();
    const io = fakeIo();
    const frames: number[] = [];
    // When each frame started (it is reported once drawn, with its duration).
    const done = runDashboard(io as FullScreenIo, source, 'xterm', undefined, (ms) => frames.push(Date.now() - ms));
    const t0 = Date.now();
    // A burst of events for about half a second (bounded in count).
    for (let i = 0; i < 200 && Date.now() - t0 < 500; i++) {
      for (let k = 0; k < 20; k++) source.emit(event(i * 20 + k));
      await tick();
    }
    io.stop();
    await done;
    const elapsed = Date.now() - t0;
    assert.ok(frames.length >= 2, `frames were drawn (${frames.length})`);
    assert.ok(frames.length <= Math.ceil(elapsed / FRAME_MS) + 1, `${frames.length} frames in ${elapsed} ms`);
    for (let i = 1; i < frames.length; i++) assert.ok(frames[i] - frames[i - 1] >= FRAME_MS - 5, `frames ${frames[i] - frames[i - 1]} ms apart`);
  });

  it('draws nothing while the client does not read, then catches up; nothing after it ends', async () => {
    const source = stubSource();
    const io = fakeIo();
    let frames = 0;
    let drawn!: () => void;
    let next = new Promise<void>((r) => (drawn = r));
    const done = runDashboard(io as FullScreenIo, source, 'xterm', undefined, () => {
      frames++;
      drawn();
    });
    await next;
    io.congested = true;
    const before = frames;
    for (let i = 0; i < 30; i++) {
      source.emit(event(i));
      await tick();
    }
    assert.equal(frames, before, 'no frame while congested');
    next = new Promise<void>((r) => (drawn = r));
    io.congested = false;
    await next;
    assert.equal(frames, before + 1);
    io.input(Buffer.from('q'));
    await done;
    const after = io.written.length;
    source.emit(event(99));
    io.input(Buffer.from('x'));
    await new Promise((r) => setTimeout(r, FRAME_MS * 2));
    assert.equal(io.written.length, after, 'not a byte once it has let go');
    assert.ok(io.written.slice(-60).includes('\x1b[?1049l'), JSON.stringify(io.written.slice(-60)));
  });
});
