// The cluster model and its operations. Every mutating operation runs in one store transaction
// and appends to the event log; nothing here prints.
import crypto from 'node:crypto';
import type { Store } from '../store/store';
import { Repository, type NodeRow, type CertificateRow, type TrustRow } from '../store/repository';
import type { SimClock } from '../clock/clock';
import type { ClusterConfig, ServiceDefinition } from './config';
import { versionProfile, type VersionProfile } from './versions';
import { planServiceAction, type ServiceAction, type ServicePlan, type ServiceState } from './services';
import { verifyPassword } from './passwords';

/** Who did something, for the event log. */
export interface Actor {
  node: string;
  user: string;
  command: string;
}

export interface ServiceStatus {
  def: ServiceDefinition;
  state: ServiceState;
}

export class ClusterError extends Error {}

export class Cluster {
  readonly repo: Repository;
  private readonly verified = new Set<string>();
  readonly config: ClusterConfig;
  readonly profile: VersionProfile;

  constructor(readonly store: Store, readonly clock: SimClock) {
    this.repo = new Repository(store.db);
    const row = this.repo.cluster();
    if (!row) throw new ClusterError(`no cluster in ${store.dir}; run ucmsim init`);
    this.config = JSON.parse(row.config) as ClusterConfig;
    this.profile = versionProfile(row.version);
  }

  get version(): string {
    return this.config.version;
  }
  get timeZone(): string {
    return this.config.timeZone;
  }

  nodes(): NodeRow[] {
    return this.repo.nodes();
  }
  node(name: string): NodeRow {
    const n = this.repo.nodes().find((x) => x.name === name);
    if (!n) throw new ClusterError(`no node named ${name}`);
    return n;
  }
  publisher(): NodeRow {
    return this.repo.nodes()[0];
  }
  isPublisher(node: string): boolean {
    return this.publisher().name === node;
  }

  // --- accounts -----------------------------------------------------------------------------

  /** Returns the user's privilege level, or null when the name or password is wrong. */
  async authenticate(user: string, password: string): Promise<number | null> {
    const u = this.repo.user(user);
    const key = `${u?.password_hash}\0${crypto.createHash('sha256').update(password).digest('hex')}`;
    if (u && this.verified.has(key)) return u.privilege;
    // Hash even for an unknown user, so both failures take the same time.
    const ok = await verifyPassword(password, u?.password_hash ?? DUMMY_HASH);
    if (!u || !ok) return null;
    this.verified.add(key); // repeat logins skip scrypt; a password change changes the hash and the key
    return u.privilege;
  }

  setPassword(actor: Actor | null, user: string, hash: string): void {
    this.store.transaction(() => {
      const u = this.repo.user(user);
      if (!u) throw new ClusterError(`no user named ${user}`);
      this.repo.upsertUser({ ...u, password_hash: hash });
      this.record(actor, 'password-changed', { user });
    });
  }

  // --- services -----------------------------------------------------------------------------

  private toStatus(def: ServiceDefinition, row: { activated: number; state: string; reason: string }): ServiceStatus {
    return { def, state: { activated: row.activated === 1, state: row.state as ServiceState['state'], reason: row.reason as ServiceState['reason'] } };
  }

  services(node: string): ServiceStatus[] {
    const defs = new Map(this.config.services.map((d) => [d.name, d]));
    return this.repo.services(node).map((r) => this.toStatus(defs.get(r.name)!, r));
  }

  /** Finds a service by the name typed: exact first, then a unique case-insensitive match. */
  findService(node: string, typed: string): ServiceStatus | undefined {
    const all = this.services(node);
    const exact = all.find((s) => s.def.name === typed);
    if (exact) return exact;
    const ci = all.filter((s) => s.def.name.toLowerCase() === typed.toLowerCase());
    return ci.length === 1 ? ci[0] : undefined;
  }

  planService(node: string, service: string, action: ServiceAction): ServicePlan {
    const s = this.findService(node, service);
    if (!s) throw new ClusterError(`no service ${service} on ${node}`);
    return planServiceAction(s.def, s.state, action);
  }

  /** Applies a service action in one transaction, re-planned against the state at commit time. */
  applyService(actor: Actor, service: string, action: ServiceAction): ServicePlan {
    return this.store.transaction(() => {
      const s = this.findService(actor.node, service);
      if (!s) throw new ClusterError(`no service ${service} on ${actor.node}`);
      const plan = planServiceAction(s.def, s.state, action);
      if (plan.outcome === 'change') {
        this.repo.updateService({
          node: actor.node, name: s.def.name, activated: plan.next.activated ? 1 : 0, state: plan.next.state, reason: plan.next.reason,
        });
        this.record(actor, `service-${action}`, { service: s.def.name, from: s.state, to: plan.next });
      }
      return plan;
    });
  }

  /** utils system restart: every activated service comes back up; manual stops do not survive a reboot. */
  restartNode(actor: Actor): void {
    this.store.transaction(() => {
      for (const s of this.services(actor.node)) {
        if (s.state.activated && s.state.state !== 'STARTED') {
          this.repo.updateService({ node: actor.node, name: s.def.name, activated: 1, state: 'STARTED', reason: '' });
        }
      }
      this.repo.setBootedAt(actor.node, this.clock.now().toISOString());
      this.record(actor, 'node-restart', { node: actor.node });
    });
  }

  // --- certificates -------------------------------------------------------------------------

  ownCertificates(node: string): CertificateRow[] {
    return this.repo.certificates(node, 'active');
  }
  ownCertificate(node: string, unit: string): CertificateRow | undefined {
    return this.ownCertificates(node).find((c) => c.unit.toLowerCase() === unit.toLowerCase());
  }
  trustCertificates(node: string): TrustRow[] {
    return this.repo.trust(node);
  }

  // --- event log ----------------------------------------------------------------------------

  record(actor: Actor | null, kind: string, change: unknown): void {
    this.repo.appendEvent({
      wall_time: new Date().toISOString(),
      sim_time: this.clock.now().toISOString(),
      node: actor?.node ?? null,
      user: actor?.user ?? null,
      command: actor?.command ?? null,
      kind,
      change: JSON.stringify(change),
    });
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
