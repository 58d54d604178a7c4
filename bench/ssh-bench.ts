// SSH benchmark: how fast the simulator answers a user and a runbook, and how it holds up under many
// sessions, measured through the real OpenSSH client (under a pty, as expect drives it) and through a
// Node ssh2 client.
//
//   npm run bench            (builds first; this part takes a minute or two on two cores)
//
// The simulator runs in a process of its own (bench/bench-server.ts), so that its peak memory is its own
// and it does not share an event loop with the clients. Measures:
// (a) login to prompt: ssh spawned -> `admin:` seen; 30 logins one after the other, then 50 at once. Beside
//     it, what the client costs by itself: ssh spawned the same way against a closed port, until it exits.
// (b) command round trip: `show myself\r` sent -> the next `admin:` seen, with one session (also against an
//     empty line) and with 50 sessions.
// (c) session scale: 500 sessions logged in, in waves of 50; one of them busy while the others sit idle;
//     then 100 of them typing at once at a fast typist's pace, 10 commands each, every command changing a
//     phone of its own (each key timed to its echo, each command from its Enter to the prompt); then, as
//     stress, the same with no pause: keys back to back, and a line per write (as expect's `send` does).
//     After each round every change is looked for in the server's state.
// Every target is printed with its figure and "met" or "not met". Every count is fixed and every wait is
// bounded; the whole run aborts after BUDGET_MS.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { fleetLab } from './fleet-lab';
import type { Ready, Reply, Request } from './bench-server';
import { PtySsh } from '../test/helpers/openssh';
import { Shell } from '../test/helpers/ssh2-shell';
import { within, type TranscriptSession } from '../test/helpers/wait';

const BUDGET_MS = 300_000;
const LOGINS = 30;
const ROUND_TRIPS = 500;
const WARMUP = 10;
const CONCURRENT = 50;
const ROUND_TRIPS_EACH = 60;
const COMMAND = 'show myself';
/** sessions logged in at once for the scale phase, and how many start their login together */
const SCALE_SESSIONS = 500;
const LOGIN_WAVE = 50;
/** sessions typing at once, and the commands each types */
const TYPING_SESSIONS = 100;
const TYPED_COMMANDS = 10;
/** one phone per command of a round, so that every change lands on a row of its own */
const PHONES = TYPING_SESSIONS * TYPED_COMMANDS;

/** The targets of the issue. */
const TARGET = {
  ratio: 1.15,
  busyP99Ms: 10,
  typingP99Ms: 100,
  loginMedianMs: 25,
};

interface Row {
  client: string;
  measure: string;
  sessions: number;
  samples: number[];
  note?: string;
}

interface Target {
  what: string;
  figure: string;
  met: boolean;
}

const now = () => process.hrtime.bigint();
const ms = (from: bigint, to: bigint = now()) => Number(to - from) / 1e6;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p99: quantile(s, 0.99), min: s[0], max: s[s.length - 1] };
}

// --- the server process ----------------------------------------------------------------------------

/** A request without its id (the id is added when it is sent). */
type Ask<R = Request> = R extends unknown ? Omit<R, 'id'> : never;

class BenchServer {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  readonly exited: Promise<void>;

  private constructor(
    readonly child: ChildProcess,
    readonly ready: Ready,
  ) {
    child.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error) p.reject(new Error(`bench server: ${m.error}`));
      else p.resolve(m);
    });
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => {
        for (const p of this.pending.values()) p.reject(new Error('bench server exited'));
        this.pending.clear();
        resolve();
      });
    });
  }

  static async start(dataDir: string): Promise<BenchServer> {
    const child = fork(path.join(__dirname, 'bench-server.js'), [dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await within(
      new Promise<Ready>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`bench server exited with ${code} before it was ready`)));
        child.on('message', (m: Ready) => {
          if (m.type === 'ready') resolve(m);
        });
      }),
      120_000,
      'the bench server to listen',
    );
    return new BenchServer(child, ready);
  }

  request(req: Ask, timeoutMs = 60_000): Promise<Reply> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.child.send({ ...req, id });
    return within(reply, timeoutMs, `the bench server to answer ${req.type}`);
  }

  /** Stops the simulator; resolves with the process's peak RSS once it has exited. */
  async close(): Promise<number> {
    const { maxRSS } = await this.request({ type: 'close' });
    await within(this.exited, 10_000, 'the bench server to exit');
    return maxRSS!;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

interface Context {
  server: BenchServer;
  port: number;
  rows: Row[];
  targets: Target[];
  /** the server's memory at points of the run: label, kernel maxRSS, resident set then */
  memory: [string, number, number][];
}

/** The server's CPU time so far (user + system), ms. */
async function serverCpu(ctx: Context): Promise<number> {
  return (await ctx.server.request({ type: 'usage' })).cpuMs!;
}

/** CPU time of the whole machine (all cores, not idle), ms. */
function machineCpu(): number {
  return os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
}

/**
 * Where the CPU went over a stretch of wall time, in cores busy on average: the whole machine, the server
 * process, this process (the pty driver), and the rest (the ssh clients, the kernel's work for them, and
 * whatever else the machine runs).
 */
async function cpuWatch(ctx: Context): Promise<() => Promise<string>> {
  const start = { machine: machineCpu(), server: await serverCpu(ctx), bench: process.cpuUsage(), at: now() };
  return async () => {
    const wall = ms(start.at);
    const server = (await serverCpu(ctx)) - start.server;
    const b = process.cpuUsage(start.bench);
    const bench = (b.user + b.system) / 1000;
    const machine = machineCpu() - start.machine;
    const cores = (cpu: number) => (cpu / wall).toFixed(2);
    return `cores busy: ${cores(machine)} of ${os.cpus().length} (server ${cores(server)}, pty driver ${cores(bench)}, the rest: ssh clients, kernel, other jobs ${cores(Math.max(0, machine - server - bench))})`;
  };
}

async function noteMemory(ctx: Context, label: string): Promise<void> {
  const u = await ctx.server.request({ type: 'usage' });
  ctx.memory.push([label, u.maxRSS!, u.rss!]);
}

// --- clients ---------------------------------------------------------------------------------------

/** How a line reaches the client: all at once, or key by key. */
/** Sends a line; resolves with the time its last byte (the Enter) went out, if not at once. */
type Sender = (c: TranscriptSession, bytes: string) => Promise<bigint | void>;

/** The whole line and its CR in one write, as expect's `send` does it. */
const whole: Sender = async (c, bytes) => c.send(bytes);

/**
 * Keys back to back, one per write (each write in its own turn of the event loop, so the keys of many
 * sessions interleave): a closed loop with no pause, heavier than any typist.
 */
const keyByKey: Sender = async (c, bytes) => {
  for (const key of bytes) {
    c.send(key);
    await new Promise(setImmediate);
  }
};

/** A fast typist's pace: a key every KEY_GAP_MS, and a pause of THINK_MS before each command. */
const KEY_GAP_MS = 60;
const THINK_MS = [200, 1000];

/**
 * A typist: keys at KEY_GAP_MS apart, each echo waited for and timed into `echoes`, then the Enter.
 * Resolves with the time the Enter went out.
 */
function typist(echoes: number[]): Sender {
  return async (c, bytes) => {
    const keys = [...bytes];
    const enter = keys.pop()!;
    for (const key of keys) {
      const from = c.mark();
      const t0 = now();
      c.send(key);
      await c.waitFor(key, from, 10000);
      const took = ms(t0);
      echoes.push(took);
      await new Promise((r) => setTimeout(r, Math.max(0, KEY_GAP_MS - took)));
    }
    const t = now();
    c.send(enter);
    return t;
  };
}

/** A fixed sequence of pauses per session, so that runs compare (a small linear congruential generator). */
function thinkTimes(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return THINK_MS[0] + (x / 2 ** 32) * (THINK_MS[1] - THINK_MS[0]);
  };
}

/**
 * Sends a line and waits for the prompt after its output: the time from the first byte and from the
 * Enter, and the output.
 */
async function exchange(c: TranscriptSession, line: string, send: Sender = whole, timeoutMs = 10000): Promise<{ ms: number; afterEnter: number; output: string }> {
  const from = c.mark();
  const t0 = now();
  const enter = (await send(c, line + '\r')) ?? t0;
  const at = await c.waitFor('\r\nadmin:', from + line.length, timeoutMs);
  return { ms: ms(t0), afterEnter: ms(enter), output: c.text.slice(from, at) };
}

/** One round trip: the command, until the prompt after its output. */
async function roundTrip(c: TranscriptSession, command = COMMAND): Promise<number> {
  return (await exchange(c, command)).ms;
}

async function roundTrips(c: TranscriptSession, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await roundTrip(c));
  return out;
}

/**
 * The command against an empty line on the same session, alternating, so both see the same noise:
 * what a command costs beyond the editor, the prompt and the transport.
 */
async function againstEmptyLine(c: TranscriptSession, n: number): Promise<{ command: number[]; empty: number[] }> {
  const command: number[] = [];
  const empty: number[] = [];
  for (let i = 0; i < n; i++) {
    command.push(await roundTrip(c));
    empty.push(await roundTrip(c, ''));
  }
  return { command, empty };
}

// --- OpenSSH -------------------------------------------------------------------------------------

async function opensshLogin(port: number): Promise<{ client: PtySsh; ms: number }> {
  const t0 = now();
  const client = await PtySsh.login({ port, timeoutMs: 30000 });
  return { client, ms: ms(t0, now()) };
}

/** Ends the sessions with `exit` and waits for their ssh to go (bounded); kills what stays. */
async function logOut(sessions: PtySsh[]): Promise<void> {
  await Promise.all(sessions.map(async (s) => {
    if (s.exit) return;
    s.send('exit\r');
    await s.waitExit(15000).catch(() => s.close());
  }));
}

/** A port nothing listens on: one just released. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function opensshLogins(ctx: Context): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const { client, ms: t } = await opensshLogin(ctx.port);
    samples.push(t);
    await logOut([client]);
  }
  ctx.rows.push({ client: 'OpenSSH (pty)', measure: 'login to prompt', sessions: 1, samples, note: 'spawn ssh -> admin: (incl. password prompt)' });
  // The same client, spawned the same way, against a port nothing listens on: what a login costs before
  // the server is involved at all (process start, libraries, configuration; then "connection refused").
  const port = await closedPort();
  const start: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const t0 = now();
    const c = new PtySsh({ port });
    await c.waitExit(10000);
    start.push(ms(t0));
  }
  ctx.rows.push({ client: 'OpenSSH (pty)', measure: 'client alone (closed port)', sessions: 1, samples: start, note: 'spawn ssh -> its exit on "connection refused"' });
  const login = stats(samples).median;
  ctx.targets.push({
    what: `login median <= ${TARGET.loginMedianMs} ms (one session, ${LOGINS} logins one after the other)`,
    figure: `${login.toFixed(1)} ms (of which the client alone takes ${stats(start).median.toFixed(1)} ms, see "client alone")`,
    met: login <= TARGET.loginMedianMs,
  });
}

async function opensshOne(ctx: Context): Promise<void> {
  const { client } = await opensshLogin(ctx.port);
  await roundTrips(client, WARMUP);
  ctx.rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: 1, samples: await roundTrips(client, ROUND_TRIPS) });
  const pair = await againstEmptyLine(client, ROUND_TRIPS);
  const ratio = stats(pair.command).median / stats(pair.empty).median;
  ctx.rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: 1, samples: pair.command, note: `alternating with an empty line: ratio of medians ${ratio.toFixed(2)}` });
  ctx.rows.push({ client: 'OpenSSH (pty)', measure: 'round trip empty line', sessions: 1, samples: pair.empty, note: 'same session, alternating' });
  ctx.targets.push({ what: `"${COMMAND}" round trip <= ${TARGET.ratio} x an empty line's (ratio of medians, one session)`, figure: ratio.toFixed(2), met: ratio <= TARGET.ratio });
  await logOut([client]);
}

async function opensshMany(ctx: Context): Promise<void> {
  const t0 = now();
  const logins = await Promise.all(Array.from({ length: CONCURRENT }, () => opensshLogin(ctx.port)));
  const allIn = ms(t0);
  const sessions = logins.map((l) => l.client);
  try {
    ctx.rows.push({ client: 'OpenSSH (pty)', measure: 'login to prompt', sessions: CONCURRENT, samples: logins.map((l) => l.ms), note: `all ${CONCURRENT} in ${allIn.toFixed(0)} ms` });
    await Promise.all(sessions.map((c) => roundTrips(c, 2)));
    ctx.rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: await roundTrips(sessions[0], ROUND_TRIPS), note: `one busy session, ${CONCURRENT - 1} idle` });
    const t1 = now();
    const per = await Promise.all(sessions.map((c) => roundTrips(c, ROUND_TRIPS_EACH)));
    const wall = ms(t1);
    const total = CONCURRENT * ROUND_TRIPS_EACH;
    ctx.rows.push({
      client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: per.flat(),
      note: `all busy: ${total} commands in ${wall.toFixed(0)} ms = ${((total / wall) * 1000).toFixed(0)}/s`,
    });
  } finally {
    await logOut(sessions);
  }
}

/**
 * Every session changes TYPED_COMMANDS phones of its own at once: the TFTP servers of a phone go to both
 * nodes, in an order that differs from what the phone had (a single node, or the other order in the
 * round before), so each change is recognisable. Afterwards each change is looked for in the server's state.
 */
async function changeRound(
  ctx: Context,
  sessions: PtySsh[],
  round: number,
  send: Sender,
  think: ((session: number) => () => number) | null = null,
): Promise<{ samples: number[]; afterEnter: number[]; note: string; present: number; expected: number }> {
  const ip = new Map(ctx.server.ready.nodes);
  const [a, b] = ctx.server.ready.nodes.map(([name]) => name);
  const phones = (await ctx.server.request({ type: 'phones' })).phones!;
  if (phones.length < sessions.length * TYPED_COMMANDS) throw new Error(`the cluster has ${phones.length} phones, ${sessions.length * TYPED_COMMANDS} needed`);
  const before = new Map(phones);
  const plan = sessions.map((_, s) => Array.from({ length: TYPED_COMMANDS }, (_, c) => {
    const phone = phones[s * TYPED_COMMANDS + c][0];
    const nodes = (s + c + round) % 2 ? [a, b] : [b, a];
    return { phone, line: `sim phone set-tftp ${phone} ${nodes.join(',')}`, tftp: nodes.map((n) => ip.get(n)!).join(',') };
  }));
  const samples: number[] = [];
  const afterEnter: number[] = [];
  let answered = 0;
  const cpu = await cpuWatch(ctx);
  const t0 = now();
  await Promise.all(sessions.map(async (c, s) => {
    const pause = think?.(s);
    for (const step of plan[s]) {
      if (pause) await new Promise((r) => setTimeout(r, pause()));
      const r = await exchange(c, step.line, send, 30000);
      samples.push(r.ms);
      afterEnter.push(r.afterEnter);
      if (r.output.includes(`1 device now use TFTP ${step.tftp} `)) answered++;
    }
  }));
  const wall = ms(t0);
  const cores = await cpu();
  // Every change must be in the server's state, and none of them may have been there before.
  const after = new Map((await ctx.server.request({ type: 'phones' })).phones!);
  const steps = plan.flat();
  const present = steps.filter((st) => after.get(st.phone) === st.tftp && before.get(st.phone) !== st.tftp).length;
  return {
    samples,
    afterEnter,
    note: `${steps.length} commands in ${wall.toFixed(0)} ms = ${((steps.length / wall) * 1000).toFixed(0)}/s; ${cores}; ${answered} answered as expected, ${present} changes present`,
    present,
    expected: steps.length,
  };
}

/** 500 sessions: logged in in waves, one busy among idle ones, then 100 typing changes at once. */
async function opensshScale(ctx: Context): Promise<void> {
  // Every earlier session seen logged out, so that the server's count is of these sessions.
  await ctx.server.request({ type: 'settle', ms: 10_000 }, 20_000);
  const sessions: PtySsh[] = [];
  try {
    const loginCpu = await cpuWatch(ctx);
    const t0 = now();
    const loginMs: number[] = [];
    const failures: string[] = [];
    for (let i = 0; i < SCALE_SESSIONS; i += LOGIN_WAVE) {
      const wave = await Promise.allSettled(Array.from({ length: Math.min(LOGIN_WAVE, SCALE_SESSIONS - i) }, () => opensshLogin(ctx.port)));
      for (const r of wave) {
        if (r.status === 'fulfilled') {
          sessions.push(r.value.client);
          loginMs.push(r.value.ms);
        } else {
          failures.push(String((r.reason as Error)?.message ?? r.reason).split('\n')[0]);
        }
      }
    }
    const allIn = ms(t0);
    const loginCores = await loginCpu();
    const counted = (await ctx.server.request({ type: 'logged-in' })).count!;
    await noteMemory(ctx, `${sessions.length} sessions logged in`);
    ctx.rows.push({
      client: 'OpenSSH (pty)', measure: 'login to prompt', sessions: SCALE_SESSIONS, samples: loginMs,
      note: `${LOGIN_WAVE} at a time: ${sessions.length} in after ${(allIn / 1000).toFixed(1)} s; ${loginCores}`,
    });
    ctx.targets.push({
      what: `${SCALE_SESSIONS} concurrent sessions logged in`,
      figure: `${sessions.length} of ${SCALE_SESSIONS} (the server counts ${counted}) in ${(allIn / 1000).toFixed(1)} s, ${LOGIN_WAVE} at a time`,
      met: sessions.length === SCALE_SESSIONS && counted === SCALE_SESSIONS,
    });
    if (failures.length) process.stderr.write(`bench: ${failures.length} logins failed, the first: ${failures[0]}\n`);
    if (sessions.length < TYPING_SESSIONS + 1) throw new Error(`only ${sessions.length} sessions logged in`);

    // One session busy, every other one idle.
    await roundTrips(sessions[0], WARMUP);
    const one = await roundTrips(sessions[0], ROUND_TRIPS);
    const idle = sessions.length - 1;
    ctx.rows.push({ client: 'OpenSSH (pty)', measure: `round trip "${COMMAND}"`, sessions: sessions.length, samples: one, note: `one busy session, ${idle} idle` });
    ctx.targets.push({
      what: `one busy session's "${COMMAND}" round trip p99 <= ${TARGET.busyP99Ms} ms, ${idle} sessions idle`,
      figure: `${stats(one).p99.toFixed(2)} ms`,
      met: stats(one).p99 <= TARGET.busyP99Ms,
    });

    // 100 sessions typing at once, each changing phones of its own, at a fast typist's pace; then, as
    // stress, the same with no pause at all, key by key and a line per write (as expect's `send` does).
    const typists = sessions.slice(1, 1 + TYPING_SESSIONS);
    const echoes: number[] = [];
    const typed = await changeRound(ctx, typists, 0, typist(echoes), thinkTimes);
    const pace = `a key every ${KEY_GAP_MS} ms, ${THINK_MS[0]}-${THINK_MS[1]} ms before each command`;
    ctx.rows.push({
      client: 'OpenSSH (pty)', measure: 'typing: each key until its echo', sessions: sessions.length, samples: echoes,
      note: `${TYPING_SESSIONS} typing (${pace}), ${sessions.length - TYPING_SESSIONS} idle`,
    });
    ctx.rows.push({
      client: 'OpenSSH (pty)', measure: 'typing: "sim phone set-tftp", Enter -> prompt', sessions: sessions.length, samples: typed.afterEnter,
      note: `${TYPING_SESSIONS} typing, ${sessions.length - TYPING_SESSIONS} idle: ${typed.note}`,
    });
    const worst = Math.max(stats(echoes).p99, stats(typed.afterEnter).p99);
    ctx.targets.push({
      what: `${TYPING_SESSIONS} sessions typing at once, p99 <= ${TARGET.typingP99Ms} ms (each key to its echo, and Enter to the prompt; ${pace})`,
      figure: `keys ${stats(echoes).p99.toFixed(1)} ms, commands ${stats(typed.afterEnter).p99.toFixed(1)} ms`,
      met: worst <= TARGET.typingP99Ms,
    });
    const rushed = await changeRound(ctx, typists, 1, keyByKey);
    ctx.rows.push({
      client: 'OpenSSH (pty)', measure: 'no pause: keys back to back (first key -> prompt)', sessions: sessions.length, samples: rushed.samples,
      note: `${TYPING_SESSIONS} at once, ${sessions.length - TYPING_SESSIONS} idle: ${rushed.note}`,
    });
    const sent = await changeRound(ctx, typists, 2, whole);
    ctx.rows.push({
      client: 'OpenSSH (pty)', measure: 'no pause: each line in one write (-> prompt)', sessions: sessions.length, samples: sent.samples,
      note: `${TYPING_SESSIONS} at once, ${sessions.length - TYPING_SESSIONS} idle: ${sent.note}`,
    });
    const rounds = [typed, rushed, sent];
    const present = rounds.reduce((n, r) => n + r.present, 0);
    const expected = rounds.reduce((n, r) => n + r.expected, 0);
    ctx.targets.push({ what: 'no lost update', figure: `${present === expected ? 'yes' : 'no'} (${present} of ${expected} changes present)`, met: present === expected });
  } finally {
    const t2 = now();
    await logOut(sessions);
    await ctx.server.request({ type: 'settle', ms: 30_000 }, 40_000);
    process.stderr.write(`bench: ${sessions.length} sessions logged out in ${(ms(t2) / 1000).toFixed(1)} s\n`);
  }
}

// --- ssh2 (Node client) ----------------------------------------------------------------------------

const SSH2 = 'ssh2 (Node client)';

async function ssh2Login(port: number): Promise<{ client: Shell; ms: number }> {
  const t0 = now();
  const client = await Shell.open({ port, timeoutMs: 30000 });
  return { client, ms: ms(t0) };
}

async function ssh2Logins(ctx: Context): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < LOGINS; i++) {
    const { client, ms: t } = await ssh2Login(ctx.port);
    samples.push(t);
    await client.close();
  }
  ctx.rows.push({ client: SSH2, measure: 'login to prompt', sessions: 1, samples, note: 'connect -> admin:' });
}

async function ssh2One(ctx: Context): Promise<void> {
  const { client } = await ssh2Login(ctx.port);
  await roundTrips(client, WARMUP);
  ctx.rows.push({ client: SSH2, measure: `round trip "${COMMAND}"`, sessions: 1, samples: await roundTrips(client, ROUND_TRIPS) });
  await client.close();
}

async function ssh2Many(ctx: Context): Promise<void> {
  const t0 = now();
  const logins = await Promise.all(Array.from({ length: CONCURRENT }, () => ssh2Login(ctx.port)));
  const allIn = ms(t0);
  ctx.rows.push({ client: SSH2, measure: 'login to prompt', sessions: CONCURRENT, samples: logins.map((l) => l.ms), note: `all ${CONCURRENT} in ${allIn.toFixed(0)} ms` });
  await Promise.all(logins.map((l) => roundTrips(l.client, 2)));
  ctx.rows.push({ client: SSH2, measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: await roundTrips(logins[0].client, ROUND_TRIPS), note: `one busy session, ${CONCURRENT - 1} idle` });
  const t1 = now();
  const per = await Promise.all(logins.map((l) => roundTrips(l.client, ROUND_TRIPS_EACH)));
  const wall = ms(t1);
  const total = CONCURRENT * ROUND_TRIPS_EACH;
  ctx.rows.push({
    client: SSH2, measure: `round trip "${COMMAND}"`, sessions: CONCURRENT, samples: per.flat(),
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
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    openssh: opensshVersion(),
  };
  process.stderr.write(`bench: building the test cluster with ${PHONES} phones...\n`);
  const t0 = now();
  const lab = fleetLab('ucmsim-ssh-bench-', PHONES);
  process.on('exit', () => fs.rmSync(lab.dir, { recursive: true, force: true }));
  await lab.initialize();
  const buildMs = ms(t0);
  const server = await BenchServer.start(lab.dir);
  const ctx: Context = { server, port: server.ready.port, rows: [], targets: [], memory: [] };
  const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY="OpenSSH 1 session"
  const phases: [string, (ctx: Context) => Promise<void>][] = [
    ['OpenSSH 1 session', opensshOne],
    ['OpenSSH logins', opensshLogins],
    [`OpenSSH ${CONCURRENT} sessions`, opensshMany],
    [`OpenSSH ${SCALE_SESSIONS} sessions`, opensshScale],
    ['ssh2 logins', ssh2Logins],
    ['ssh2 1 session', ssh2One],
    [`ssh2 ${CONCURRENT} sessions`, ssh2Many],
  ];
  const started = now();
  let peak = 0;
  try {
    await noteMemory(ctx, 'ready');
    for (const [name, phase] of phases) {
      if (only && name !== only) continue;
      const p0 = now();
      await phase(ctx);
      process.stderr.write(`bench: ${name} done in ${(ms(p0) / 1000).toFixed(1)} s\n`);
    }
    await server.request({ type: 'settle', ms: 10_000 }, 20_000);
    peak = await server.close();
  } finally {
    server.kill();
  }
  const total = ms(started) / 1000;
  const loadAtEnd = os.loadavg().map((l) => l.toFixed(2)).join(' ');

  console.log('ucmsim SSH benchmark');
  console.log(`date     ${machine.date}`);
  console.log(`machine  ${machine.cpu}, ${machine.cores} cores, ${machine.os}; load average ${machine.load} at the start, ${loadAtEnd} at the end`);
  console.log(`runtime  node ${machine.node}; client ${machine.openssh}`);
  console.log(`setup    etc/cluster.yaml with ${PHONES} phones built in ${(buildMs / 1000).toFixed(1)} s, opened by the server process in ${(server.ready.openMs / 1000).toFixed(1)} s (neither counted); time scale 0`);
  console.log(`command  "${COMMAND}"; ${ROUND_TRIPS} round trips on one session after ${WARMUP} warm-up; ${CONCURRENT} sessions x ${ROUND_TRIPS_EACH} concurrently`);
  console.log(`scale    ${SCALE_SESSIONS} sessions, ${LOGIN_WAVE} logging in at a time; ${TYPING_SESSIONS} of them typing ${TYPED_COMMANDS} commands each (a key every ${KEY_GAP_MS} ms, ${THINK_MS[0]}-${THINK_MS[1]} ms before each command), then ${TYPED_COMMANDS} more with no pause, key by key, and ${TYPED_COMMANDS} more a line per write`);
  console.log('');
  console.log(table(ctx.rows));
  console.log('');
  for (const t of ctx.targets) console.log(`target: ${t.what}: ${t.figure}, ${t.met ? 'met' : 'not met'}`);
  console.log('');
  for (const [label, maxRSS, rss] of ctx.memory) console.log(`server peak RSS (kernel maxRSS) at ${label}: ${mib(maxRSS)} (resident then: ${mib(rss)})`);
  console.log(`server peak RSS (kernel maxRSS) over the whole run: ${mib(peak)}`);
  console.log('');
  console.log(`measured in ${total.toFixed(1)} s`);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({
      machine, rows: ctx.rows.map((r) => ({ ...r, ...stats(r.samples), samples: undefined })), targets: ctx.targets,
      memory: ctx.memory.map(([label, maxRSS, rss]) => ({ label, maxRSS, rss })), peakRSS: peak,
    }));
  }
  clearTimeout(watchdog);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
