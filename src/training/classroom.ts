// A classroom: one process, one isolated lab per seat (its own data directory, clusters, phones,
// clock, scheduler, event log and listeners). Routing is by port: each seat has its own SSH
// listener per node (seat k's publisher on --ssh-port + 10·(k-1), its other nodes on the next ports)
// and its own lab SFTP server, so a login can only ever reach its own seat's lab. The seat labs know
// two accounts only: their trainee (traineeNN) and the instructor, with generated passwords.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../cluster/passwords';
import { ConfigError } from '../cluster/config';
import { App } from '../app';
import { LAB_SFTP } from '../simulator';
import type { Recording } from '../ssh/recording';
import type { Scenario } from './scenario';
import { buildLab, copyLab, setUpScenario, Seat, SNAPSHOT_DIR } from './seat';
import { readTrainingState, writeTrainingState, TRAINING_FILE } from './training';
import { STORE_FILE } from '../store/store';
import { freshScenarioDir } from './cli';

export const MAX_SEATS = 50;
export const INSTRUCTOR = 'instructor';
export const CREDENTIALS_FILE = 'trainees.txt';
/** Ports a seat's nodes take (SSH). */
export const SEAT_PORT_STRIDE = 10;

export const seatName = (k: number) => `seat${String(k).padStart(2, '0')}`;
export const traineeName = (k: number) => `trainee${String(k).padStart(2, '0')}`;

export interface ClassroomOptions {
  scenario: Scenario;
  seats: number;
  dir: string;
  host: string;
  /** seat 1's publisher; 0 picks free ports */
  sshPort: number;
  /** seat 1's lab SFTP server; seat k uses sftpPort + k - 1; 0 picks free ports */
  sftpPort: number;
  timeScale: number;
  log?: (m: string) => void;
  /** progress lines */
  say?: (m: string) => void;
}

export interface SeatStatus {
  seat: string;
  trainee: string;
  met: number;
  objectives: number;
  hints: number;
  score: number;
  max: number;
  sessions: number;
}

/** What the instructor's commands see of the classroom. */
export interface ClassroomView {
  readonly seatCount: number;
  status(): SeatStatus[];
  reset(seat: number): Promise<void>;
  /** follows seat k's trainee sessions (live ones and those opened later); returns the stop function */
  watch(seat: number, out: (text: string) => void): () => void;
}

const password = () => crypto.randomBytes(12).toString('base64url');

export class Classroom implements ClassroomView {
  readonly seats: Seat[] = [];
  credentials = '';

  private constructor(private readonly o: ClassroomOptions) {}

  get seatCount(): number {
    return this.seats.length;
  }

  static async open(o: ClassroomOptions): Promise<Classroom> {
    if (!Number.isInteger(o.seats) || o.seats < 1 || o.seats > MAX_SEATS) throw new ConfigError(`--seats takes 1 to ${MAX_SEATS}`);
    const say = o.say ?? (() => {});
    const room = new Classroom(o);
    fs.mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    const passwords = { instructor: password(), sftp: password(), trainees: Array.from({ length: o.seats }, password) };
    const instructor = { name: INSTRUCTOR, privilege: 4, passwordHash: hashPassword(passwords.instructor) };
    // One lab is built and set up; every seat starts from a copy of it (real keys take seconds).
    const template = path.join(o.dir, 'template');
    fs.mkdirSync(template, { recursive: true, mode: 0o700 });
    freshScenarioDir(template);
    say(`building the lab of scenario ${o.scenario.name} once, for ${o.seats} seats`);
    await buildLab(o.scenario, template, [instructor]);
    await setUpScenario(o.scenario, template);
    try {
      for (let k = 1; k <= o.seats; k++) {
        const dir = path.join(o.dir, seatName(k));
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        freshScenarioDir(dir);
        copyLab(template, dir);
        fs.copyFileSync(path.join(template, TRAINING_FILE), path.join(dir, TRAINING_FILE));
        addTrainee(dir, traineeName(k), passwords.trainees[k - 1]);
        const seat = new Seat(o.scenario, dir, {
          timeScale: o.timeScale,
          log: (m) => o.log?.(`${seatName(k)}: ${m}`),
          listen: {
            host: o.host,
            basePort: o.sshPort === 0 ? 0 : o.sshPort + (k - 1) * SEAT_PORT_STRIDE,
            sftpPort: o.sftpPort === 0 ? 0 : o.sftpPort + k - 1,
            sftpPassword: passwords.sftp,
          },
          started: (app) => {
            app.lab.classroom = room;
          },
        });
        await seat.start();
        room.seats.push(seat);
      }
    } catch (e) {
      await room.close();
      throw e;
    }
    room.credentials = room.writeCredentials(passwords);
    return room;
  }

  private writeCredentials(p: { instructor: string; sftp: string; trainees: string[] }): string {
    const file = path.join(this.o.dir, CREDENTIALS_FILE);
    const lines = [
      `# ucmsim classroom: scenario ${this.o.scenario.name}, ${this.seats.length} seats. Keep this file private.`,
      `# Each trainee logs in to the publisher of their own seat's lab; the seat's other nodes listen on the`,
      `# next ports, and its lab SFTP server takes user ${LAB_SFTP.username}, password ${p.sftp}.`,
      `# The instructor logs in to any seat (e.g. seat01) and runs sim classroom status|reset|watch.`,
      '',
    ];
    const first = this.seats[0].sim!;
    lines.push(`${INSTRUCTOR}  ${p.instructor}  ssh -p ${[...first.ssh.values()][0].port} ${INSTRUCTOR}@${this.o.host}`);
    for (const [i, seat] of this.seats.entries()) {
      const sim = seat.sim!;
      const nodes = [...sim.ssh.entries()];
      const others = nodes.slice(1).map(([n, s]) => `${n} port ${s.port}`).join(', ');
      lines.push(`${traineeName(i + 1)}  ${p.trainees[i]}  ssh -p ${nodes[0][1].port} ${traineeName(i + 1)}@${this.o.host}  (${nodes[0][0]}; ${others}${others ? '; ' : ''}sftp port ${sim.sftp?.port})`);
    }
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
    return file;
  }

  private seat(k: number): Seat {
    const s = this.seats[k - 1];
    if (!Number.isInteger(k) || !s) throw new ConfigError(`no seat ${k}: seats are 1 to ${this.seats.length}`);
    return s;
  }

  status(): SeatStatus[] {
    return this.seats.map((s, i) => {
      const t = s.training;
      const objectives = t.objectives();
      const g = t.grade();
      const sessions = s.app.recorder.sessions().filter((r) => r.meta.user === traineeName(i + 1)).length;
      return { seat: seatName(i + 1), trainee: traineeName(i + 1), met: objectives.filter((o) => o.met).length, objectives: objectives.length, hints: t.hintsUsed, score: g.score, max: g.max, sessions };
    });
  }

  reset(k: number): Promise<void> {
    return this.seat(k).reset();
  }

  watch(k: number, out: (text: string) => void): () => void {
    const seat = this.seat(k);
    const trainee = traineeName(k);
    const stops: (() => void)[] = [];
    const follow = (r: Recording) => {
      if (r.meta.user === trainee) stops.push(r.watch(out));
    };
    seat.app.recorder.sessions().forEach(follow);
    stops.push(seat.app.recorder.onOpen(follow));
    return () => stops.splice(0).forEach((f) => f());
  }

  async close(): Promise<void> {
    await Promise.all(this.seats.map((s) => s.close()));
  }
}

/** Adds the seat's trainee account and makes the setup's end (and the snapshot) include it. */
function addTrainee(dir: string, name: string, pw: string): void {
  const app = new App({ dataDir: dir, timeScale: 0 });
  try {
    app.lab.transaction(() => {
      for (const c of app.lab.clusters.values()) c.accounts.create(null, name, 4, hashPassword(pw));
    });
    const state = readTrainingState(dir)!;
    writeTrainingState(dir, { ...state, startEventId: app.lab.recentEvents(1)[0]?.id ?? state.startEventId });
  } finally {
    app.close();
  }
  fs.mkdirSync(path.join(dir, SNAPSHOT_DIR), { recursive: true, mode: 0o700 });
  fs.copyFileSync(path.join(dir, STORE_FILE), path.join(dir, SNAPSHOT_DIR, STORE_FILE));
}
