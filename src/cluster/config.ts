// Loading and validating the YAML files in etc/ that describe the cluster to build.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { versionProfile } from './versions';

export const ETC_DIR = path.resolve(__dirname, '..', '..', '..', 'etc');

export type ServiceGroup = 'platform' | 'network' | 'feature';

export interface ServiceDefinition {
  name: string;
  group: ServiceGroup;
  publisherOnly: boolean;
  /** platform/network services that start out not activated (e.g. Name Service Cache) */
  activatedByDefault: boolean;
  /** platform services that `utils service activate|deactivate` accept */
  activatable: boolean;
}

export interface NodeConfig {
  name: string;
  ip: string;
  activate: string[];
}

export interface DevicePoolConfig {
  name: string;
  /** CallManager group: the nodes phones register to, first is primary; also their TVS servers */
  cmGroup: string[];
  /** the node the pool's phones boot from (DHCP option 150) */
  tftp: string;
}

export interface PhonesConfig {
  count: number;
  macPrefix: string;
  /** model → weight in the mix */
  models: Record<string, number>;
  devicePools: DevicePoolConfig[];
}

export interface ClusterConfig {
  name: string;
  version: string;
  /** the cluster was upgraded to this version (ITLRecovery carried over keeps 5 years) */
  upgraded: boolean;
  /** the version on the inactive partition of every node (utils system switch-version), if any */
  inactiveVersion?: string;
  /** FIPS mode: certificates are always signed with SHA256 */
  fips: boolean;
  domain: string;
  timeZone: string;
  certificateSubject: { OU: string; O: string; L: string; ST: string; C: string };
  hardware: { platform: string; cpu: string; disk: string; ramMb: number };
  nodes: NodeConfig[];
  services: ServiceDefinition[];
  phones: PhonesConfig;
  /** enterprise parameters set at install (name → value) */
  enterpriseParameters: Record<string, string>;
}

/** A lab: the clusters of one simulated world, in the order their nodes get ports. */
export interface LabConfig {
  name: string;
  clusters: ClusterConfig[];
}

export interface UserConfig {
  name: string;
  privilege: number;
  passwordHash: string;
}

export class ConfigError extends Error {}

function need<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null || value === '') throw new ConfigError(`${what} is missing`);
  return value;
}

function readYaml(file: string): any {
  try {
    return YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    // One line: YAML's messages go on with an excerpt of the file.
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function loadServiceCatalog(file = path.join(ETC_DIR, 'services.yaml')): ServiceDefinition[] {
  const doc = readYaml(file);
  return (need(doc?.services, `services in ${file}`) as any[]).map((s, i) => {
    const group = need(s.group, `group of service #${i + 1}`) as ServiceGroup;
    if (!['platform', 'network', 'feature'].includes(group)) throw new ConfigError(`unknown group ${group}`);
    return {
      name: String(need(s.name, `name of service #${i + 1}`)),
      group,
      publisherOnly: s.nodes === 'publisher',
      activatedByDefault: s.activated !== false,
      activatable: group === 'feature' || s.activatable === true,
    };
  });
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HOST = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/;

export function loadClusterConfig(file = path.join(ETC_DIR, 'cluster.yaml'), servicesFile?: string): ClusterConfig {
  const lab = loadLabConfig(file, servicesFile);
  if (lab.clusters.length !== 1) throw new ConfigError(`${file}: clusters: expected one cluster, found ${lab.clusters.length}`);
  return lab.clusters[0];
}

/**
 * Reads a lab file: either `clusters:` (a list of cluster documents) or one cluster document
 * (`cluster:`, `nodes:`, `phones:`), which is a lab of one. Every problem is one line naming the file
 * and the field.
 */
export function loadLabConfig(file = path.join(ETC_DIR, 'cluster.yaml'), servicesFile?: string): LabConfig {
  const doc = readYaml(file);
  try {
    const services = loadServiceCatalog(servicesFile);
    if (doc && typeof doc === 'object' && Array.isArray(doc.clusters)) {
      if (doc.clusters.length === 0) throw new ConfigError('clusters: the lab needs at least one cluster');
      const clusters = (doc.clusters as unknown[]).map((c, i) => {
        try {
          return clusterConfig(c, services);
        } catch (e) {
          throw e instanceof ConfigError ? new ConfigError(`clusters[${i}].${e.message}`) : e;
        }
      });
      checkLab(clusters);
      return { name: String(doc.lab?.name ?? path.basename(file).replace(/\.ya?ml$/, '')), clusters };
    }
    const one = clusterConfig(doc, services);
    return { name: one.name, clusters: [one] };
  } catch (e) {
    throw e instanceof ConfigError && !e.message.startsWith(file) ? new ConfigError(`${file}: ${e.message}`) : e;
  }
}

/** Names and addresses are the lab's: unique across its clusters. */
function checkLab(clusters: ClusterConfig[]): void {
  const seen = new Map<string, string>();
  const unique = (key: string, what: string) => {
    if (seen.has(key)) throw new ConfigError(`${what}: used twice in the lab (also ${seen.get(key)})`);
    seen.set(key, what);
  };
  clusters.forEach((c, i) => {
    unique(`cluster ${c.name}`, `clusters[${i}].cluster.name ${c.name}`);
    if (c.phones.count > 0) unique(`mac-prefix ${c.phones.macPrefix}`, `clusters[${i}].phones.mac-prefix ${c.phones.macPrefix}`);
    c.nodes.forEach((n, j) => {
      unique(`node ${n.name}`, `clusters[${i}].nodes[${j}].name ${n.name}`);
      unique(`ip ${n.ip}`, `clusters[${i}].nodes[${j}].ip ${n.ip}`);
    });
  });
}

function clusterConfig(doc: any, services: ServiceDefinition[]): ClusterConfig {
  const c = need(doc?.cluster, 'cluster');
  const names = new Set(services.map((s) => s.name));
  if (!Array.isArray(doc.nodes)) throw new ConfigError('nodes: a list of nodes is missing');
  const nodes = (doc.nodes as any[]).map((n, i): NodeConfig => {
    const name = String(need(n.name, `name of node #${i + 1}`));
    if (!HOST.test(name)) throw new ConfigError(`node name ${name} is not a valid host name`);
    const ip = String(need(n.ip, `ip of node ${name}`));
    const m = IPV4.exec(ip);
    if (!m || m.slice(1).some((o) => Number(o) > 255)) throw new ConfigError(`ip of node ${name} is not IPv4: ${ip}`);
    const activate = ((n.activate ?? []) as unknown[]).map(String);
    for (const s of activate) if (!names.has(s)) throw new ConfigError(`node ${name}: unknown service ${s}`);
    return { name, ip, activate };
  });
  if (nodes.length === 0) throw new ConfigError('the cluster needs at least one node');
  if (new Set(nodes.map((n) => n.name)).size !== nodes.length) throw new ConfigError('node names must be unique');
  const subj = c['certificate-subject'] ?? {};
  const hw = c.hardware ?? {};
  const timeZone = String(c['time-zone'] ?? 'UTC');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(`unknown time zone ${timeZone}`);
  }
  return {
    name: clusterName(c.name),
    version: checkedVersion(String(need(c.version, 'cluster.version'))),
    upgraded: c.upgraded === true,
    ...(c['inactive-version'] ? { inactiveVersion: checkedVersion(String(c['inactive-version'])) } : {}),
    fips: c['fips-mode'] === true,
    domain: String(need(c.domain, 'cluster.domain')),
    timeZone,
    certificateSubject: {
      OU: String(subj.OU ?? 'Collaboration'),
      O: String(subj.O ?? 'Example Corp'),
      L: String(subj.L ?? 'Raleigh'),
      ST: String(subj.ST ?? 'North Carolina'),
      C: String(subj.C ?? 'US'),
    },
    hardware: {
      platform: String(hw.platform ?? 'VMware Installation'),
      cpu: String(hw.cpu ?? '2 vCPU: Intel(R) Xeon(R) CPU E5-2630 v3 @ 2.40GHz'),
      disk: String(hw.disk ?? 'Disk 1: 80GB, Partitions aligned'),
      ramMb: Number(hw['ram-mb'] ?? 6144),
    },
    nodes,
    services,
    phones: phonesConfig(doc.phones, nodes),
    enterpriseParameters: enterpriseParameters(doc['enterprise-parameters']),
  };
}

function clusterName(v: unknown): string {
  const name = String(v ?? 'StandAloneCluster');
  if (!HOST.test(name)) throw new ConfigError(`cluster.name: ${name} is not a simple name (letters, digits, -)`);
  return name;
}

function checkedVersion(v: string): string {
  try {
    versionProfile(v);
  } catch (e) {
    throw new ConfigError(`cluster.version: ${(e as Error).message}`);
  }
  return v;
}

function enterpriseParameters(p: unknown): Record<string, string> {
  if (p === undefined || p === null) return {};
  if (typeof p !== 'object' || Array.isArray(p)) throw new ConfigError('enterprise-parameters: expected name: value pairs');
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)]));
}

function phonesConfig(p: any, nodes: NodeConfig[]): PhonesConfig {
  const names = new Set(nodes.map((n) => n.name));
  const count = Number(p?.count ?? 0);
  if (!Number.isInteger(count) || count < 0 || count > 100000) throw new ConfigError('phones.count must be 0..100000');
  const macPrefix = String(p?.['mac-prefix'] ?? '00AA00').toUpperCase();
  if (!/^[0-9A-F]{6}$/.test(macPrefix)) throw new ConfigError('phones.mac-prefix must be 6 hex digits');
  const models = Object.fromEntries(Object.entries(p?.models ?? { 'CP-8841': 1 }).map(([m, w]) => [m, Number(w)]));
  const pools = ((p?.['device-pools'] ?? [{ name: 'Default', 'callmanager-group': [nodes[0].name] }]) as any[]).map((d, i) => {
    const cmGroup = ((d['callmanager-group'] ?? []) as unknown[]).map(String);
    if (!cmGroup.length || cmGroup.some((n) => !names.has(n))) throw new ConfigError(`device pool #${i + 1}: callmanager-group must name cluster nodes`);
    const tftp = String(d.tftp ?? cmGroup[0]);
    if (!names.has(tftp)) throw new ConfigError(`device pool #${i + 1}: unknown tftp node ${tftp}`);
    return { name: String(need(d.name, `phones.device-pools[${i}].name`)), cmGroup, tftp };
  });
  return { count, macPrefix, models, devicePools: pools };
}

export function loadUsers(file = path.join(ETC_DIR, 'users.yaml')): UserConfig[] {
  const doc = readYaml(file);
  return (need(doc?.users, `users in ${file}`) as any[]).map((u) => {
    const privilege = Number(u.privilege);
    if (![0, 1, 4].includes(privilege)) throw new ConfigError(`user ${u.name}: privilege must be 0, 1 or 4`);
    return { name: String(need(u.name, 'user name')), privilege, passwordHash: String(need(u['password-hash'], `password-hash of ${u.name}`)) };
  });
}
