// The phones: creating them from a cluster's configuration, resets that take simulated time, and the
// boots the lab's scheduler completes when they fall due (kept in the store, so a restart of the
// server mid-reboot loses nothing).
import { createHash, X509Certificate } from 'node:crypto';
import type { Cluster, Actor } from '../cluster/cluster';
import { CALLMANAGER } from '../cluster/cluster';
import { ITL_FILE } from '../cluster/trustfiles';
import { XML_DEFAULT, type FileService, type TftpReader } from '../cluster/fileservice';
import { ClusterError } from '../cluster/errors';
import type { TvsEndpoint } from '../cluster/tvs';
import type { PhoneRow, PhoneScope, PhoneSettlement, RisPhone, BootingPhone } from './phone';
import type { Lab } from '../lab/lab';
import type { DueSource } from '../lab/scheduler';
import { bootPhone, fileHash, isRollbackItl, type BootEnvironment, type InstalledTrust } from './boot';
import { readPhoneConfig, configServers } from './config-file';
import { phoneModel, phoneModels, bootSeconds } from './models';
import { Role, parseTrustList, cucmName, type ParsedTrustList } from '../tlv';
import { summarize, type PhoneSummary } from './summary';

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

/** The RSA key size of a certificate (null for another key type), parsed once per certificate. */
const keyBits = new Map<string, number | null>();
function rsaKeyBits(certPem: string): number | null {
  let bits = keyBits.get(certPem);
  if (bits === undefined) {
    const key = new X509Certificate(certPem).publicKey;
    bits = key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails!.modulusLength! : null;
    if (keyBits.size >= 256) keyBits.clear();
    keyBits.set(certPem, bits);
  }
  return bits;
}

/** The phones a cluster's configuration describes: models spread by weight, pools in turn. */
export function planFleet(cfg: Cluster['config'], tftpAddress: (node: string) => string): Omit<PhoneRow, 'reg_changed_at'>[] {
  const { count, macPrefix, models, devicePools } = cfg.phones;
  const wheel = Object.entries(models).flatMap(([m, w]) => Array<string>(Math.max(0, Math.round(w))).fill(m));
  const known = phoneModels();
  for (const m of new Set(wheel)) if (!known.has(m)) throw new ClusterError(`unknown phone model ${m} in etc/cluster.yaml`);
  const phones: Omit<PhoneRow, 'reg_changed_at'>[] = [];
  for (let i = 0; i < count && wheel.length; i++) {
    const model = phoneModel(wheel[i % wheel.length]);
    const mac = `${macPrefix}${(i + 1).toString(16).toUpperCase().padStart(6, '0')}`;
    const user = `user${String(i + 1).padStart(4, '0')}`;
    const pool = devicePools[i % devicePools.length];
    phones.push({
      name: model.prefix === 'SEP' ? `SEP${mac}` : `${model.prefix}${user.toUpperCase()}`,
      cluster: cfg.name, tftp: tftpAddress(pool.tftp),
      position: i, model: model.name, mac, device_pool: pool.name,
      description: `${user} ${model.name}`, ctl_hash: null, itl_hash: null, config_hash: null,
      reg_state: 'unr', reg_node: null, status: 'No Trust List installed',
      reboot_until: null,
    });
  }
  return phones;
}

/**
 * What phones hold, kept once each by hash: each distinct trust list is read once (the same buffer for
 * every phone holding it, so it is hashed and parsed once), a configuration only when asked for.
 */
function holdings(repo: Cluster['repo']): (p: Pick<PhoneRow, 'status' | 'ctl_hash' | 'itl_hash' | 'config_hash'>) => InstalledTrust {
  const lists = new Map<string, Buffer | null>();
  const list = (h: string | null) => {
    if (!h) return null;
    if (!lists.has(h)) lists.set(h, repo.blob(h) ?? null);
    return lists.get(h)!;
  };
  return (p) => ({
    status: p.status, ctl: list(p.ctl_hash), itl: list(p.itl_hash),
    get config() {
      return p.config_hash ? repo.blob(p.config_hash) ?? null : null;
    },
  });
}

/** The phones of one cluster, as its admin and the `sim phone` commands see them. */
export class Fleet {
  constructor(private readonly lab: Lab, private readonly cluster: Cluster, private readonly boots: PhoneBoots) {}

  private get repo() {
    return this.cluster.repo;
  }

  /** The simulated time at which a reset started at `startMs` completes. */
  private deadline(model: string, startMs: number): string {
    return new Date(startMs + bootSeconds(model) * 1000).toISOString();
  }

  /** Puts the cluster's phones in place (each boots for the first time) if there are none yet. */
  create(actor: Actor | null): void {
    this.cluster.store.transaction(() => {
      if (this.repo.phoneCount(this.cluster.name)) return;
      // The phones were waiting for the cluster: they boot as soon as it is up.
      const now = this.cluster.clock.now().toISOString();
      // Stored model by model: phones of a model boot together, so each boot batch rewrites few pages.
      const planned = planFleet(this.cluster.config, (n) => this.cluster.node(n).ip);
      for (const p of planned.sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : a.position - b.position))) {
        this.repo.insertPhone({ ...p, reg_changed_at: now, reboot_until: now });
      }
      this.cluster.record(actor, 'fleet-created', { phones: this.cluster.config.phones.count });
    });
    this.lab.scheduler.wake();
  }

  phones(): PhoneRow[] {
    return this.repo.phones(this.cluster.name);
  }

  /** The phones last registered with `node` (RIS of that node), in order. */
  phonesOfNode(node: string): RisPhone[] {
    return this.repo.phonesOfNode(this.cluster.name, node);
  }

  /** Counts by state and reason, aggregated by the store (no phone rows are read). */
  summary(): PhoneSummary {
    return summarize(this.repo.phoneStateCounts(this.cluster.name));
  }

  /** One page of the phones, in order, whose name, model, pool, TFTP address or status contains `filter`. */
  page(filter: string, offset: number, limit: number, count = true): { total: number | null; rows: PhoneRow[] } {
    return this.repo.phonePage(this.cluster.name, filter, offset, limit, count);
  }

  phone(name: string): PhoneRow {
    const p = this.repo.phone(name);
    if (!p || p.cluster !== this.cluster.name) throw new ClusterError(`There is no phone named ${name}.`);
    return p;
  }

  installed(p: PhoneRow): InstalledTrust {
    return holdings(this.repo)(p);
  }

  /** What phones hold, for a look over the whole fleet: each distinct trust list read once. */
  holdings(): (p: PhoneRow) => InstalledTrust {
    return holdings(this.repo);
  }

  /** `all`, a device pool's name (its phones), or one phone's name. */
  private targets(which: string): PhoneRow[] {
    return this.repo.phonesIn(this.scope(which));
  }

  /** DHCP option 150: the phones boot from these nodes (by name, FQDN or address) from their next reset. */
  setTftp(actor: Actor, which: string, nodes: string): { phones: number; tftp: string } {
    const names = nodes.split(',').map((n) => n.trim()).filter(Boolean);
    if (!names.length || names.length > 4) throw new ClusterError('Give one to four TFTP nodes, separated by commas.');
    const addresses = names.map((n) => {
      const host = this.lab.network.resolve(n);
      if (!host) throw new ClusterError(`There is no node named ${n.slice(0, 64)} in the lab.`);
      return host.node.ip;
    });
    const tftp = addresses.join(',');
    return this.cluster.store.transaction(() => {
      const phones = this.repo.setPhonesTftp(this.scope(which), tftp);
      this.cluster.record(actor, 'phones-tftp-set', { phones, which, tftp });
      return { phones, tftp };
    });
  }

  /**
   * A BAT export here and import on `dest`: the destination's database knows the devices from now on
   * (each in the device pool of the same name there, else its first pool). Both clusters record it in
   * one lab transaction.
   */
  copyTo(actor: Actor, which: string, dest: Cluster): { phones: number; pools: string[] } {
    if (dest.name === this.cluster.name) throw new ClusterError(`The devices are already in cluster ${dest.name}.`);
    const destPools = dest.config.phones.devicePools;
    if (!destPools.length) throw new ClusterError(`Cluster ${dest.name} has no device pool to put the devices in.`);
    return this.lab.transaction(() => {
      const phones = this.targets(which);
      const pools = new Set<string>();
      for (const p of phones) {
        const pool = destPools.find((d) => d.name === p.device_pool) ?? destPools[0];
        pools.add(pool.name);
        this.repo.movePhone(p.name, dest.name, pool.name);
      }
      this.cluster.record(actor, 'phones-copied-out', { phones: phones.length, which, to: dest.name });
      dest.record(actor, 'phones-copied-in', { phones: phones.length, from: this.cluster.name, names: phones.slice(0, EVENT_NAMES).map((p) => p.name) });
      return { phones: phones.length, pools: [...pools] };
    });
  }

  /** `all`, a device pool's name (its phones), or one phone's name, as the store selects them. */
  private scope(which: string): PhoneScope {
    const cluster = this.cluster.name;
    if (which.toLowerCase() === 'all') return { cluster };
    if (this.repo.hasPhonesInPool(cluster, which)) return { cluster, pool: which };
    return { cluster, name: this.phone(which).name };
  }

  /** Resets phones: they unregister and boot again after their model's boot time. */
  reset(actor: Actor, which: string): number {
    return this.reboot(actor, which, null);
  }

  /** Settings > Security > Trust List > delete: the phone forgets its CTL and ITL and reboots. */
  deleteTrustList(actor: Actor, which: string): number {
    return this.reboot(actor, which, 'Erasing CTL and ITL files');
  }

  private reboot(actor: Actor, which: string, erase: string | null): number {
    const r = this.cluster.store.transaction(() => {
      const scope = this.scope(which);
      // One start time for the whole reset: phones of a model fall due together and boot as one batch.
      const start = this.cluster.clock.nowMs();
      const now = new Date(start).toISOString();
      const until = new Map([...phoneModels().values()].map((m) => [m.name, this.deadline(m.name, start)]));
      const phones = this.repo.rebootPhones(scope, until, this.deadline('', start), now, erase);
      if (erase) this.cluster.record(actor, 'phones-trust-list-deleted', { phones, which });
      else this.cluster.record(actor, 'phones-reset', { phones, which });
      return phones;
    });
    this.lab.scheduler.wake();
    return r;
  }

  /** Where the phone boots from: each DHCP option 150 address, the node and cluster it leads to. */
  tftpServers(p: PhoneRow): { address: string; node: string | null; cluster: string | null; answers: boolean }[] {
    return p.tftp.split(',').filter(Boolean).map((address) => {
      const host = this.lab.network.resolve(address);
      return { address, node: host?.node.name ?? null, cluster: host?.cluster.name ?? null, answers: this.lab.network.tftp(address) !== null };
    });
  }

  /** Why an unregistered phone is locked out, in a trainee's words; null when it is not. */
  lockedOut(p: PhoneRow): string | null {
    if (p.reboot_until || p.reg_state === 'reg') return null;
    const servers = this.tftpServers(p);
    if (p.status === 'TFTP Timeout' || !servers.some((s) => s.answers)) return `no TFTP server of DHCP option 150 (${p.tftp || 'none'}) answers`;
    const cfg = this.installed(p).config;
    const tvs = cfg ? configServers(cfg.toString('utf8')).tvs : [];
    const tvsText = tvs.length ? `the TVS of its configuration (${tvs.join(', ')})` : 'no TVS';
    if (p.status === 'Trust List update failed') {
      return `the new ITL's signer is not in the phone's ITL, and ${tvsText} did not vouch for it (unreachable, or the signer is not in its Phone-SAST-trust)`;
    }
    if (p.status.startsWith('File auth error')) return `the signed configuration does not verify with the phone's trust list, and ${tvsText} did not vouch for its signer`;
    const names = cfg ? configServers(cfg.toString('utf8')).callManagers : [];
    if (cfg && !this.cluster.nodes().some((n) => names.includes(n.name))) {
      return `it runs on a configuration naming CallManagers of another cluster; cluster ${p.cluster}, which holds its device, is not among them`;
    }
    return `not registered (${p.status})`;
  }

  /**
   * The ITL File Status report: a registered phone reports the hash of its ITL, which CUCM compares
   * with its TFTP node's current ITL. Phones that do not report are Unknown.
   */
  itlFileStatus(): { phone: PhoneRow; tftp: string; status: 'Match' | 'MisMatch' | 'Not Installed' | 'Unknown' }[] {
    return this.phones().map((phone) => {
      const host = this.lab.network.resolve(phone.tftp.split(',')[0]);
      const tftp = host?.node.name ?? phone.tftp;
      if (!phoneModel(phone.model).sbd || phone.reg_state !== 'reg' || phone.reboot_until) return { phone, tftp, status: 'Unknown' as const };
      if (!phone.itl_hash) return { phone, tftp, status: 'Not Installed' as const };
      const current = host?.cluster.tftp.file(tftp, ITL_FILE)?.content;
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

  /** The node an http(s) URL names, its port and whether it is https. */
  private urlNode(url: string): { node: string; port: number; secure: boolean } | null {
    const m = /^(https?):\/\/([^/:]+)(?::(\d+))?\//.exec(url);
    const node = m && this.cluster.nodes().find((n) => [n.name, n.fqdn, n.ip].includes(m[2]));
    if (!node) return null;
    const secure = m![1] === 'https';
    return { node: node.name, port: m![3] ? Number(m![3]) : secure ? 443 : 80, secure };
  }

  /** Plain http reaches Tomcat on 8080 with no certificate to trust (the rollback procedure's URLs). */
  private static readonly HTTP_PORT = 8080;

  /**
   * Rule T3: a Security By Default phone trusts an HTTPS server (the node's tomcat certificate) when a
   * TVS it can reach vouches for it as an application server; a rollback ITL has no TVS to ask.
   */
  private trustsHttps(p: PhoneRow, itl: ParsedTrustList | null, node: string): boolean {
    if (!phoneModel(p.model).sbd) return true;
    if (!itl || isRollbackItl(itl)) return false;
    const cert = new X509Certificate(this.cluster.certificates.keyPair({ node, unit: 'tomcat' }).certPem);
    const known = this.boots.environment(p).tvs(cucmName(cert.issuer), Buffer.from(cert.serialNumber, 'hex'), itl);
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
    if (!target.secure) {
      if (target.port !== Fleet.HTTP_PORT) return fail('Host not found');
      const q = query.toLowerCase();
      return { url, authenticated: false, results: this.phones().map((x) => x.description.split(' ')[0]).filter((u) => u.includes(q)).slice(0, 25) };
    }
    if (!(target.port === 8443 || (target.port === 9443 && this.cluster.settings.contactSearchAuth(target.node)))) return fail('Host not found');
    if (!this.trustsHttps(r.p, r.itl, target.node)) return fail('Host not found');
    if (target.port === 9443 && !authenticated) return fail('Authentication required: the directory refused the search');
    const q = query.toLowerCase();
    const results = this.phones().map((x) => x.description.split(' ')[0]).filter((u) => u.includes(q)).slice(0, 25);
    return { url, authenticated, results };
  }

  /** The phone's Services button: the Secured Services URL of its configuration, over HTTPS. */
  openServices(name: string): { url: string; error?: string } {
    const r = this.registered(name);
    if (typeof r === 'string') return { url: '-', error: r };
    const url = r.cfg.secureServicesUrl;
    const target = this.urlNode(url);
    if (target && !target.secure) return target.port === Fleet.HTTP_PORT ? { url } : { url, error: 'Host not found' };
    if (!target || target.port !== 8443 || !this.trustsHttps(r.p, r.itl, target.node)) return { url, error: 'Host not found' };
    return { url };
  }
}

/** A cluster that auto-registers a phone it does not know, into this device pool. */
interface AutoRegistration {
  cluster: Cluster;
  pool: string;
}

/** A phone's own configuration file, plain or signed (group 1: `.sgn`). */
const CONFIG_FILE = /^(?:SEP|CSF)[0-9A-Z]+\.cnf\.xml(\.sgn)?$/i;

/** Max names of each outcome a `phones-booted` event lists. */
const EVENT_NAMES = 50;

/** Phones booted per chunk of a batch. */
const BOOT_CHUNK = 5000;

/** How many phones had an outcome, and the first names of them an event lists. */
class Names {
  count = 0;
  readonly first: string[] = [];
  add(name: string): void {
    if (this.count++ < EVENT_NAMES) this.first.push(name);
  }
}

/**
 * Phone boots that fall due, for the whole lab: each phone asks the TFTP server of its DHCP option 150
 * and the TVS of its device pool's CallManager group, through the lab network.
 */
export class PhoneBoots implements DueSource {
  readonly name = 'phone boots';

  constructor(private readonly lab: Lab) {}

  private get repo() {
    return this.lab.defaultCluster.repo;
  }

  nextDue(): number | null {
    const d = this.repo.nextPhoneBoot();
    return d === null ? null : Date.parse(d);
  }

  /** Completes every boot due by `limitMs` in one transaction, sharing what phones of one kind meet. */
  runDue(limitMs: number, budget: number): number {
    const limit = new Date(limitMs).toISOString();
    // Bounded by what is due now: a phone a chunk fails to settle cannot make the loop run on.
    const total = Math.min(budget, this.repo.phonesDueCount(limit));
    if (!total) return 0;
    let done = 0;
    this.lab.transaction(() => {
      const batch = new BootBatch(this.lab);
      const envs = new Map<string, Omit<BootEnvironment, 'model' | 'deviceName'>>();
      const outcomes = new Map<string, Record<PhoneRow['reg_state'], Names>>();
      const autos = new Map<string, AutoRegistration | null>();
      const autoRegistered = new Map<string, { pool: string; names: Names }>();
      // Chunk by chunk, each settled before the next is read: memory stays bounded at any fleet size.
      while (done < total) {
        const due = this.repo.phonesDueBy(limit, Math.min(BOOT_CHUNK, total - done));
        if (!due.length) break;
        batch.begin(due);
        for (const p of due) {
          const key = `${p.cluster}\n${p.device_pool}\n${p.tftp}\n${this.tvsAddresses(p)?.join(',') ?? ''}`;
          let reg: PhoneRow['reg_state'];
          try {
            const env = envs.get(key) ?? this.environment(p, batch);
            envs.set(key, env);
            if (!autos.has(key)) autos.set(key, this.autoRegistration(p));
            const auto = autos.get(key)!;
            reg = this.boot(p, { ...env, model: phoneModel(p.model), deviceName: p.name }, batch, auto);
            if (auto && reg === 'reg') {
              const a = autoRegistered.get(auto.cluster.name) ?? autoRegistered.set(auto.cluster.name, { pool: auto.pool, names: new Names() }).get(auto.cluster.name)!;
              a.names.add(p.name);
            }
          } catch (e) {
            // One phone that cannot boot (say, its model left etc/phone-models.yaml) does not stop the others.
            reg = 'unr';
            this.repo.failBoot(p.name, `Boot failed: ${(e as Error).message}`);
          }
          const o = outcomes.get(p.cluster) ?? outcomes.set(p.cluster, { reg: new Names(), rej: new Names(), unr: new Names() }).get(p.cluster)!;
          o[reg].add(p.name);
        }
        batch.write();
        done += due.length;
      }
      for (const [cluster, o] of outcomes) {
        this.lab.cluster(cluster).record(null, 'phones-booted', {
          booted: o.reg.count + o.rej.count + o.unr.count, registered: o.reg.count, rejected: o.rej.count, unregistered: o.unr.count,
          names: { reg: o.reg.first, rej: o.rej.first, unr: o.unr.first },
          fleet: this.repo.phoneTotals(cluster),
        });
      }
      for (const [cluster, a] of autoRegistered) {
        this.lab.cluster(cluster).record(null, 'phones-auto-registered', { phones: a.names.count, pool: a.pool, names: a.names.first });
      }
    });
    return done;
  }

  /**
   * Auto-registration: the first TFTP server of option 150 that answers belongs to a cluster whose
   * database does not hold the device, and that cluster has the enterprise parameter on. The phone then
   * boots on its XMLDefault.cnf.xml(.sgn) and, once registered, is added to its first device pool.
   */
  private autoRegistration(p: BootingPhone): AutoRegistration | null {
    const tftp = p.tftp.split(',').map((a) => this.lab.network.tftp(a)).find((t) => t !== null) ?? null;
    if (!tftp || tftp.cluster.name === p.cluster) return null;
    if (tftp.cluster.settings.enterpriseParameter('Auto-registration') !== 'True') return null;
    const pool = tftp.cluster.config.phones.devicePools[0];
    return pool ? { cluster: tftp.cluster, pool: pool.name } : null;
  }

  /** What a phone meets when it boots: its TFTP server, its TVS servers, its CallManager. */
  environment(p: BootingPhone, batch = new BootBatch(this.lab)): Omit<BootEnvironment, 'model' | 'deviceName'> {
    const net = this.lab.network;
    const home = this.lab.cluster(p.cluster);
    const pool = home.settings.devicePool(p.device_pool);
    // A phone tries the servers of option 150 in order.
    const tftp = p.tftp.split(',').map((a) => net.tftp(a)).find((t) => t !== null) ?? null;
    // The TVS servers of the configuration the phone runs on (its old cluster's, after a move);
    // before it has one, those of its device pool.
    const tvsServers: TvsEndpoint[] = [];
    const ders = new Map<TvsEndpoint, Buffer>();
    const tvsDer = (t: TvsEndpoint) => ders.get(t) ?? ders.set(t, new X509Certificate(t.certPem).raw).get(t)!;
    for (const a of this.tvsAddresses(p) ?? pool.cmGroup.map((n) => home.node(n).ip)) {
      const t = net.tvs(a);
      if (t) tvsServers.push(t);
    }
    // An auto-registering phone registers with the CallManager group of the default device pool.
    const auto = this.autoRegistration(p);
    const cmCluster = auto?.cluster ?? home;
    const cmGroup = auto ? cmCluster.settings.devicePool(auto.pool).cmGroup : pool.cmGroup;
    const cmNode = cmGroup.find((n) => {
      const host = net.resolve(cmCluster.node(n).ip);
      return host && !net.unreachable(host, CALLMANAGER);
    }) ?? null;
    const rsaBits = cmNode ? rsaKeyBits(cmCluster.certificates.keyPair({ node: cmNode, unit: 'CallManager' }).certPem) : null;
    const files = tftp && batch.reader(tftp.files, tftp.node.name);
    const offered = (name: string) => {
      const own = CONFIG_FILE.exec(name);
      return own && auto ? `${XML_DEFAULT}${own[1] ?? ''}` : name;
    };
    return {
      tftpServing: tftp !== null,
      download: (name) => files?.read(offered(name)) ?? null,
      unsignedConfig: (name) => files?.unsignedConfig(offered(name)) ?? null,
      // The phone reaches a TVS only over TLS it can check against the TVS records of its ITL, and
      // asks it what the TVS listener on 2445 answers.
      tvs: (issuer, serial, itl: ParsedTrustList | null) => {
        for (const t of tvsServers) {
          if (!itl) continue;
          const der = tvsDer(t);
          if (!itl.records.some((r) => r.role === Role.TVS && r.certificate?.equals(der))) continue;
          const a = t.directory.answer({ kind: 'lookup', issuer, serialHex: serial.toString('hex') });
          return a.kind === 'certificate' ? { certPem: a.certPem, roles: a.roles } : null;
        }
        return null;
      },
      callManager: cmNode ? { node: cmNode, rsaBits } : null,
      memo: new Map(),
    };
  }

  /** The TVS addresses of the configuration file the phone last accepted, if it names any. */
  private tvsAddresses(p: BootingPhone): string[] | null {
    const tvs = p.config_hash ? this.servers(p.config_hash)?.tvs ?? [] : [];
    return tvs.length ? tvs : null;
  }

  /**
   * The servers a kept configuration names, parsed once per configuration. Phones of one pool name the
   * same servers: each distinct list is kept once, in strings of its own (not slices of the file).
   */
  private readonly configs = new Map<string, ConfigServers>();
  private readonly serverLists = new Map<string, ConfigServers>();
  private servers(hash: string, content?: Buffer): ConfigServers | null {
    let s = this.configs.get(hash);
    if (!s) {
      const xml = content ?? this.repo.blob(hash);
      if (!xml) return null;
      const key = JSON.stringify(configServers(xml.toString('utf8')));
      s = this.serverLists.get(key) ?? (JSON.parse(key) as ConfigServers);
      if (this.serverLists.size < CONFIGS_KEPT) this.serverLists.set(key, s);
      if (this.configs.size >= CONFIGS_KEPT) this.configs.delete(this.configs.keys().next().value!);
      this.configs.set(hash, s);
    }
    return s;
  }

  private boot(p: BootingPhone, env: BootEnvironment, batch: BootBatch, auto: AutoRegistration | null = null): PhoneRow['reg_state'] {
    const repo = this.repo;
    const out = bootPhone(env, batch.held(p));
    // Trust lists are buffers shared by the batch (hashed once); a configuration is the phone's own.
    const keep = (b: Buffer | null, held: string | null, hash: (b: Buffer) => string = fileHash) => {
      if (!b) return null;
      const h = hash(b);
      return h === held ? h : repo.putBlob(h, b);
    };
    const configHash = keep(out.config, p.config_hash, sha1);
    // A phone registers only with a CallManager its configuration names: one that still runs on its
    // old cluster's configuration cannot register with the cluster that now holds its device.
    if (out.reg !== 'unr' && configHash && out.regNode && !this.servers(configHash, out.config!)?.callManagers.includes(out.regNode)) {
      out.reg = 'unr';
      out.regNode = null;
    }
    batch.settle(p, {
      ctl_hash: keep(out.ctl, p.ctl_hash), itl_hash: keep(out.itl, p.itl_hash), config_hash: configHash,
      reg_state: out.reg, reg_node: out.regNode ?? p.reg_node, status: out.status,
      reg_changed_at: out.reg === p.reg_state ? null : batch.now,
    });
    if (auto && out.reg === 'reg') repo.movePhone(p.name, auto.cluster.name, auto.pool);
    return out.reg;
  }
}

type ConfigServers = ReturnType<typeof configServers>;

/** Configurations whose servers are kept parsed: about one per phone of a large cluster. */
const CONFIGS_KEPT = 50_000;

/**
 * What one batch of boots reads once, inside its transaction: the trust lists phones hold and each
 * TFTP node's files through one reader.
 */
class BootBatch {
  private readonly repo: Cluster['repo'];
  /** what a phone of the batch holds */
  readonly held: ReturnType<typeof holdings>;
  private readonly readers = new Map<FileService, Map<string, TftpReader>>();
  private devices = new Map<string, BootingPhone>();
  private readonly settlements = new Map<string, PhoneSettlement>();
  private configs: { name: string; hash: string | null }[] = [];
  /** the simulated time the batch completes at */
  readonly now: string;

  constructor(lab: Lab) {
    this.now = lab.clock.now().toISOString();
    this.repo = lab.defaultCluster.repo;
    this.held = holdings(this.repo);
  }

  /** The next chunk of phones to boot: their rows answer the TFTP readers' device lookups. */
  begin(due: BootingPhone[]): void {
    this.devices = new Map(due.map((p) => [p.name, p]));
  }

  /**
   * Keeps what a boot changed on a phone; written by `write` in one statement per distinct outcome (a
   * new configuration, distinct per phone, is written on its own).
   */
  settle(p: BootingPhone, outcome: Omit<PhoneSettlement, 'names'> & { config_hash: string | null }): void {
    const { config_hash, ...shared } = outcome;
    if (config_hash !== p.config_hash) this.configs.push({ name: p.name, hash: config_hash });
    // Trust lists the phone already held are not written again.
    if (shared.ctl_hash === p.ctl_hash) shared.ctl_hash = undefined;
    if (shared.itl_hash === p.itl_hash) shared.itl_hash = undefined;
    const key = `${shared.ctl_hash}\n${shared.itl_hash}\n${shared.reg_state}\n${shared.reg_node}\n${shared.status}\n${shared.reg_changed_at}`;
    const group = this.settlements.get(key) ?? this.settlements.set(key, { ...shared, names: [] }).get(key)!;
    group.names.push(p.name);
  }

  /** Writes what the chunk's boots changed. */
  write(): void {
    for (const g of this.settlements.values()) this.repo.settlePhones(g);
    for (const c of this.configs) this.repo.setPhoneConfig(c.name, c.hash);
    this.settlements.clear();
    this.configs = [];
  }

  reader(files: FileService, node: string): TftpReader {
    const byNode = this.readers.get(files) ?? this.readers.set(files, new Map()).get(files)!;
    let r = byNode.get(node);
    if (!r) {
      r = files.reader(node, (name) => this.devices.get(name) ?? this.repo.phone(name));
      byNode.set(node, r);
    }
    return r;
  }
}
