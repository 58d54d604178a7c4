// Bulk Certificate Management (OS Administration > Security > Bulk Certificate Management): the
// central SFTP server a publisher saves, export of this cluster's certificates as certificates-only
// PKCS#12 files, consolidation of every cluster's export, and import of the other clusters'
// certificates into this cluster's trust stores (the reference's table), on every node. The layout
// on the server is in docs/fidelity.md, "Cluster moves".
import { posix } from 'node:path';
import { sftpUpload, sftpDownload, sftpList, SftpError, type SftpTarget } from '../net/sftp-client';
import { buildCertificateBundle, readCertificateBundle, MAX_BUNDLE_CERTIFICATES, type NamedCertificate } from '../pki';
import type { Cluster, Actor } from './cluster';
import { ClusterError } from './errors';
import { trustOnEveryNode } from './certificates';
import { TRUST_DESCRIPTION } from './csr';
import type { BulkSftpRow } from '../store/repository';

export const CERTIFICATE_TYPES = ['TFTP', 'Tomcat', 'ITL_Recovery', 'All'] as const;
export type CertificateType = (typeof CERTIFICATE_TYPES)[number];
type OneType = Exclude<CertificateType, 'All'>;

/** The file-name word of each type: <cluster>_<node>_<word>.p12 and consolidated_<word>.p12. */
const WORD: Record<OneType, string> = { TFTP: 'tftp', Tomcat: 'tomcat', ITL_Recovery: 'itlrecovery' };
const ALL_TYPES: OneType[] = ['TFTP', 'Tomcat', 'ITL_Recovery'];

/** Which trust stores each exported unit goes to on the importing cluster (TN-215539). */
const IMPORT_STORES: Record<string, string[]> = {
  CallManager: ['Phone-SAST-trust', 'CallManager-trust'],
  'CallManager-ECDSA': ['Phone-SAST-trust', 'CallManager-trust'],
  ITLRecovery: ['Phone-SAST-trust', 'CallManager-trust'],
  CAPF: ['CallManager-trust'],
  tomcat: ['tomcat-trust'],
  'tomcat-ECDSA': ['tomcat-trust'],
};

const ROLLBACK = 'Prepare Cluster for Rollback to pre-8.0';
const MAX_FILE = 1024 * 1024;
/** the files of one directory consolidate reads at most */
const MAX_FILES = 200;

export interface BulkSftpSettings {
  ip: string;
  port: number;
  userId: string;
  password: string;
  directory: string;
}

export function certificateType(text: string | undefined): CertificateType {
  if (text === undefined || text === '') return 'TFTP';
  const t = CERTIFICATE_TYPES.find((x) => x.toLowerCase() === text.toLowerCase());
  if (!t) throw new ClusterError(`Invalid certificate type ${text.slice(0, 40)}: use ${CERTIFICATE_TYPES.join(', ')}.`);
  return t;
}

const typesOf = (t: CertificateType): OneType[] => (t === 'All' ? ALL_TYPES : [t]);

/** The units a certificate type carries. TFTP carries ITLRecovery where it signs the ITL (12.0+). */
function unitsOf(cluster: Cluster, t: OneType): string[] {
  if (t === 'Tomcat') return ['tomcat', 'tomcat-ECDSA'];
  if (t === 'ITL_Recovery') return ['ITLRecovery'];
  return ['CallManager', 'CallManager-ECDSA', 'CAPF', ...(cluster.profile.normalSigner === 'ITLRecovery' ? ['ITLRecovery'] : [])];
}

/** friendlyName of a certificate in a bundle: <cluster>:<node>:<unit>. */
const nameOf = (cluster: string, node: string, unit: string) => `${cluster}:${node}:${unit}`;
function parseName(friendlyName: string): { cluster: string; node: string; unit: string } | null {
  const m = /^([^:]+):([^:]+):([^:]+)$/.exec(friendlyName);
  return m ? { cluster: m[1], node: m[2], unit: m[3] } : null;
}

export const exportFileName = (cluster: string, node: string, t: OneType) => `${cluster}_${node}_${WORD[t]}.p12`;
export const consolidatedFileName = (t: OneType) => `consolidated_${WORD[t]}.p12`;

/** An SFTP failure in the words the page's error banner would use. */
function sftpRefusal(e: unknown, s: BulkSftpSettings): never {
  if (!(e instanceof SftpError)) throw e;
  switch (e.kind) {
    case 'auth':
      throw new ClusterError(`Authentication failed on the SFTP server ${s.ip}: check the User ID and Password.`);
    case 'no-such-directory':
      throw new ClusterError(`The directory ${s.directory} does not exist on the SFTP server ${s.ip}.`);
    case 'unreachable':
    case 'timeout':
      throw new ClusterError(`Unable to reach the SFTP server ${s.ip} on port ${s.port}: ${e.message}.`);
    default:
      throw new ClusterError(`The SFTP server ${s.ip} refused the transfer: ${e.message}.`);
  }
}

export class BulkCertificates {
  constructor(private readonly cluster: Cluster) {}

  private requirePublisher(actor: Actor): void {
    const pub = this.cluster.publisher().name;
    if (actor.node !== pub) throw new ClusterError(`Bulk Certificate Management is configured on the publisher (${pub}) only.`);
  }

  settings(): BulkSftpSettings | null {
    const r = this.cluster.repo.bulkSftp(this.cluster.name);
    return r ? { ip: r.ip, port: r.port, userId: r.user_id, password: r.password, directory: r.directory } : null;
  }

  /** Save: the page stores the answers as given; the server is tried only by Export, Consolidate, Import. */
  save(actor: Actor, s: BulkSftpSettings): void {
    this.requirePublisher(actor);
    if (!s.ip || s.ip.length > 255 || /\s/.test(s.ip)) throw new ClusterError('Enter the IP Address of the SFTP server.');
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) throw new ClusterError('The Port must be a number from 1 to 65535.');
    if (!s.userId || s.userId.length > 64) throw new ClusterError('Enter the User ID.');
    if (!s.password || s.password.length > 128) throw new ClusterError('Enter the Password.');
    if (!s.directory.startsWith('/') || s.directory.length > 255) throw new ClusterError('The Directory must be an absolute path, e.g. /users/cisco.');
    const row: BulkSftpRow = { cluster: this.cluster.name, ip: s.ip, port: s.port, user_id: s.userId, password: s.password, directory: s.directory };
    this.cluster.store.transaction(() => {
      this.cluster.repo.setBulkSftp(row);
      this.cluster.record(actor, 'bulk-certificate-sftp-saved', { ip: s.ip, port: s.port, user: s.userId, directory: s.directory });
    });
  }

  private target(): { s: BulkSftpSettings; t: SftpTarget } {
    const s = this.settings();
    if (!s) throw new ClusterError('No SFTP server is saved for Bulk Certificate Management: run sim bulk-certificate settings first.');
    return { s, t: { host: s.ip, port: s.port, username: s.userId, password: s.password } };
  }

  /** Export: one PKCS#12 file per node and type, holding that node's certificates of the type. */
  async export(actor: Actor, type: CertificateType): Promise<string[]> {
    this.requirePublisher(actor);
    if (this.cluster.settings.enterpriseParameter(ROLLBACK) === 'True') {
      throw new ClusterError(`${ROLLBACK} is True on this cluster: set it to False before exporting certificates.`);
    }
    const { s, t } = this.target();
    const files: { name: string; content: Buffer; count: number }[] = [];
    for (const ty of typesOf(type)) {
      for (const n of this.cluster.nodes()) {
        const certs: NamedCertificate[] = unitsOf(this.cluster, ty)
          .map((u) => this.cluster.certificates.find(n.name, u))
          .filter((c) => c !== undefined)
          .map((c) => ({ certPem: c!.cert_pem, friendlyName: nameOf(this.cluster.name, n.name, c!.unit) }));
        if (certs.length) files.push({ name: exportFileName(this.cluster.name, n.name, ty), content: buildCertificateBundle(certs), count: certs.length });
      }
    }
    try {
      for (const f of files) await sftpUpload(t, s.directory, f.name, f.content);
    } catch (e) {
      sftpRefusal(e, s);
    }
    this.cluster.store.transaction(() => {
      this.cluster.record(actor, 'bulk-certificate-exported', {
        type, files: files.map((f) => f.name), certificates: files.reduce((n, f) => n + f.count, 0), to: `${s.userId}@${s.ip}:${s.port}${s.directory}`,
      });
    });
    return files.map((f) => f.name);
  }

  /** Reads a bundle from the server, or refuses naming the garbled file. */
  private async fetchBundle(t: SftpTarget, s: BulkSftpSettings, name: string): Promise<NamedCertificate[]> {
    let bytes: Buffer;
    try {
      bytes = await sftpDownload(t, posix.join(s.directory, name), MAX_FILE);
    } catch (e) {
      return sftpRefusal(e, s);
    }
    let certs: NamedCertificate[];
    try {
      certs = readCertificateBundle(bytes);
    } catch {
      throw new ClusterError(`${name} in ${s.directory} is not a valid PKCS#12 certificate file: nothing was changed.`);
    }
    for (const c of certs) {
      if (!parseName(c.friendlyName)) throw new ClusterError(`${name} in ${s.directory} holds a certificate not exported by Bulk Certificate Management: nothing was changed.`);
    }
    return certs;
  }

  private async list(t: SftpTarget, s: BulkSftpSettings): Promise<string[]> {
    try {
      return await sftpList(t, s.directory, MAX_FILES);
    } catch (e) {
      return sftpRefusal(e, s);
    }
  }

  /** Consolidate: every cluster's export of the type, merged into consolidated_<type>.p12. */
  async consolidate(actor: Actor, type: CertificateType): Promise<{ type: OneType; clusters: string[]; file: string }[]> {
    this.requirePublisher(actor);
    const { s, t } = this.target();
    const names = await this.list(t, s);
    const plans: { type: OneType; clusters: string[]; file: string; certs: NamedCertificate[] }[] = [];
    const short: string[] = [];
    for (const ty of typesOf(type)) {
      const suffix = `_${WORD[ty]}.p12`;
      const certs: NamedCertificate[] = [];
      for (const name of names.filter((n) => n.endsWith(suffix) && n !== consolidatedFileName(ty))) {
        certs.push(...(await this.fetchBundle(t, s, name)));
        if (certs.length > MAX_BUNDLE_CERTIFICATES) throw new ClusterError(`More than ${MAX_BUNDLE_CERTIFICATES} ${ty} certificates in ${s.directory}: nothing was consolidated.`);
      }
      const clusters = [...new Set(certs.map((c) => parseName(c.friendlyName)!.cluster))].sort();
      if (clusters.length < 2) {
        short.push(`${ty}: ${clusters.length ? clusters.join(', ') : 'none'}`);
        continue;
      }
      plans.push({ type: ty, clusters, file: consolidatedFileName(ty), certs });
    }
    if (!plans.length) {
      throw new ClusterError(`Certificates of at least two clusters must be exported to ${s.directory} before they can be consolidated (exported: ${short.join('; ')}).`);
    }
    try {
      for (const p of plans) await sftpUpload(t, s.directory, p.file, buildCertificateBundle(p.certs));
    } catch (e) {
      sftpRefusal(e, s);
    }
    this.cluster.store.transaction(() => {
      for (const p of plans) {
        this.cluster.record(actor, 'bulk-certificate-consolidated', { type: p.type, files: [p.file], clusters: p.clusters, certificates: p.certs.length });
      }
    });
    return plans.map(({ type: ty, clusters, file }) => ({ type: ty, clusters, file }));
  }

  /**
   * Import: the other clusters' certificates of the consolidated file into this cluster's trust
   * stores on every node; one transaction over the lab, refused whole on any garbled file.
   */
  async import(actor: Actor, type: CertificateType, transaction: <T>(fn: () => T) => T): Promise<{ from: string[]; certificates: number; stores: string[] }> {
    this.requirePublisher(actor);
    const { s, t } = this.target();
    const names = await this.list(t, s);
    const wanted = typesOf(type).filter((ty) => names.includes(consolidatedFileName(ty)));
    if (!wanted.length) {
      throw new ClusterError(`Nothing has been consolidated in ${s.directory} for ${type}: export on at least two clusters, then Consolidate, before Import.`);
    }
    const incoming: { store: string; certPem: string; cluster: string }[] = [];
    for (const ty of wanted) {
      for (const c of await this.fetchBundle(t, s, consolidatedFileName(ty))) {
        const n = parseName(c.friendlyName)!;
        if (n.cluster === this.cluster.name) continue;
        for (const store of IMPORT_STORES[n.unit] ?? []) incoming.push({ store, certPem: c.certPem, cluster: n.cluster });
      }
    }
    const from = [...new Set(incoming.map((x) => x.cluster))].sort();
    const stores = [...new Set(incoming.map((x) => x.store))].sort();
    transaction(() => {
      for (const x of incoming) trustOnEveryNode(this.cluster, x.store, x.certPem, TRUST_DESCRIPTION);
      this.cluster.record(actor, 'bulk-certificate-imported', { type, from, certificates: incoming.length, stores });
    });
    return { from, certificates: incoming.length, stores };
  }
}
