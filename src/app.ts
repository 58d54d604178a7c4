// The running simulator: one store, the cluster model with its file service and phone fleet, one
// grammar, and the live CLI sessions.
import { Store } from './store/store';
import { Cluster } from './cluster/cluster';
import { SimClock } from './clock/clock';
import { Grammar } from './cli/grammar';
import { CliSession, type Terminal } from './cli/session';
import type { Privilege } from './cli/command';
import { allCommands } from '../commands';
import { FileService } from './cluster/fileservice';
import { Fleet } from './phones/fleet';

export interface AppOptions {
  dataDir: string;
  timeScale: number;
  /** wall milliseconds per minute of CLI idle time (60000; tests shorten it) */
  idleMsPerMinute?: number;
  log?: (message: string) => void;
}

export class App {
  readonly store: Store;
  readonly cluster: Cluster;
  readonly clock: SimClock;
  readonly grammar = new Grammar(allCommands());
  readonly files: FileService;
  readonly fleet: Fleet;
  private readonly sessions = new Set<CliSession>();

  constructor(readonly opts: AppOptions) {
    this.store = Store.open(opts.dataDir);
    this.clock = new SimClock(opts.timeScale);
    this.cluster = new Cluster(this.store, this.clock);
    this.clock.setOffset(Number(this.cluster.repo.setting('clock-offset') ?? 0));
    this.files = new FileService(this.cluster);
    this.fleet = new Fleet(this.cluster, this.files);
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
    };
    const session = new CliSession(
      wrapped,
      {
        cluster: this.cluster,
        fleet: this.fleet,
        clock: this.clock,
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
    this.store.close();
  }
}
