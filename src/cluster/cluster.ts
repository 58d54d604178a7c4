// The cluster model and its operations. Every mutating operation runs in one store transaction
// and appends to the event log; nothing here prints.
import crypto from 'node:crypto';
import type { Store } from '../store/store';
import { Repository, type NodeRow, type CertificateRow, type TrustRow, type ClusterRow } from '../store/repository';
import type { SimClock } from '../clock/clock';
import type { EventLog, EventKind, EventPayloads, Actor } from '../lab/events';
import type { ClusterConfig, ServiceDefinition, DevicePoolConfig } from './config';
import { versionProfile, type VersionProfile } from './versions';
import { planServiceAction, type ServiceAction, type ServicePlan, type ServiceState } from './services';
import { verifyPassword } from './passwords';
import {
  planItl, planCtl, planKey, buildTrustFile, ITL_FILE, CTL_FILE,
  type TrustState, type CertRef, type KeyPair, type TrustFilePlan,
} from './trustfiles';
import type { TftpFileRow, PhoneRow, UserRow } from '../store/repository';
import type { PhoneConfigInput } from '../phones/config-file';
import { activatePending } from './certificates';
import { ClusterError } from './errors';
import { unitOrder } from './units';

export type { Actor };

/** What a cluster runtime stands on: the lab's store, clock and event log. */
export interface ClusterDeps {
  store: Store;
  repo: Repository;
  clock: SimClock;
  events: EventLog;
  /** tells the lab's scheduler that something new is due */
  wake(): void;
}

/** Simulated seconds a `utils system restart` keeps a node down. */
export const NODE_RESTART_SECONDS = 300;

export interface ServiceStatus {
  def: ServiceDefinition;
  state: ServiceState;
}

export { ClusterError };

export const TFTP = 'Cisco Tftp';
export const CAPF_SERVICE = 'Cisco Certificate Authority Proxy Function';
export const TVS_SERVICE = 'Cisco Trust Verification Service';
export const CALLMANAGER = 'Cisco CallManager';
export const CTL_PROVIDER = 'Cisco CTL Provider';

/** Enterprise parameters the simulator models, with their defaults. */
export const ENTERPRISE_PARAMETERS: Record<string, string> = {
  'Prepare Cluster for Rollback to pre-8.0': 'False',
  'Auto-registration': 'False',
  'Secure Contact Search URL': '',
  'Secured Services URL': '',
};

export class Cluster {
  readonly repo: Repository;
  readonly store: Store;
  readonly clock: SimClock;
  private readonly events: EventLog;
  private readonly wake: () => void;
  private readonly verified = new Set<string>();
  readonly config: ClusterConfig;
  readonly profile: VersionProfile;
  readonly createdAt: string;

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

  private row(): ClusterRow {
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

  // --- accounts -----------------------------------------------------------------------------

  /** Returns the user's privilege level, or null when the name or password is wrong. */
  async authenticate(user: string, password: string): Promise<number | null> {
    const u = this.repo.user(this.name, user);
    const key = `${u?.password_hash}\0${crypto.createHash('sha256').update(password).digest('hex')}`;
    if (u && this.verified.has(key)) return u.privilege;
    // Hash even for an unknown user, so both failures take the same time.
    const ok = await verifyPassword(password, u?.password_hash ?? DUMMY_HASH);
    if (!u || !ok) return null;
    this.verified.add(key); // repeat logins skip scrypt; a password change changes the hash and the key
    return u.privilege;
  }

  /** The platform CLI accounts of this cluster. */
  users(): UserRow[] {
    return this.repo.users(this.name);
  }

  setPassword(actor: Actor | null, user: string, hash: string): void {
    this.store.transaction(() => {
      const u = this.repo.user(this.name, user);
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
        if (plan.next.state === 'STARTED') activatePending(this, actor, actor.node, s.def.name);
        // Starting Cisco Tftp makes it build its ITL afresh (undoing a reset ITL).
        const tftpStarts = s.def.name === TFTP && plan.next.state === 'STARTED';
        this.refreshTrustFiles(actor, tftpStarts ? [actor.node] : []);
      }
      return plan;
    });
  }

  /** utils system restart: the node goes down now and comes back when the scheduler says it is due. */
  restartNode(actor: Actor): void {
    this.store.transaction(() => {
      const until = new Date(this.clock.nowMs() + NODE_RESTART_SECONDS * 1000).toISOString();
      this.repo.setRestartingUntil(actor.node, until);
      this.record(actor, 'node-restart', { node: actor.node, until });
    });
    this.wake();
  }

  /** A node back from its restart: every activated service comes up; manual stops do not survive a reboot. */
  completeRestart(node: string): void {
    for (const s of this.services(node)) {
      if (s.state.activated && s.state.state !== 'STARTED') {
        this.repo.updateService({ node, name: s.def.name, activated: 1, state: 'STARTED', reason: '' });
      }
    }
    this.repo.setRestartingUntil(node, null);
    this.repo.setBootedAt(node, this.clock.now().toISOString());
    this.record(null, 'node-restarted', { node });
    activatePending(this, null, node, 'all');
    this.refreshTrustFiles(null, [node]);
  }

  /** The node is down for a restart. */
  restarting(node: string): boolean {
    return this.node(node).restarting_until !== null;
  }

  // --- certificates -------------------------------------------------------------------------

  /** The certificates in use, in the order `show cert list own` prints the units. */
  ownCertificates(node: string): CertificateRow[] {
    return this.repo.certificates(node, 'active').sort((a, b) => unitOrder(a.unit) - unitOrder(b.unit));
  }
  ownCertificate(node: string, unit: string): CertificateRow | undefined {
    return this.ownCertificates(node).find((c) => c.unit.toLowerCase() === unit.toLowerCase());
  }
  pendingCertificates(node: string): CertificateRow[] {
    return this.repo.certificates(node, 'pending');
  }
  trustCertificates(node: string): TrustRow[] {
    return this.repo.trust(node);
  }

  // --- security mode, enterprise parameters -------------------------------------------------

  get mixedMode(): boolean {
    return this.row().security_mode === 1;
  }

  enterpriseParameter(name: string): string {
    return this.repo.enterpriseParameters(this.name).find((p) => p.name === name)?.value ?? ENTERPRISE_PARAMETERS[name];
  }

  setEnterpriseParameter(actor: Actor | null, name: string, value: string): void {
    this.store.transaction(() => {
      const from = this.enterpriseParameter(name);
      this.repo.setEnterpriseParameter(this.name, name, value);
      this.record(actor, 'enterprise-parameter', { name, from, to: value });
      this.refreshTrustFiles(actor);
    });
  }

  private serviceActive(node: string, name: string): boolean {
    return this.repo.service(node, name)?.activated === 1;
  }
  serviceStarted(node: string, name: string): boolean {
    const r = this.repo.service(node, name);
    return r?.activated === 1 && r.state === 'STARTED';
  }

  // --- ITL and CTL ------------------------------------------------------------------------------

  trustState(): TrustState {
    const pub = this.publisher().name;
    return {
      profile: this.profile,
      publisher: pub,
      nodes: this.nodes().map((n) => ({
        name: n.name,
        ip: n.ip,
        tftp: this.serviceActive(n.name, TFTP),
        callManager: this.serviceActive(n.name, CALLMANAGER),
        tvs: this.serviceActive(n.name, TVS_SERVICE),
      })),
      capfActive: this.serviceActive(pub, CAPF_SERVICE),
      mixedMode: this.mixedMode,
      rollback: this.enterpriseParameter('Prepare Cluster for Rollback to pre-8.0') === 'True',
    };
  }

  /** The active certificate and key of a unit, as the ITL (built by TFTP) and TLS endpoints use them. */
  keyPair(r: CertRef): KeyPair {
    const c = this.repo.certificate(r.node, r.unit, 'active');
    if (!c) throw new ClusterError(`no active ${r.unit} certificate on ${r.node}`);
    return { certPem: c.cert_pem, keyPem: c.key_pem };
  }

  /**
   * The newest certificate of a unit, waiting for a restart or not: what the certificate store holds,
   * which is what `utils ctl` reads when it builds the CTL.
   */
  storedKeyPair(r: CertRef): KeyPair {
    const c = this.repo.certificate(r.node, r.unit, 'pending') ?? this.repo.certificate(r.node, r.unit, 'active');
    if (!c) throw new ClusterError(`no ${r.unit} certificate on ${r.node}`);
    return { certPem: c.cert_pem, keyPem: c.key_pem };
  }

  private ipOf = (server: string): string => this.node(server).ip;

  private writeTrustFile(
    node: string, plan: TrustFilePlan, spec: string, signerName: string,
    cert: (r: CertRef) => KeyPair = (r) => this.keyPair(r), signer?: KeyPair, reset = false,
  ): void {
    const content = buildTrustFile(plan, cert, this.ipOf, this.clock.now(), signer);
    this.repo.putTftpFile({ node, name: plan.fileName, content, modified_at: this.clock.now().toISOString(), spec, signer: signerName, reset: reset ? 1 : 0 });
  }

  /**
   * Rebuilds every ITL whose contents changed (TFTP keeps an unchanged ITL byte for byte: "Tftp Itl
   * hash not changed"). Nodes in `restarted` had Cisco Tftp (re)started: a reset ITL there gives way
   * to the normal one. Runs inside the caller's transaction.
   */
  refreshTrustFiles(actor: Actor | null, restarted: string[] = []): void {
    const state = this.trustState();
    for (const n of state.nodes) {
      const current = this.repo.tftpFile(n.name, ITL_FILE);
      if (!n.tftp) {
        if (current) this.repo.deleteTftpFile(n.name, ITL_FILE);
        continue;
      }
      const plan = planItl(state, n.name);
      const spec = planKey(plan, (r) => this.keyPair(r));
      const keep = current && current.spec === spec && (!current.reset || !restarted.includes(n.name));
      if (keep) continue;
      this.writeTrustFile(n.name, plan, spec, plan.signer.unit);
      this.record(actor, 'itl-built', { node: n.name, signer: plan.signer.unit, records: plan.records.length });
    }
  }

  tftpFiles(node: string): TftpFileRow[] {
    return this.repo.tftpFiles(node);
  }
  tftpFile(node: string, name: string): TftpFileRow | undefined {
    return this.repo.tftpFile(node, name);
  }

  /** Nodes where Cisco Tftp is activated and running. */
  activeTftpNodes(): string[] {
    return this.nodes().map((n) => n.name).filter((n) => this.serviceStarted(n, TFTP));
  }

  /**
   * utils itl reset localkey|remotekey: the publisher's ITL signed by another key (the publisher's
   * CallManager key on 12.0+, ITLRecovery before; or a key imported from ITLRecovery.p12), sent to
   * every active TFTP node. Returns those nodes.
   */
  resetItl(actor: Actor, imported?: KeyPair): string[] {
    return this.store.transaction(() => {
      const state = this.trustState();
      const pub = state.publisher;
      const plan = planItl(state, pub);
      const resetSigner: CertRef = state.profile.normalSigner === 'ITLRecovery' ? { node: pub, unit: 'CallManager' } : { node: pub, unit: 'ITLRecovery' };
      const signer = imported ?? this.keyPair(resetSigner);
      // An imported recovery key stands in for the ITLRecovery SAST record, so the file names its signer.
      const cert = (r: CertRef) => (imported && r.unit === 'ITLRecovery' ? imported : this.keyPair(r));
      const signerRef = imported ? { node: pub, unit: 'ITLRecovery' as const } : resetSigner;
      const targets = this.activeTftpNodes();
      for (const node of targets) {
        const normal = planKey(planItl(state, node), (r) => this.keyPair(r));
        this.writeTrustFile(node, { ...plan, signer: signerRef }, normal, imported ? 'ITLRecovery.p12' : resetSigner.unit, cert, signer, true);
      }
      this.record(actor, 'itl-reset', { signer: imported ? 'ITLRecovery.p12' : resetSigner.unit, nodes: targets });
      return targets;
    });
  }

  /**
   * utils ctl: builds the tokenless CTL and puts the same file on every node. `mode` sets the
   * cluster security mode; `signWith` overrides the signer (reset localkey signs with CallManager).
   */
  writeCtl(actor: Actor, opts: { mixed: boolean; signWith?: 'CallManager' }): void {
    this.store.transaction(() => {
      const wasMixed = this.mixedMode;
      this.repo.setSecurityMode(this.name, opts.mixed);
      const state = this.trustState();
      const plan = planCtl(state, opts.mixed);
      if (opts.signWith) plan.signer = { node: state.publisher, unit: opts.signWith };
      const stored = (r: CertRef) => this.storedKeyPair(r);
      const spec = planKey(plan, stored);
      for (const n of state.nodes) this.writeTrustFile(n.name, plan, spec, plan.signer.unit, stored);
      this.record(actor, 'ctl-built', { mixed: opts.mixed, wasMixed, signer: plan.signer.unit });
      this.refreshTrustFiles(actor);
    });
  }

  deleteTftpFile(actor: Actor, name: string): boolean {
    return this.store.transaction(() => {
      const deleted = this.repo.deleteTftpFile(actor.node, name);
      if (deleted) this.record(actor, 'tftp-file-deleted', { name });
      return deleted;
    });
  }

  /** Minutes a new CLI session may stay idle (set cli session timeout; 30 by default). */
  get cliSessionTimeout(): number {
    return this.row().cli_session_timeout;
  }
  setCliSessionTimeout(actor: Actor, minutes: number): void {
    this.store.transaction(() => {
      const from = this.cliSessionTimeout;
      this.repo.setCliSessionTimeout(this.name, minutes);
      this.record(actor, 'cli-session-timeout', { from, to: minutes });
    });
  }

  // --- contact search authentication (per node) -----------------------------------------------

  contactSearchAuth(node: string): boolean {
    return this.node(node).contact_search_auth === 1;
  }
  /** The UDS port: 8443, moved to 9443 when authentication is enabled and not moved back. */
  udsPort(node: string): number {
    return this.node(node).uds_port;
  }
  setContactSearchAuth(actor: Actor, enabled: boolean): void {
    this.store.transaction(() => {
      this.repo.setContactSearch(actor.node, enabled, enabled ? 9443 : this.udsPort(actor.node));
      this.record(actor, 'contact-search-authentication', { enabled, udsPort: this.udsPort(actor.node) });
    });
  }

  /** What the configuration file of a phone says, from its device pool and the cluster settings. */
  phoneConfigInput(phone: PhoneRow): PhoneConfigInput {
    const pool = this.devicePool(phone.device_pool);
    const primary = this.node(pool.cmGroup[0]);
    const url = this.enterpriseParameter('Secure Contact Search URL') || `https://${primary.fqdn}:${this.udsPort(primary.name)}/cucm-uds/users`;
    return {
      deviceName: phone.name,
      model: phone.model,
      devicePool: pool.name,
      callManagers: pool.cmGroup.map((n) => ({ name: n, fqdn: this.node(n).fqdn })),
      tvs: pool.cmGroup.map((n) => this.node(n).fqdn),
      mixedMode: this.mixedMode,
      secureContactSearchUrl: url,
      contactSearchAuth: this.contactSearchAuth(primary.name),
      secureServicesUrl: this.enterpriseParameter('Secured Services URL') || `https://${this.publisher().fqdn}:8443/ccmcip/getservicesmenu.jsp`,
    };
  }

  devicePool(name: string): DevicePoolConfig {
    const pool = this.config.phones.devicePools.find((p) => p.name === name);
    if (!pool) throw new ClusterError(`no device pool ${name}`);
    return pool;
  }

  // --- event log ----------------------------------------------------------------------------

  record<K extends EventKind>(actor: Actor | null, kind: K, payload: EventPayloads[K]): void {
    this.events.record(this.name, actor, kind, payload);
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
