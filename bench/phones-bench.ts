// Phone fleet at scale: a cluster with 10,000 phones; the first boot of all, a bulk reset until every
// phone has settled, and `show risdb query phone`. Prints wall times and peak memory.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { Store } from '../src/store/store';
import { loadClusterConfig, loadUsers, ETC_DIR } from '../src/cluster/config';
import { initializeCluster } from '../src/cluster/init';
import { App } from '../src/app';
import { openTestSession } from '../test/helpers/terminal';

const PHONES = Number(process.env.PHONES ?? 10000);
let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(48)} ${ms.toFixed(0).padStart(8)} ms`);
  return r;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-phones-bench-'));
  try {
    const doc = YAML.parse(fs.readFileSync(path.join(ETC_DIR, 'cluster.yaml'), 'utf8'));
    doc.phones.count = PHONES;
    const cfgFile = path.join(dir, 'cluster.yaml');
    fs.writeFileSync(cfgFile, YAML.stringify(doc));
    console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}; ${new Date().toISOString()}`);
    console.log(`phones: ${PHONES}`);
    const store = Store.open(dir);
    await timed('init (certificates, ITLs, fleet)', () => initializeCluster(store, loadClusterConfig(cfgFile), loadUsers(), new Date()));
    store.close();
    const app = new App({ dataDir: dir, timeScale: 0 });
    await timed('first boot of every phone (settle)', () => app.fleet.settle());
    const s = openTestSession(app);
    await s.run('set cli pagination off');
    await timed('sim phone reset all', () => s.run('sim phone reset all'));
    await timed('bulk reset: every phone settled', () => app.fleet.settle());
    await timed('utils itl reset localkey', () => s.run('utils itl reset localkey'));
    await s.run('sim phone reset all');
    await timed('bulk reset after an ITL reset: settled', () => app.fleet.settle());
    const out = await timed('show risdb query phone (publisher)', () => s.run('show risdb query phone'));
    const registered = app.fleet.phones().filter((p) => p.reg_state === 'reg').length;
    console.log(`risdb output: ${(out.length / 1024).toFixed(0)} KiB; registered: ${registered}/${PHONES}`);
    console.log(`peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
    app.close();
  } finally {
    clearInterval(sample);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
