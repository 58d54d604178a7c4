// The phone fleet: creating it from the configuration, resets that take simulated time, and boots
// evaluated lazily once their deadline has passed (so a server restart mid-reboot loses nothing).
import { createHash, X509Certificate } from 'node:crypto';
import type { Cluster, Actor } from '../cluster/cluster';
import { CALLMANAGER } from '../cluster/cluster';
import { ITL_FILE } from '../cluster/trustfiles';
import { ClusterError } from '../cluster/errors';
import type { FileService } from '../cluster/fileservice';
import { tvsOn } from '../cluster/tvs';
import type { PhoneRow } from '../store/repository';
import { bootPhone, isRollbackItl, type BootEnvironment, type InstalledTrust } from './boot';
import { readPhoneConfig } from './config-file';
import { phoneModel, phoneModels } from './models';
import { Role, parseTrustList, cucmName, type ParsedTrustList } from '../tlv';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** The phones `etc/cluster.yaml` describes: models spread by weight, pools in turn. */
export function planFleet(cfg: Cluster['config']): Omit<PhoneRow, 'reg_changed_at'>[] {
  const { count, macPrefix, models, devicePools } = cfg.phones;
  const wheel = Object.entries(models).flatMap(([m, w]) => Array<string>(Math.max(0, Math.round(w))).fill(m));
  const known = phoneModels();
  for (const m of new Set(wheel)) if (!known.has(m)) throw new ClusterError(`unknown phone model ${m} in etc/cluster.yaml`);
  const phones: Omit<PhoneRow, 'reg_changed_at'>[] = [];
  for (let i = 0; i < count && wheel.length; i++) {
    const model = phoneModel(wheel[i % wheel.length]);
    const mac = `${macPrefix}${(i + 1).toString(16).toUpperCase().padStart(6, '0')}`;
    const user = `user${String(i + 1).padStart(4, '0')}`;
    phones.push({
      name: model.prefix === 'SEP' ? `SEP${mac}` : `${model.prefix}${user.toUpperCase()}`,
      position: i, model: model.name, mac, device_pool: devicePools[i % devicePools.length].name,
      description: `${user} ${model.name}`, ctl_hash: null, itl_hash: null, config_hash: null,
      reg_state: 'unr', reg_node: null, status: 'No Trust List installed',
      reboot_until: null,
    });
  }
  return phones;
}

export class Fleet {
  constructor(private readonly cluster: Cluster, private readonly files: FileService) {}

  private get repo() {
    return this.cluster.repo;
  }

  /** The simulated time at which a reset started now completes. */
  private deadline(model: string): string {
    const c = this.cluster.clock;
    return new Date(c.now().getTime() + c.wallMs(phoneModel(model).bootSeconds * 1000)).toISOString();
  }

  /** Puts the fleet in place (first boot of every phone) if there is none yet. */
  create(actor: Actor | null): void {
    this.cluster.store.transaction(() => {
      if (this.repo.phones().length) return;
      const now = this.cluster.clock.now().toISOString();
      for (const p of planFleet(this.cluster.config)) this.repo.insertPhone({ ...p, reg_changed_at: now, reboot_until: this.deadline(p.model) });
      this.cluster.record(actor, 'fleet-created', { phones: this.cluster.config.phones.count });
    });
  }

  /** Finishes every reboot whose deadline has passed. */
  settle(): void {
    const due = this.repo.phonesDueBy(this.cluster.clock.now().toISOString());
    if (!due.length) return;
    this.cluster.store.transaction(() => {
      const envs = new Map<string, Omit<BootEnvironment, 'model' | 'deviceName'>>();
      for (const p of due) {
        const env = envs.get(p.device_pool) ?? this.environment(p.device_pool);
        envs.set(p.device_pool, env);
        this.boot(p, { ...env, model: phoneModel(p.model), deviceName: p.name });
      }
    });
  }

  phones(): PhoneRow[] {
    this.settle();
    return this.repo.phones();
  }

  phone(name: string): PhoneRow {
    this.settle();
    const p = this.repo.phone(name);
    if (!p) throw new ClusterError(`There is no phone named ${name}.`);
    return p;
  }

  installed(p: PhoneRow): InstalledTrust {
    const blob = (h: string | null) => (h ? this.repo.blob(h) ?? null : null);
    return { status: p.status, ctl: blob(p.ctl_hash), itl: blob(p.itl_hash), config: blob(p.config_hash) };
  }

  private targets(which: string): PhoneRow[] {
    return which.toLowerCase() === 'all' ? this.repo.phones() : [this.phone(which)];
  }

  /** Resets phones: they unregister and boot again after their model's boot time. */
  reset(actor: Actor, which: string): number {
    this.settle();
    return this.cluster.store.transaction(() => {
      const phones = this.targets(which);
      const now = this.cluster.clock.now().toISOString();
      for (const p of phones) {
        this.repo.updatePhone({ ...p, reg_state: 'unr', reg_changed_at: p.reg_state === 'unr' ? p.reg_changed_at : now, reboot_until: this.deadline(p.model) });
      }
      this.cluster.record(actor, 'phones-reset', { phones: phones.length, which });
      return phones.length;
    });
  }

  /** Settings > Security > Trust List > delete: the phone forgets its CTL and ITL and reboots. */
  deleteTrustList(actor: Actor, which: string): number {
    this.settle();
    return this.cluster.store.transaction(() => {
      const phones = this.targets(which);
      const now = this.cluster.clock.now().toISOString();
      for (const p of phones) {
        this.repo.updatePhone({ ...p, ctl_hash: null, itl_hash: null, status: 'Erasing CTL and ITL files', reg_state: 'unr', reg_changed_at: now, reboot_until: this.deadline(p.model) });
      }
      this.cluster.record(actor, 'phones-trust-list-deleted', { phones: phones.length, which });
      return phones.length;
    });
  }

  /**
   * The ITL File Status report: a registered phone reports the hash of its ITL, which CUCM compares
   * with its TFTP node's current ITL. Phones that do not report are Unknown.
   */
  itlFileStatus(): { phone: PhoneRow; tftp: string; status: 'Match' | 'MisMatch' | 'Not Installed' | 'Unknown' }[] {
    return this.phones().map((phone) => {
      const tftp = this.cluster.devicePool(phone.device_pool).tftp;
      if (!phoneModel(phone.model).sbd || phone.reg_state !== 'reg' || phone.reboot_until) return { phone, tftp, status: 'Unknown' as const };
      if (!phone.itl_hash) return { phone, tftp, status: 'Not Installed' as const };
      const current = this.cluster.tftpFile(tftp, ITL_FILE)?.content;
      return { phone, tftp, status: current && sha1(current) === phone.itl_hash ? ('Match' as const) : ('MisMatch' as const) };
    });
  }

  /** A registered phone's accepted configuration and installed ITL, or why it cannot use services. */
  private registered(name: string): { p: PhoneRow; cfg: ReturnType<typeof readPhoneConfig>; itl: ParsedTrustList | null } | string {
    const p = this.phone(name);
    const t = this.installed(p);
    if (p.reboot_until || p.reg_state !== 'reg' || !t.config) return 'The phone is not registered.';
    return { p, cfg: readPhoneConfig(t.config.toString('utf8')), itl: t.itl ? parseTrustList(t.itl) : null };
  }

  /** The node an https URL names, and its port. */
  private urlNode(url: string): { node: string; port: number } | null {
    const m = /^https:\/\/([^/:]+):(\d+)\//.exec(url);
    const node = m && this.cluster.nodes().find((n) => [n.name, n.fqdn, n.ip].includes(m[1]));
    return node ? { node: node.name, port: Number(m![2]) } : null;
  }

  /**
   * Rule T3: a Security By Default phone trusts an HTTPS server (the node's tomcat certificate) when a
   * TVS it can reach vouches for it as an application server; a rollback ITL has no TVS to ask.
   */
  private trustsHttps(p: PhoneRow, itl: ParsedTrustList | null, node: string): boolean {
    if (!phoneModel(p.model).sbd) return true;
    if (!itl || isRollbackItl(itl)) return false;
    const cert = new X509Certificate(this.cluster.keyPair({ node, unit: 'tomcat' }).certPem);
    const known = this.environment(p.device_pool).tvs(cucmName(cert.issuer), Buffer.from(cert.serialNumber, 'hex'), itl);
    return !!known && known.roles.includes(Role.APP_SERVER);
  }

  /**
   * A directory search from a phone: over the UDS URL of its accepted configuration, authenticated
   * when that configuration asks for it and the model can. The node's UDS answers on 8443, and on
   * 9443 only while contact search authentication is enabled there (where it insists on it).
   */
  searchDirectory(name: string, query: string): { url: string; authenticated: boolean; results: string[]; error?: string } {
    const r = this.registered(name);
    if (typeof r === 'string') return { url: '-', authenticated: false, results: [], error: r };
    const url = `${r.cfg.secureDirUrl}?name=${encodeURIComponent(query)}`;
    const authenticated = r.cfg.contactSearchAuth && phoneModel(r.p.model).contactSearchAuth;
    const fail = (error: string) => ({ url, authenticated, results: [], error });
    const target = this.urlNode(r.cfg.secureDirUrl);
    if (!target) return fail('Host not found');
    if (!(target.port === 8443 || (target.port === 9443 && this.cluster.contactSearchAuth(target.node)))) return fail('Host not found');
    if (!this.trustsHttps(r.p, r.itl, target.node)) return fail('Host not found');
    if (target.port === 9443 && !authenticated) return fail('Authentication required: the directory refused the search');
    const q = query.toLowerCase();
    const results = this.repo.phones().map((x) => x.description.split(' ')[0]).filter((u) => u.includes(q)).slice(0, 25);
    return { url, authenticated, results };
  }

  /** The phone's Services button: the Secured Services URL of its configuration, over HTTPS. */
  openServices(name: string): { url: string; error?: string } {
    const r = this.registered(name);
    if (typeof r === 'string') return { url: '-', error: r };
    const url = r.cfg.secureServicesUrl;
    const target = this.urlNode(url);
    if (!target || target.port !== 8443 || !this.trustsHttps(r.p, r.itl, target.node)) return { url, error: 'Host not found' };
    return { url };
  }

  /** What a phone of `pool` meets when it boots: its TFTP node, its TVS servers, its CallManager. */
  private environment(poolName: string): Omit<BootEnvironment, 'model' | 'deviceName'> {
    const pool = this.cluster.devicePool(poolName);
    const tvsServers = pool.cmGroup.map((n) => tvsOn(this.cluster, n));
    const cmNode = pool.cmGroup.find((n) => this.cluster.serviceStarted(n, CALLMANAGER)) ?? null;
    let rsaBits: number | null = null;
    if (cmNode) {
      const key = new X509Certificate(this.cluster.keyPair({ node: cmNode, unit: 'CallManager' }).certPem).publicKey;
      rsaBits = key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails!.modulusLength! : null;
    }
    // The trust lists are the same for every phone of the pool: read them once per settle.
    const shared = new Map<string, Buffer | null>();
    return {
      tftpServing: this.files.serving(pool.tftp),
      download: (name) => {
        if (!name.endsWith('.tlv')) return this.files.read(pool.tftp, name);
        if (!shared.has(name)) shared.set(name, this.files.read(pool.tftp, name));
        return shared.get(name)!;
      },
      // The phone reaches a TVS only over TLS it can check against the TVS records of its ITL.
      tvs: (issuer, serial, itl: ParsedTrustList | null) => {
        for (const t of tvsServers) {
          if (!t || !itl) continue;
          const der = new X509Certificate(t.certPem).raw;
          if (!itl.records.some((r) => r.role === Role.TVS && r.certificate?.equals(der))) continue;
          const entry = t.directory.lookup(issuer, serial.toString('hex'));
          return entry ?? null;
        }
        return null;
      },
      callManager: cmNode ? { node: cmNode, rsaBits } : null,
      memo: new Map(),
    };
  }

  private boot(p: PhoneRow, env: BootEnvironment): void {
    const out = bootPhone(env, this.installed(p));
    const keep = (b: Buffer | null) => (b ? this.repo.putBlob(sha1(b), b) : null);
    const now = this.cluster.clock.now().toISOString();
    this.repo.updatePhone({
      ...p,
      ctl_hash: keep(out.ctl), itl_hash: keep(out.itl), config_hash: keep(out.config),
      reg_state: out.reg, reg_node: out.regNode ?? p.reg_node, status: out.status,
      reg_changed_at: out.reg === p.reg_state ? p.reg_changed_at : now, reboot_until: null,
    });
  }
}
