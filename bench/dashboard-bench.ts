// The dashboard at scale: a cluster of 40,000 phones (PHONES=N changes it). Measures what one frame
// reads (the counts, aggregated by the store, and one page of the list) and whole frames drawn by blessed
// at 200x50 into a sink, with every phone registered and again in the middle of a bulk reset.
import fs from 'node:fs';
import { fleetLab, machineLine } from './fleet-lab';
import { App } from '../src/app';
import { labSource } from '../src/dashboard/model';
import { runDashboard } from '../src/dashboard/view';
import type { FullScreenIo } from '../src/cli/command';

const PHONES = Number(process.env.PHONES ?? 40000);
const FRAMES = 30;

function stats(label: string, ms: number[]): void {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  console.log(`${label.padEnd(58)} n=${String(s.length).padStart(3)}  median ${q(0.5).toFixed(1).padStart(6)} ms  max ${s[s.length - 1].toFixed(1).padStart(6)} ms`);
}

function time(fn: () => void, n = FRAMES): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

/** Whole frames: the dashboard on a sink terminal, a frame requested by a window change each time. */
async function frames(app: App, n = FRAMES): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  let resize = () => {};
  const stop = new AbortController();
  const io: FullScreenIo = {
    write: (s) => void (bytes += s.length),
    cols: 200,
    rows: 50,
    congested: false,
    signal: stop.signal,
    onInput: () => {},
    onResize: (f) => (resize = f),
  };
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const running = runDashboard(io, labSource(app.lab, 'bench'), 'xterm-256color', (m) => console.error(m), (t) => {
    ms.push(t);
    if (ms.length >= n + 1) done();
    else setImmediate(resize);
  });
  await all;
  stop.abort();
  await running;
  return { ms: ms.slice(1), bytes }; // the first frame draws everything from nothing
}

async function main(): Promise<void> {
  const { dir, initialize } = fleetLab('ucmsim-dashboard-bench-', PHONES);
  try {
    console.log(machineLine());
    console.log(`phones: ${PHONES}`);
    await initialize();
    const t0 = Date.now();
    // Opening the lab completes what is due: the first boot of every phone.
    const app = new App({ dataDir: dir, timeScale: 0 });
    console.log(`first boot of every phone: ${((Date.now() - t0) / 1000).toFixed(1)} s; registered: ${app.fleet.summary().registered}`);
    const source = labSource(app.lab, 'bench');
    const cluster = app.cluster.name;
    stats('counts of every cluster, nodes and trust files', time(() => source.clusters()));
    stats('a page of 45 phones at the start of the list', time(() => source.phones(cluster, '', 0, 45)));
    stats('a page of 45 phones at the end of the list', time(() => source.phones(cluster, '', PHONES - 45, 45)));
    stats('counting the phones a filter ("jabber") matches', time(() => app.fleet.page('jabber', 0, 45)));
    stats('a page of 45 phones filtered by "jabber" (count reused)', time(() => source.phones(cluster, 'jabber', 0, 45)));
    const registered = await frames(app);
    stats('whole frame at 200x50, every phone registered', registered.ms);
    // A bulk reset at time scale 0 would complete at once: time stands still while the phones reboot.
    const held = new App({ dataDir: dir, timeScale: 1 });
    app.close();
    held.fleet.reset({ node: held.cluster.publisher().name, user: 'admin', command: 'sim phone reset all' }, 'all');
    const rebooting = await frames(held);
    console.log(`rebooting: ${held.fleet.summary().rebooting}`);
    stats('whole frame at 200x50, in the middle of a bulk reset', rebooting.ms);
    held.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
