// Classroom isolation under load: two seats in one process; on seat 2 a trainee types `show myself`
// and waits for the prompt (the round trip), first while seat 1 is idle, then while seat 1 resets all
// its phones over and over (each reset completes every boot at time scale 0, on the same event loop).
// PHONES=N sets the fleet of the bench lab (default 500).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ETC_DIR } from '../src/cluster/config';
import { Classroom } from '../src/training/classroom';
import { loadScenario } from '../src/training/scenario';
import { Shell } from '../test/helpers/ssh2-shell';

const PHONES = Number(process.env.PHONES ?? 500);
const ROUND_TRIPS = 200;

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1);
  return `median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${s[s.length - 1].toFixed(1)} ms (${s.length} round trips)`;
}

async function roundTrips(shell: Shell, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await shell.run('show myself');
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-classroom-bench-'));
  let room: Classroom | null = null;
  try {
    const lab = YAML.parse(fs.readFileSync(path.join(ETC_DIR, 'labs', 'training-14.yaml'), 'utf8'));
    lab.phones.count = PHONES;
    fs.writeFileSync(path.join(dir, 'lab.yaml'), YAML.stringify(lab));
    const scenario = YAML.parse(fs.readFileSync(path.join(ETC_DIR, 'scenarios', 'mixed-mode.yaml'), 'utf8'));
    scenario.lab = path.join(dir, 'lab.yaml');
    fs.writeFileSync(path.join(dir, 'scenario.yaml'), YAML.stringify(scenario));
    console.log(`machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}; ${new Date().toISOString()}`);
    console.log(`phones per seat: ${PHONES}`);
    const t0 = Date.now();
    room = await Classroom.open({ scenario: loadScenario(path.join(dir, 'scenario.yaml')), seats: 2, dir: path.join(dir, 'room'), host: '127.0.0.1', sshPort: 0, sftpPort: 0, timeScale: 0 });
    console.log(`classroom of 2 seats ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const creds = new Map([...fs.readFileSync(room.credentials, 'utf8').matchAll(/^(\w+)  (\S+)  ssh -p (\d+) /gm)].map((m) => [m[1], { password: m[2], port: Number(m[3]) }]));
    const open = (user: string) => Shell.open({ port: creds.get(user)!.port, username: user, password: creds.get(user)!.password, rows: 500 });
    const idle = await open('trainee02');
    const busy = await open('trainee01');
    await roundTrips(idle, 20);
    console.log(`seat 2 round trip, seat 1 idle:            ${stats(await roundTrips(idle, ROUND_TRIPS))}`);
    let resets = 0;
    let resetMs = 0;
    let stop = false;
    const load = (async () => {
      while (!stop) {
        const r0 = Date.now();
        await busy.run('sim phone reset all', 120000);
        resetMs += Date.now() - r0;
        resets++;
      }
    })();
    const loaded = await roundTrips(idle, ROUND_TRIPS);
    stop = true;
    await load;
    console.log(`seat 2 round trip, seat 1 resetting phones: ${stats(loaded)}`);
    console.log(`seat 1: ${resets} resets of ${PHONES} phones meanwhile, ${(resetMs / Math.max(1, resets)).toFixed(0)} ms each (command to prompt)`);
    await idle.close();
    await busy.close();
  } finally {
    await room?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
