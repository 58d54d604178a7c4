// What goes into each node's ITL and the cluster's CTL, as pure functions of the cluster state,
// and turning such a plan into signed bytes. The rules are those of the reference: who signs per
// version profile, the two SAST anchors, TFTP vs CCM+TFTP by security mode, empty records.
import crypto from 'node:crypto';
import { buildTrustList, recordFromCertificate, Role, type TrustRecord } from '../tlv';
import type { VersionProfile } from './versions';
import type { Unit } from './units';

export const ITL_FILE = 'ITLFile.tlv';
export const CTL_FILE = 'CTLFile.tlv';
/** Phones cannot load an ITL larger than this (more than about 39 certificates). */
export const ITL_SIZE_LIMIT = 64 * 1024;

export interface CertRef {
  node: string;
  unit: Unit;
}

/** One record: a certificate in a role, or an "empty" record naming only the server. */
export interface RecordPlan {
  role: number;
  /** the server the record names (DNSNAME and IPADDRESS) */
  server: string;
  cert?: CertRef;
}

export interface TrustFilePlan {
  fileName: string;
  signer: CertRef;
  records: RecordPlan[];
}

/** The facts about the cluster that decide the files' contents. */
export interface TrustState {
  profile: VersionProfile;
  publisher: string;
  nodes: { name: string; ip: string; tftp: boolean; callManager: boolean; tvs: boolean }[];
  capfActive: boolean;
  mixedMode: boolean;
  rollback: boolean;
}

const ref = (node: string, unit: Unit): CertRef => ({ node, unit });

/** The ITL that `node`'s TFTP service builds. */
export function planItl(s: TrustState, node: string): TrustFilePlan {
  const anchors: RecordPlan[] = [
    { role: Role.SAST, server: s.publisher, cert: ref(s.publisher, 'ITLRecovery') },
    { role: Role.SAST, server: node, cert: ref(node, 'CallManager') },
  ];
  const signer = s.profile.normalSigner === 'ITLRecovery' ? anchors[0].cert! : anchors[1].cert!;
  if (s.profile.normalSigner === 'CallManager') anchors.reverse(); // the signer's record comes first
  const tftpRole = s.mixedMode ? Role.CCM_TFTP : Role.TFTP;
  const records: RecordPlan[] = [
    ...anchors,
    // Rollback to pre-8.0: the TFTP and TVS sections are left empty so phones accept any next ITL.
    s.rollback ? { role: Role.TFTP, server: node } : { role: tftpRole, server: node, cert: ref(node, 'CallManager') },
  ];
  // Devices that use ECDSA ciphers need the CallManager-ECDSA certificate in the ITL (Security Guide,
  // ECDSA support); it rides in the same role as the RSA one.
  if (s.profile.itlEcdsa && !s.rollback) records.push({ role: tftpRole, server: node, cert: ref(node, 'CallManager-ECDSA') });
  if (s.capfActive && !s.rollback) records.push({ role: Role.CAPF, server: s.publisher, cert: ref(s.publisher, 'CAPF') });
  for (const n of s.nodes.filter((x) => x.tvs)) {
    records.push(s.rollback ? { role: Role.TVS, server: n.name } : { role: Role.TVS, server: n.name, cert: ref(n.name, 'TVS') });
  }
  return { fileName: 'ITLFile.tlv', signer, records };
}

/** The tokenless CTL `utils ctl` builds; in non-secure mode its CCM+TFTP records are empty. */
export function planCtl(s: TrustState, mixed: boolean): TrustFilePlan {
  const records: RecordPlan[] = [];
  const modern = s.profile.normalSigner === 'ITLRecovery';
  if (modern) records.push({ role: Role.SAST, server: s.publisher, cert: ref(s.publisher, 'ITLRecovery') });
  records.push({ role: Role.SAST, server: s.publisher, cert: ref(s.publisher, 'CallManager') });
  const servers = s.nodes.filter((x) => x.callManager || x.tftp);
  const server = (n: string): RecordPlan => (mixed ? { role: Role.CCM_TFTP, server: n, cert: ref(n, 'CallManager') } : { role: Role.CCM_TFTP, server: n });
  // The order of the TN-118893 dump: the publisher's CCM+TFTP, CAPF, then the other servers.
  const pub = servers.find((n) => n.name === s.publisher);
  if (pub) records.push(server(pub.name));
  if (s.capfActive) records.push({ role: Role.CAPF, server: s.publisher, cert: ref(s.publisher, 'CAPF') });
  for (const n of servers.filter((x) => x.name !== s.publisher)) records.push(server(n.name));
  return { fileName: 'CTLFile.tlv', signer: modern ? ref(s.publisher, 'ITLRecovery') : ref(s.publisher, 'CallManager'), records };
}

export interface KeyPair {
  certPem: string;
  keyPem: string;
}

/** A stable description of a plan with the certificates it names, so an unchanged plan is not rebuilt. */
export function planKey(plan: TrustFilePlan, cert: (r: CertRef) => KeyPair): string {
  const fp = (r: CertRef) => crypto.createHash('sha1').update(cert(r).certPem).digest('hex');
  return JSON.stringify({
    file: plan.fileName,
    signer: fp(plan.signer),
    records: plan.records.map((r) => [r.role, r.server, r.cert ? fp(r.cert) : null]),
  });
}

export function buildTrustFile(
  plan: TrustFilePlan,
  cert: (r: CertRef) => KeyPair,
  ip: (server: string) => string,
  timestamp: Date,
  signer: KeyPair = cert(plan.signer),
): Buffer {
  const records: TrustRecord[] = plan.records.map((r) =>
    r.cert ? recordFromCertificate(cert(r.cert).certPem, r.role, r.server, ip(r.server)) : { role: r.role, dnsName: r.server, ipAddress: ip(r.server) },
  );
  return buildTrustList({
    fileName: plan.fileName,
    signerCertPem: signer.certPem,
    signerKeyPem: signer.keyPem,
    timestamp: Math.floor(timestamp.getTime() / 1000),
    records,
  });
}
