// Phone fleet at scale: the first boot of every phone, a bulk reset until every phone has settled
// (nothing changed, then after an ITL reset), and `show risdb query phone`, at 1,000, 10,000 and
// 40,000 phones. Each size runs in a process of its own, so that its peak memory (the kernel's
// maxRSS) is its own. Prints the scaling table and the targets at 40,000 phones, met or not.
//
//   node dist/bench/phones-bench.js              all sizes
//   PHONES=10000 node dist/bench/phones-bench.js one size, its lines only
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fleetLab, machineLine } from './fleet-lab';
import { App } from '../src/app';
import { openTestSession } from '../test/helpers/terminal';

const SIZES = [1000, 10000, 40000];
/** The targets, at 40,000 phones (ms, and MiB for the memory). */
const TARGETS: { key: keyof Figures; label: string; max: number; unit: 'ms' | 'MiB' }[] = [
  { key: 'reset', label: 'bulk reset, nothing changed, until settled', max: 2000, unit: 'ms' },
  { key: 'resetAfterItl', label: 'bulk reset after an ITL reset, until settled', max: 3000, unit: 'ms' },
  { key: 'firstBoot', label: 'first boot', max: 8000, unit: 'ms' },
  { key: 'peakRss', label: 'peak RSS', max: 300, unit: 'MiB' },
  { key: 'risdb', label: 'show risdb query phone (publisher rows below)', max: 300, unit: 'ms' },
];

interface Figures {
  phones: number;
  init: number;
  firstBoot: number;
  reset: number;
  itlReset: number;
  resetAfterItl: number;
  risdb: number;
  risdbRows: number;
  registered: number;
  peakRss: number;
  rssAfter: number;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}

/** One size, in this process. */
async function measure(phones: number): Promise<Figures> {
  const { dir, initialize } = fleetLab('ucmsim-phones-bench-', phones);
  try {
    const [, init] = await timed(initialize);
    // Opening the lab completes what is due: at time scale 0, the first boot of every phone.
    const [app, firstBoot] = await timed(() => new App({ dataDir: dir, timeScale: 0 }));
    const s = openTestSession(app);
    // A command and its boots may take long on a slow machine: wait up to ten minutes for the prompt.
    const run = async (line: string) => {
      const from = s.mark();
      s.type(line + '\r');
      await s.term.waitFor('\r\nadmin:', from + line.length, 600_000);
      return s.term.output.slice(from);
    };
    await run('set cli pagination off');
    const [, reset] = await timed(() => run('sim phone reset all'));
    const [, itlReset] = await timed(() => run('utils itl reset localkey'));
    const [, resetAfterItl] = await timed(() => run('sim phone reset all'));
    const [out, risdb] = await timed(() => run('show risdb query phone'));
    const risdbRows = Number(/Total count: (\d+)/.exec(out)?.[1] ?? NaN);
    const registered = app.fleet.summary().registered;
    app.close();
    // maxRSS is the kernel's high-water mark for this process, in KiB.
    const peakRss = process.resourceUsage().maxRSS / 1024;
    const rssAfter = process.memoryUsage().rss / 1024 / 1024;
    return { phones, init, firstBoot, reset, itlReset, resetAfterItl, risdb, risdbRows, registered, peakRss, rssAfter };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function print(f: Figures): void {
  const row = (label: string, v: number, unit = 'ms') => console.log(`${label.padEnd(52)} ${v.toFixed(0).padStart(8)} ${unit}`);
  console.log(`phones: ${f.phones}`);
  row('init (certificates, ITLs, fleet)', f.init);
  row('first boot of every phone (opening the lab)', f.firstBoot);
  row('bulk reset, nothing changed: every phone settled', f.reset);
  row('utils itl reset localkey', f.itlReset);
  row('bulk reset after an ITL reset: every phone settled', f.resetAfterItl);
  row(`show risdb query phone (publisher, ${f.risdbRows} rows)`, f.risdb);
  console.log(`registered: ${f.registered}/${f.phones}`);
  console.log(`peak RSS (kernel maxRSS): ${f.peakRss.toFixed(0)} MiB; RSS after the run: ${f.rssAfter.toFixed(0)} MiB`);
}

function table(all: Figures[]): string {
  const cols: [string, (f: Figures) => string][] = [
    ['phones', (f) => f.phones.toLocaleString('en-US')],
    ['first boot ms', (f) => f.firstBoot.toFixed(0)],
    ['reset ms', (f) => f.reset.toFixed(0)],
    ['reset after ITL reset ms', (f) => f.resetAfterItl.toFixed(0)],
    ['risdb ms (rows)', (f) => `${f.risdb.toFixed(0)} (${f.risdbRows})`],
    ['peak RSS MiB', (f) => f.peakRss.toFixed(0)],
    ['reset µs/phone', (f) => ((f.reset * 1000) / f.phones).toFixed(0)],
  ];
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(cols.map((c) => c[0])), line(cols.map(() => '---')), ...all.map((f) => line(cols.map((c) => c[1](f))))].join('\n');
}

async function main(): Promise<void> {
  const one = process.env.PHONES ?? (process.argv.includes('--child') ? process.argv[process.argv.indexOf('--child') + 1] : undefined);
  if (one) {
    const f = await measure(Number(one));
    if (process.argv.includes('--child')) process.stdout.write(JSON.stringify(f));
    else {
      console.log(machineLine());
      print(f);
    }
    return;
  }
  console.log(machineLine());
  const all: Figures[] = [];
  for (const phones of SIZES) {
    const r = spawnSync(process.execPath, [__filename, '--child', String(phones)], { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 1_800_000 });
    if (r.status !== 0) throw new Error(`the run at ${phones} phones failed: ${r.stderr || r.error?.message}`);
    const f = JSON.parse(r.stdout) as Figures;
    all.push(f);
    print(f);
    console.log('');
  }
  console.log(table(all));
  console.log('');
  const big = all[all.length - 1];
  for (const t of TARGETS) {
    const v = big[t.key] as number;
    const what = t.key === 'risdb' ? `${t.label.replace('below', String(big.risdbRows))}` : t.label;
    console.log(`target at ${big.phones} phones: ${what} <= ${t.max} ${t.unit}: ${v.toFixed(0)} ${t.unit}, ${v <= t.max ? 'met' : 'not met'}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
