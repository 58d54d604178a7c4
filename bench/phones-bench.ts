// Phone fleet at scale: a cluster with 10,000 phones; the first boot of all, a bulk reset until every
// phone has settled, and `show risdb query phone`. Prints wall times and the kernel's peak memory
// (maxRSS), and the resident set after the run.
import fs from 'node:fs';
import { fleetLab, machineLine } from './fleet-lab';
import { App } from '../src/app';
import { openTestSession } from '../test/helpers/terminal';

const PHONES = Number(process.env.PHONES ?? 10000);

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(8)} ms`);
  return r;
}

async function main(): Promise<void> {
  const { dir, initialize } = fleetLab('ucmsim-phones-bench-', PHONES);
  try {
    console.log(machineLine());
    console.log(`phones: ${PHONES}`);
    await timed('init (certificates, ITLs, fleet)', initialize);
    // Opening the lab completes what is due: at time scale 0, the first boot of every phone.
    const app = await timed('first boot of every phone (opening the lab)', () => new App({ dataDir: dir, timeScale: 0 }));
    const s = openTestSession(app);
    // A command and its boots may take long at 40,000 phones: wait up to ten minutes for the prompt.
    const run = async (line: string) => {
      const from = s.mark();
      s.type(line + '\r');
      await s.term.waitFor('\r\nadmin:', from + line.length, 600_000);
      return s.term.output.slice(from);
    };
    await run('set cli pagination off');
    await timed('bulk reset, nothing changed: every phone settled', () => run('sim phone reset all'));
    await timed('utils itl reset localkey', () => run('utils itl reset localkey'));
    await timed('bulk reset after an ITL reset: every phone settled', () => run('sim phone reset all'));
    const out = await timed('show risdb query phone (publisher)', () => run('show risdb query phone'));
    const registered = app.fleet.phones().filter((p) => p.reg_state === 'reg').length;
    console.log(`risdb output: ${(out.length / 1024).toFixed(0)} KiB; registered: ${registered}/${PHONES}`);
    // maxRSS is the kernel's high-water mark, in KiB.
    console.log(`peak RSS (kernel maxRSS): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; RSS after the run: ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
    app.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
