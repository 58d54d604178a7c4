// The world: one store, simulated time with its scheduler, the typed event log, the network between
// the nodes, every cluster of the lab and the phones. A classroom holds many labs; nothing here is
// global to the process.
import { Store } from '../store/store';
import { Repository } from '../store/repository';
import { SimClock } from '../clock/clock';
import { Cluster, ClusterError, type Actor } from '../cluster/cluster';
import { FileService } from '../cluster/fileservice';
import { Fleet, PhoneBoots } from '../phones/fleet';
import { EventLog, fromRow, type LabEvent } from './events';
import { Scheduler, type DueSource } from './scheduler';
import { Network } from './network';
import type { Training } from '../training/training';
import type { ClassroomView } from '../training/classroom';

export interface LabOptions {
  dataDir: string;
  timeScale: number;
  log?: (message: string) => void;
  /** a view of a lab another process serves (over Store.openReadOnly): its scheduler never runs */
  readOnly?: boolean;
}

/** The longest single `sim clock advance`: ten years. */
export const MAX_CLOCK_ADVANCE_MS = 10 * 366 * 24 * 3600 * 1000;

export class Lab {
  private readonly store: Store;
  private readonly repo: Repository;
  readonly clock: SimClock;
  readonly events: EventLog;
  readonly scheduler: Scheduler;
  readonly network: Network;
  readonly clusters = new Map<string, Cluster>();
  private readonly files = new Map<string, FileService>();
  private readonly fleets = new Map<string, Fleet>();
  private readonly log: (m: string) => void;
  /** the exercise running on this lab, when it was started from a scenario (read-only for viewers) */
  training?: Training;
  /** the classroom this lab is a seat of (its instructor's view of every seat) */
  classroom?: ClassroomView;

  constructor(opts: LabOptions, store?: Store) {
    this.log = opts.log ?? (() => {});
    this.store = store ?? Store.open(opts.dataDir);
    this.repo = new Repository(this.store.db);
    this.clock = new SimClock(opts.timeScale, this.repo.clockOffset());
    // The clock never runs back behind what the lab has already lived through.
    const last = this.repo.events(1)[0];
    if (last) this.clock.advanceTo(Date.parse(last.sim_time));
    this.events = new EventLog({
      append: (row) => this.repo.appendEvent(row),
      afterCommit: (f) => this.store.afterCommit(f),
      now: () => this.clock.now(),
    }, this.log);
    const deps = { store: this.store, repo: this.repo, clock: this.clock, events: this.events, wake: () => this.scheduler?.wake() };
    for (const row of this.repo.clusters()) {
      const c = new Cluster(deps, row.name);
      this.clusters.set(row.name, c);
      this.files.set(row.name, new FileService(c));
    }
    if (this.clusters.size === 0) throw new ClusterError(`no cluster in ${this.store.dir}; run ucmsim init`);
    this.network = new Network(this);
    const boots = new PhoneBoots(this);
    for (const c of this.clusters.values()) this.fleets.set(c.name, new Fleet(this, c, boots));
    this.scheduler = new Scheduler(this.clock, [boots, this.nodeRestarts()], this.log);
    // Whatever fell due while the server was down completes now (a read-only view leaves it to the serve).
    if (!opts.readOnly) {
      this.scheduler.wake();
      this.scheduler.catchUp();
    }
  }

  get dataDir(): string {
    return this.store.dir;
  }

  /** One transaction over the whole lab: a command that touches two clusters commits both or neither. */
  transaction<T>(fn: () => T): T {
    return this.store.transaction(fn);
  }

  /** The first cluster of the lab file (the one a one-cluster lab has). */
  get defaultCluster(): Cluster {
    return this.clusters.values().next().value as Cluster;
  }

  cluster(name: string): Cluster {
    const c = this.clusters.get(name);
    if (!c) throw new ClusterError(`There is no cluster named ${name}.`);
    return c;
  }

  /** The cluster a node belongs to (node names are unique across the lab). */
  clusterOf(node: string): Cluster {
    for (const c of this.clusters.values()) if (c.hasNode(node)) return c;
    throw new ClusterError(`no node named ${node}`);
  }

  filesOf(cluster: string): FileService {
    return this.files.get(cluster)!;
  }
  fleetOf(cluster: string): Fleet {
    return this.fleets.get(cluster)!;
  }

  /** sim clock advance: bounded, and the clock moves only if the transaction commits. */
  advanceClock(cluster: Cluster, actor: Actor, ms: number): void {
    if (!(Number.isFinite(ms) && ms > 0 && ms <= MAX_CLOCK_ADVANCE_MS)) throw new ClusterError('The clock can be advanced by up to 3660 days at a time.');
    this.transaction(() => {
      // The advance adds `ms` to simulated-minus-wall time, however long the command itself takes.
      const offset = this.clock.offset + ms;
      this.repo.setClockOffset(offset);
      cluster.record(actor, 'clock-advanced', { ms, offset });
    });
    this.clock.advanceTo(this.clock.nowMs() + ms);
    this.scheduler.catchUp();
  }

  /** sim cluster offline|online: the cluster is cut off the network, or back on it. */
  setOnline(cluster: Cluster, actor: Actor, online: boolean): void {
    this.transaction(() => {
      this.repo.setOnline(cluster.name, online);
      cluster.record(actor, online ? 'cluster-online' : 'cluster-offline', {});
    });
  }

  /** The latest events, oldest first (of one cluster and the lab's own when named). */
  recentEvents(limit = 1000, cluster?: string): LabEvent[] {
    return this.repo.events(limit, cluster).map(fromRow);
  }

  /** Nodes whose `utils system restart` falls due come back up. */
  private nodeRestarts(): DueSource {
    return {
      name: 'node restarts',
      nextDue: () => {
        const d = this.repo.nextNodeRestart();
        return d === null ? null : Date.parse(d);
      },
      runDue: (limit) => {
        const due = this.repo.nodesRestartedBy(new Date(limit).toISOString());
        for (const n of due) this.transaction(() => this.cluster(n.cluster).services.completeRestart(n.name));
        return due.length;
      },
    };
  }

  close(): void {
    this.scheduler.close();
    this.store.close();
  }
}
