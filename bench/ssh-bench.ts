// SSH benchmark: how fast the simulator answers a user and a runbook, measured through the real
// OpenSSH client (under a pty, as expect drives it) and through an in-process ssh2 client.
//
//   npm run bench            (builds first; about a minute on two cores)
//
// Measures (a) login-to-prompt time: ssh spawned -> `admin:` seen; (b) command round trip:
// `show myself\r` sent -> the next `admin:` seen, with one session and with 50 concurrent sessions.
// Every count is fixed and every wait is bounded; the whole run aborts after BUDGET_MS.
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { startSimulator, type Simulator } from '../src/simulator';
import { freshDataDir } from '../test/helpers/cluster';
import { PtySsh } from '../test/helpers/openssh';
import { Shell } from '../test/helpers/ssh2-shell';
import { allLoggedOut } from '../test/helpers/sim-settle';

const BUDGET_MS = 150_000;
const LOGINS = 30;
const ROUND_TRIPS = 500;
const WARMUP = 10;
const CONCURRENT = 50;
const ROUND_TRIPS_EACH = 60;
const COMMAND = 'show myself';

interface Row {
  client: string;
  measure: string;
  sessions: number;
  samples: number[];
  note?: string;
}

const now = () => process.hrtime.bigint();
const ms = (from: bigint, to: bigint = now()) => Number(to - from) / 1e6;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99), min: s[0], max: s[s.length - 1] };
}

interface Client {
  mark(): number;
  send(s: string): void;
  waitFor(what: string, from: number, ms: number): Promise<number>;
}

/** One round trip: type the command, wait for the prompt after its output. */
async function roundTrip(c: Client, command = COMMAND): Promise<number> {
  const from = c.mark();
  const t0 = now();
  c.send(command + '\r');
  await c.waitFor('\r\nadmin:', from + command.length, 10000);
  return ms(t0);
}

async function roundTrips(c: Client, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await roundTrip(c));
  return out;
}

/**
 * The command against an empty line on the same session, alternating, so both see the same noise:
 * what a command costs beyond the editor, the prompt and the transport.
 */
async function againstEmptyLine(c: Client, n: number): Promise<{ command: number[]; empty: number[] }> {
  const command: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < n; i++) {
    command.push(await roundTrip(c));
    empty.push(await roundTrip(c, ''));
  }
  return { command, empty };
}

/** The target of the issue: a command round trip at most 1.15 times an empty line's. */
const RATIO_TARGET = 1.15;

// --- OpenSSH -------------------------------------------------------------------------------------

async function opensshLogin(port: number): Promise<{ client: PtySsh; ms: number }> {
  const t0 = now();
  const client = await PtySsh.login({ port, timeoutMs: 30000 });
  return { client, ms: ms(t0, now()) };
}

async function opensshLogins(port: number, rows: Row[]): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const { client, ms: t } = await opensshLogin(port);
    samples.push(t);
    client.send('exit\r');
    await client.waitExit(10000);
  }
  rows.push({ client: 'OpenSSH (pty)', measure: 'login to prompt', sessions: 1, samples, note: 'spawn ssh -> admin: (incl. password prompt)' });
}

async function opensshOne(port: number, rows: Row[]): Promise<void> {
  const { client } = await opensshLogin(port);
  await roundTrips(client, WARMUP);
  rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: 1, samples: await roundTrips(client, ROUND_TRIPS) });
  const pair = await againstEmptyLine(client, ROUND_TRIPS);
  const ratio = stats(pair.command).median / stats(pair.empty).median;
  const note = `alternating with an empty line: ratio of medians ${ratio.toFixed(2)} (target <= ${RATIO_TARGET}: ${ratio <= RATIO_TARGET ? 'met' : 'not met'})`;
  rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: 1, samples: pair.command, note });
  rows.push({ client: 'OpenSSH (pty)', measure: 'round trip empty line', sessions: 1, samples: pair.empty, note: 'same session, alternating' });
  client.send('exit\r');
  await client.waitExit(10000);
}

async function opensshMany(port: number, rows: Row[]): Promise<void> {
  const t0 = now();
  const logins = await Promise.all(Array.from({ length: CONCURRENT }, () => opensshLogin(port)));
  const allIn = ms(t0);
  rows.push({ client: 'OpenSSH (pty)', measure: 'login to prompt', sessions: CONCURRENT, samples: logins.map((l) => l.ms), note: `all ${CONCURRENT} in ${allIn.toFixed(0)} ms` });
  await Promise.all(logins.map((l) => roundTrips(l.client, 2)));
  rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: await roundTrips(logins[0].client, ROUND_TRIPS), note: `one busy session, ${CONCURRENT - 1} idle` });
  const t1 = now();
  const per = await Promise.all(logins.map((l) => roundTrips(l.client, ROUND_TRIPS_EACH)));
  const wall = ms(t1);
  const total = CONCURRENT * ROUND_TRIPS_EACH;
  rows.push({
    client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: per.flat(),
    note: `all busy: ${total} commands in ${wall.toFixed(0)} ms = ${((total / wall) * 1000).toFixed(0)}/s`,
  });
  await Promise.all(logins.map(async (l) => {
    l.client.send('exit\r');
    await l.client.waitExit(10000);
  }));
}

// --- ssh2 in-process -----------------------------------------------------------------------------

async function ssh2Login(port: number): Promise<{ client: Shell; ms: number }> {
  const t0 = now();
  const client = await Shell.open({ port, timeoutMs: 30000 });
  return { client, ms: ms(t0) };
}

async function ssh2Logins(port: number, rows: Row[]): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const { client, ms: t } = await ssh2Login(port);
    samples.push(t);
    await client.close();
  }
  rows.push({ client: 'ssh2 (in-process)', measure: 'login to prompt', sessions: 1, samples, note: 'connect -> admin:' });
}

async function ssh2One(port: number, rows: Row[]): Promise<void> {
  const { client } = await ssh2Login(port);
  await roundTrips(client, WARMUP);
  rows.push({ client: 'ssh2 (in-process)', measure: `round trip "${COMMAND}"`, sessions: 1, samples: await roundTrips(client, ROUND_TRIPS) });
  await client.close();
}

async function ssh2Many(port: number, rows: Row[]): Promise<void> {
  const t0 = now();
  const logins = await Promise.all(Array.from({ length: CONCURRENT }, () => ssh2Login(port)));
  const allIn = ms(t0);
  rows.push({ client: 'ssh2 (in-process)', measure: 'login to prompt', sessions: CONCURRENT, samples: logins.map((l) => l.ms), note: `all ${CONCURRENT} in ${allIn.toFixed(0)} ms` });
  await Promise.all(logins.map((l) => roundTrips(l.client, 2)));
  rows.push({ client: 'ssh2 (in-process)', measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: await roundTrips(logins[0].client, ROUND_TRIPS), note: `one busy session, ${CONCURRENT - 1} idle` });
  const t1 = now();
  const per = await Promise.all(logins.map((l) => roundTrips(l.client, ROUND_TRIPS_EACH)));
  const wall = ms(t1);
  const total = CONCURRENT * ROUND_TRIPS_EACH;
  rows.push({
    client: 'ssh2 (in-process)', measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: per.flat(),
    note: `all busy: ${total} commands in ${wall.toFixed(0)} ms = ${((total / wall) * 1000).toFixed(0)}/s`,
  });
  await Promise.all(logins.map((l) => l.client.close()));
}

// --- report --------------------------------------------------------------------------------------

function table(rows: Row[]): string {
  const head = ['client', 'measure', 'sessions', 'n', 'median ms', 'p99 ms', 'min ms', 'max ms', 'note'];
  const body = rows.map((r) => {
    const s = stats(r.samples);
    return [r.client, r.measure, String(r.sessions), String(s.n), s.median.toFixed(2), s.p99.toFixed(2), s.min.toFixed(2), s.max.toFixed(2), r.note ?? ''];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...body.map(line)].join('\n');
}

function opensshVersion(): string {
  // ssh -V prints its version on stderr
  const r = spawnSync('/usr/bin/ssh', ['-V'], { encoding: 'utf8' });
  return `${r.stderr ?? ''}${r.stdout ?? ''}`.trim() || 'unknown';
}

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    process.stderr.write(`bench: aborted after ${BUDGET_MS / 1000} s\n`);
    process.exit(2);
  }, BUDGET_MS);
  watchdog.unref();

  const cpus = os.cpus();
  const machine = {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    openssh: opensshVersion(),
  };
  process.stderr.write('bench: building the test cluster...\n');
  const t0 = now();
  const dataDir = await freshDataDir();
  const buildMs = ms(t0);
  const sim: Simulator = await startSimulator({ dataDir, host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50 });
  const port = sim.ssh.get(sim.app.cluster.publisher().name)!.port;
  const rows: Row[] = [];
  const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY="OpenSSH 1 session"
  const phases: [string, (p: number, r: Row[]) => Promise<void>][] = [
    ['OpenSSH 1 session', opensshOne],
    ['OpenSSH logins', opensshLogins],
    [`OpenSSH ${CONCURRENT} sessions`, opensshMany],
    ['ssh2 logins', ssh2Logins],
    ['ssh2 1 session', ssh2One],
    [`ssh2 ${CONCURRENT} sessions`, ssh2Many],
  ];
  const started = now();
  try {
    for (const [name, phase] of phases) {
      if (only && name !== only) continue;
      const p0 = now();
      await phase(port, rows);
      process.stderr.write(`bench: ${name} done in ${(ms(p0) / 1000).toFixed(1)} s\n`);
    }
    await allLoggedOut(sim, 10000);
  } finally {
    await sim.close();
  }
  const total = ms(started) / 1000;

  console.log('ucmsim SSH benchmark');
  console.log(`date     ${machine.date}`);
  console.log(`machine  ${machine.cpu}, ${machine.cores} cores, ${machine.os}`);
  console.log(`runtime  node ${machine.node}; client ${machine.openssh}`);
  console.log(`setup    test cluster built in ${(buildMs / 1000).toFixed(1)} s (not counted); time scale 0`);
  console.log(`command  "${COMMAND}"; ${ROUND_TRIPS} round trips on one session after ${WARMUP} warm-up; ${CONCURRENT} sessions x ${ROUND_TRIPS_EACH} concurrently`);
  console.log('');
  console.log(table(rows));
  console.log('');
  console.log(`measured in ${total.toFixed(1)} s`);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ machine, rows: rows.map((r) => ({ ...r, ...stats(r.samples), samples: undefined })) }));
  clearTimeout(watchdog);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
