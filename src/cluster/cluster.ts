// One cluster of the lab: its nodes, configuration and version profile, and its parts by concern:
// accounts, Service Manager, certificate store, TFTP directory (ITL, CTL) and settings. Every
// mutating operation runs in one store transaction and appends to the event log; nothing here prints.
import type { Store } from '../store/store';
import type { Repository, NodeRow, ClusterRow } from '../store/repository';
import type { SimClock } from '../clock/clock';
import type { EventLog, EventKind, EventPayloads, Actor } from '../lab/events';
import type { ClusterConfig } from './config';
import { versionProfile, type VersionProfile } from './versions';
import { ClusterError } from './errors';
import { Accounts } from './accounts';
import { ServiceManager } from './service-manager';
import { CertificateStore } from './certificate-store';
import { TftpDirectory } from './tftp-directory';
import { ClusterSettings } from './settings';

export type { Actor };
export { ClusterError };
export { TFTP, CAPF_SERVICE, TVS_SERVICE, CALLMANAGER, CTL_PROVIDER, NODE_RESTART_SECONDS, type ServiceStatus } from './service-manager';
export { ENTERPRISE_PARAMETERS } from './settings';

/** What a cluster runtime stands on: the lab's store, clock and event log. */
export interface ClusterDeps {
  store: Store;
  repo: Repository;
  clock: SimClock;
  events: EventLog;
  /** tells the lab's scheduler that something new is due */
  wake(): void;
}

export class Cluster {
  readonly repo: Repository;
  readonly store: Store;
  readonly clock: SimClock;
  /** re-read after a switch-version (the version and its profile change) */
  config: ClusterConfig;
  profile: VersionProfile;
  readonly createdAt: string;
  /** tells the lab's scheduler that something new is due */
  readonly wake: () => void;
  private readonly events: EventLog;

  readonly accounts = new Accounts(this);
  readonly services = new ServiceManager(this);
  readonly certificates = new CertificateStore(this);
  readonly tftp = new TftpDirectory(this);
  readonly settings = new ClusterSettings(this);

  constructor(deps: ClusterDeps, readonly name: string) {
    this.store = deps.store;
    this.repo = deps.repo;
    this.clock = deps.clock;
    this.events = deps.events;
    this.wake = deps.wake;
    const row = this.repo.cluster(name);
    if (!row) throw new ClusterError(`no cluster ${name} in ${this.store.dir}; run ucmsim init`);
    this.config = JSON.parse(row.config) as ClusterConfig;
    this.profile = versionProfile(row.version);
    this.createdAt = row.created_at;
  }

  /** Reads the configuration and version profile again (after utils system switch-version). */
  reload(): void {
    const row = this.row();
    this.config = JSON.parse(row.config) as ClusterConfig;
    this.profile = versionProfile(row.version);
  }

  /** The cluster's own row, read afresh (another session may have changed it). */
  row(): ClusterRow {
    return this.repo.cluster(this.name)!;
  }

  get version(): string {
    return this.config.version;
  }
  get timeZone(): string {
    return this.config.timeZone;
  }
  /** false while the cluster is cut off the network (sim cluster offline) */
  get online(): boolean {
    return this.row().online === 1;
  }

  nodes(): NodeRow[] {
    return this.repo.nodes(this.name);
  }
  hasNode(name: string): boolean {
    return this.nodes().some((x) => x.name === name);
  }
  node(name: string): NodeRow {
    const n = this.nodes().find((x) => x.name === name);
    if (!n) throw new ClusterError(`no node named ${name}`);
    return n;
  }
  publisher(): NodeRow {
    return this.nodes()[0];
  }
  isPublisher(node: string): boolean {
    return this.publisher().name === node;
  }

  record<K extends EventKind>(actor: Actor | null, kind: K, payload: EventPayloads[K]): void {
    this.events.record(this.name, actor, kind, payload);
  }
}
