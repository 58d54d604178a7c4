// The running simulator: the lab (store, clock and scheduler, events, network, clusters, phones), one
// grammar, and the live CLI sessions, each on one node of one cluster.
import { Lab } from './lab/lab';
import type { Cluster } from './cluster/cluster';
import type { Fleet } from './phones/fleet';
import type { FileService } from './cluster/fileservice';
import type { SimClock } from './clock/clock';
import { Grammar } from './cli/grammar';
import { CliSession, type Terminal } from './cli/session';
import type { Privilege } from './cli/command';
import { allCommands } from '../commands';
import path from 'node:path';
import { Recorder, RECORDINGS_DIR } from './ssh/recording';

export interface AppOptions {
  dataDir: string;
  timeScale: number;
  /** wall milliseconds per minute of CLI idle time (60000; tests shorten it) */
  idleMsPerMinute?: number;
  log?: (message: string) => void;
}

export class App {
  readonly lab: Lab;
  readonly grammar = new Grammar(allCommands());
  private readonly sessions = new Set<CliSession>();
  /** the asciicast recordings of the SSH sessions, under the data directory */
  readonly recorder: Recorder;

  constructor(readonly opts: AppOptions) {
    this.lab = new Lab({ dataDir: opts.dataDir, timeScale: opts.timeScale, log: opts.log });
    this.recorder = new Recorder(path.join(opts.dataDir, RECORDINGS_DIR), (m) => this.log(m));
  }

  /** The lab's first cluster: the only one of a one-cluster lab. */
  get cluster(): Cluster {
    return this.lab.defaultCluster;
  }
  get fleet(): Fleet {
    return this.lab.fleetOf(this.cluster.name);
  }
  get files(): FileService {
    return this.lab.filesOf(this.cluster.name);
  }
  get clock(): SimClock {
    return this.lab.clock;
  }

  log(message: string): void {
    this.opts.log?.(message);
  }

  openSession(term: Terminal, user: string, privilege: Privilege, node: string): CliSession {
    const wrapped: Terminal = {
      write: (s) => term.write(s),
      close: (code) => {
        this.sessions.delete(session);
        term.close(code);
      },
      get cols() {
        return term.cols;
      },
      get rows() {
        return term.rows;
      },
      get congested() {
        return term.congested;
      },
      pauseInput: (paused) => term.pauseInput?.(paused),
      get term() {
        return term.term;
      },
    };
    const cluster = this.lab.clusterOf(node);
    const session = new CliSession(
      wrapped,
      {
        lab: this.lab,
        cluster,
        fleet: this.lab.fleetOf(cluster.name),
        grammar: this.grammar,
        dropNodeSessions: (n, except) => {
          for (const s of [...this.sessions]) if (s.node === n && s !== except) s.close(0);
        },
        idleMsPerMinute: this.opts.idleMsPerMinute,
        log: (m) => this.log(m),
      },
      user,
      privilege,
      node,
    );
    this.sessions.add(session);
    return session;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  close(): void {
    for (const s of [...this.sessions]) s.close(0);
    this.lab.close();
  }
}
