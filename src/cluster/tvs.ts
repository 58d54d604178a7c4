// The Trust Verification Service: which certificates a node's TVS vouches for, and with which
// roles. It answers from the certificates the cluster knows (every node's CallManager, TVS, CAPF and
// tomcat certificates in use) and from its node's trust stores. ITLRecovery is not among them:
// phones learn a new ITLRecovery only from a trust list they already trust.
import { X509Certificate, createHash } from 'node:crypto';
import { Role, cucmName, roleText } from '../tlv';
import type { Cluster } from './cluster';

const OWN_ROLES: Record<string, number[]> = {
  CallManager: [Role.CCM, Role.TFTP, Role.CCM_TFTP],
  'CallManager-ECDSA': [Role.CCM, Role.TFTP, Role.CCM_TFTP],
  TVS: [Role.TVS],
  CAPF: [Role.CAPF],
  tomcat: [Role.APP_SERVER],
  'tomcat-ECDSA': [Role.APP_SERVER],
};
const TRUST_ROLES: Record<string, number[]> = {
  'CallManager-trust': [Role.CCM, Role.TFTP, Role.CCM_TFTP],
  'Phone-SAST-trust': [Role.SAST],
  'CAPF-trust': [Role.CAPF],
  'tomcat-trust': [Role.APP_SERVER],
};

export interface TvsEntry {
  certPem: string;
  roles: number[];
}

/** A node's TVS knowledge, keyed by issuer + serial as TVS keys its cache, and by SHA-256. */
export class TvsDirectory {
  private readonly byIssuerSerial = new Map<string, TvsEntry>();
  private readonly bySha256 = new Map<string, TvsEntry>();

  constructor(cluster: Cluster, readonly node: string) {
    const add = (pem: string, roles: number[]) => {
      const c = new X509Certificate(pem);
      const key = tvsKey(cucmName(c.issuer), c.serialNumber);
      const prev = this.byIssuerSerial.get(key);
      const entry = { certPem: pem, roles: [...new Set([...(prev?.roles ?? []), ...roles])] };
      this.byIssuerSerial.set(key, entry);
      this.bySha256.set(createHash('sha256').update(c.raw).digest('hex'), entry);
    };
    for (const n of cluster.nodes()) {
      for (const c of cluster.certificates.inUse(n.name)) if (OWN_ROLES[c.unit]) add(c.cert_pem, OWN_ROLES[c.unit]);
    }
    for (const t of cluster.certificates.trust(node)) if (TRUST_ROLES[t.store]) add(t.cert_pem, TRUST_ROLES[t.store]);
  }

  /** `issuer` in the CUCM form the trust list headers use (CN=..;OU=..). */
  lookup(issuer: string, serialHex: string): TvsEntry | undefined {
    return this.byIssuerSerial.get(tvsKey(issuer, serialHex));
  }

  /** The answer to one request of the TVS protocol (docs/fidelity.md, "TVS on TCP 2445"). */
  answer(req: TvsRequest): TvsAnswer {
    if (req.kind === 'lookup') {
      const e = this.lookup(req.issuer, req.serialHex);
      return e ? { kind: 'certificate', certPem: e.certPem, roles: e.roles } : { kind: 'unknown' };
    }
    const e = this.bySha256.get(req.sha256.toLowerCase());
    return e && e.roles.includes(req.role) ? { kind: 'vouched', roles: e.roles } : { kind: 'refused' };
  }
}

// --- the TVS protocol ------------------------------------------------------------------------------
// Cisco's TVS protocol is proprietary. Ours is one text line each way over TLS:
//   VOUCH <sha256-hex> <role>        -> YES <role>[,<role>...] | NO
//   LOOKUP <issuer-base64> <serial>  -> CERT <role>[,...] <certificate-DER-base64> | UNKNOWN
// where <role> is a FUNCTION name as `show itl` prints it (CCM, TFTP, CCM+TFTP, TVS, CAPF, APP-SERVER,
// System Administrator Security Token written SAST) and <issuer> is the CUCM form (CN=..;OU=..).
// Anything else gets ERROR <reason>.

export type TvsRequest =
  | { kind: 'vouch'; sha256: string; role: number }
  | { kind: 'lookup'; issuer: string; serialHex: string };

export type TvsAnswer =
  | { kind: 'vouched'; roles: number[] }
  | { kind: 'refused' }
  | { kind: 'certificate'; certPem: string; roles: number[] }
  | { kind: 'unknown' }
  | { kind: 'error'; reason: string };

const ROLE_WORDS: Record<string, number> = Object.fromEntries(
  Object.values(Role).map((r) => [r === Role.SAST ? 'SAST' : roleText(r), r]),
);
const roleWord = (r: number) => (r === Role.SAST ? 'SAST' : roleText(r));

export function parseTvsRequest(line: string): TvsRequest | { kind: 'error'; reason: string } {
  const words = line.trim().split(/\s+/);
  if (words[0]?.toUpperCase() === 'VOUCH' && words.length === 3) {
    if (!/^[0-9a-fA-F]{64}$/.test(words[1])) return { kind: 'error', reason: 'the certificate hash must be 64 hex digits' };
    const role = ROLE_WORDS[words[2].toUpperCase()];
    if (role === undefined) return { kind: 'error', reason: `unknown role ${words[2].slice(0, 32)}` };
    return { kind: 'vouch', sha256: words[1], role };
  }
  if (words[0]?.toUpperCase() === 'LOOKUP' && words.length === 3 && /^[0-9a-fA-F]{1,64}$/.test(words[2])) {
    return { kind: 'lookup', issuer: Buffer.from(words[1], 'base64').toString('utf8'), serialHex: words[2] };
  }
  return { kind: 'error', reason: 'expected VOUCH <sha256> <role> or LOOKUP <issuer-base64> <serial-hex>' };
}

export function formatTvsAnswer(a: TvsAnswer): string {
  switch (a.kind) {
    case 'vouched':
      return `YES ${a.roles.map(roleWord).join(',')}`;
    case 'refused':
      return 'NO';
    case 'certificate':
      return `CERT ${a.roles.map(roleWord).join(',')} ${new X509Certificate(a.certPem).raw.toString('base64')}`;
    case 'unknown':
      return 'UNKNOWN';
    case 'error':
      return `ERROR ${a.reason}`;
  }
}

function tvsKey(issuer: string, serialHex: string): string {
  return `${issuer}\n${serialHex.replace(/^0+/, '').toUpperCase()}`;
}

/** A node's TVS as the network serves it: the certificate its TLS presents, and its answers. */
export interface TvsEndpoint {
  node: string;
  /** the TVS certificate in use (presented on TLS) */
  certPem: string;
  keyPem: string;
  readonly directory: TvsDirectory;
}

export function tvsEndpoint(cluster: Cluster, node: string): TvsEndpoint | null {
  const cert = cluster.certificates.findInUse(node, 'TVS');
  if (!cert) return null;
  // What TVS knows is read when it is first asked: most callers only present its certificate.
  let directory: TvsDirectory | undefined;
  return {
    node, certPem: cert.cert_pem, keyPem: cert.key_pem,
    get directory() {
      return (directory ??= new TvsDirectory(cluster, node));
    },
  };
}
