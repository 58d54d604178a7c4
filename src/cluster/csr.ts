// The certificate manager's import side: certificate signing requests, CA-signed certificates for a
// unit, trust certificates, and deleting trust certificates. Every mutation runs in one store
// transaction with an event; nothing here prints. Messages of ClusterError are fit to show an admin.
import { X509Certificate } from 'node:crypto';
import { createCsr, certificateInfo, keyMatchesCertificate } from '../pki';
import type { Cluster, Actor } from './cluster';
import { ClusterError } from './errors';
import { unitOnNode, trustFileFor, trustOnEveryNode, distributionNames } from './certificates';
import { resolveRegenSpec, KeyRuleError, type RegenChoice } from './keyrules';
import { UNITS, unitDefinition, unitOrder, type UnitDefinition } from './units';
import type { CertificateRow, CsrRow } from '../store/repository';

/** The description `show cert list trust` gives a certificate imported into a trust store. */
export const TRUST_DESCRIPTION = 'Trust Certificate';

/** The trust stores an admin imports into and deletes from, by the name the CLI takes (`tomcat`). */
export const TRUST_STORES: { name: string; store: string }[] = [
  { name: 'tomcat', store: 'tomcat-trust' },
  { name: 'ipsec', store: 'ipsec-trust' },
  { name: 'CallManager', store: 'CallManager-trust' },
  { name: 'CAPF', store: 'CAPF-trust' },
  // Certificates phones may meet as trust-list signers (cluster moves): TVS vouches for them as SAST.
  { name: 'Phone-SAST', store: 'Phone-SAST-trust' },
];

/** A CSR is never made for ITLRecovery: that certificate is always self-signed. */
export const NO_CSR_UNITS: readonly string[] = ['ITLRecovery'];

export function signedDescription(issuerCn: string): string {
  return `Certificate Signed by ${issuerCn}`;
}

/** `tomcat` or `tomcat-trust` (any case) → the trust store; undefined when there is none by that name. */
export function trustStoreNamed(typed: string): { name: string; store: string } | undefined {
  const t = typed.toLowerCase();
  return TRUST_STORES.find((s) => s.name.toLowerCase() === t || s.store.toLowerCase() === t);
}

/** The trust store that receives the CA chain of a unit's CA-signed certificate. TVS has no trust store
 *  of its own; its peers (phones' TVS requests, other nodes) validate it alongside CallManager. */
export function caTrustStore(def: UnitDefinition): string {
  return def.trustStore ?? 'CallManager-trust';
}

function csrUnit(cluster: Cluster, node: string, typed: string): { def: UnitDefinition; current: CertificateRow } {
  const def = unitDefinition(typed);
  if (!def) throw new ClusterError(`Invalid unit ${typed}. Valid units: ${UNITS.filter((u) => !NO_CSR_UNITS.includes(u.unit)).map((u) => u.unit).join(', ')}`);
  if (NO_CSR_UNITS.includes(def.unit)) {
    throw new ClusterError(`There is no CSR for ${def.unit}: its certificate is always self-signed. Use set cert regen ${def.unit} to renew it.`);
  }
  return unitOnNode(cluster, node, def.unit);
}

// --- CSRs -------------------------------------------------------------------------------------

/**
 * set csr gen <unit>: a new private key every time (RSA 2048 or EC P-256, SHA256) and a CSR with the
 * subject of the unit's certificate in use. It replaces the unit's older CSR, whose key is discarded,
 * so a certificate a CA signs for the older CSR can no longer be imported.
 */
export async function generateCsr(cluster: Cluster, actor: Actor, unit: string, signal?: AbortSignal, choice?: RegenChoice): Promise<{ def: UnitDefinition; csr: CsrRow }> {
  const { def, current } = csrUnit(cluster, actor.node, unit);
  if (choice?.validityYears !== undefined) throw new KeyRuleError('A CSR has no validity: the certificate authority sets it.');
  // The GUI's choices (key length, hash with the key-length rule, distribution); the CLI takes the defaults.
  const spec = choice ? resolveRegenSpec(def, cluster.profile, cluster.node(actor.node).fips === 1, choice) : { keySize: def.keyType === 'RSA' ? 2048 : 256, hash: 'SHA256' as const };
  const names = distributionNames(cluster, actor.node, def, current, choice?.distribution);
  const { csrPem, keyPem } = await createCsr({
    keyType: def.keyType,
    keySize: spec.keySize,
    hash: spec.hash,
    subject: names.subject,
    altNames: names.altNames,
    purpose: def.unit,
  });
  signal?.throwIfAborted(); // Ctrl-C during key generation: nothing is stored
  const csr: CsrRow = { node: actor.node, unit: def.unit, csr_pem: csrPem, key_pem: keyPem, created_at: cluster.clock.now().toISOString() };
  cluster.store.transaction(() => {
    const replaced = cluster.repo.csr(actor.node, def.unit) !== undefined;
    cluster.repo.putCsr(csr);
    cluster.record(actor, 'csr-generated', { node: actor.node, unit: def.unit, keyType: def.keyType, replaced });
  });
  return { def, csr };
}

/** The unit's CSR waiting for its CA-signed certificate; refuses as `set cert import own` would. */
export function csrFor(cluster: Cluster, node: string, unit: string): { def: UnitDefinition; csr: CsrRow } {
  const { def } = csrUnit(cluster, node, unit);
  const csr = cluster.repo.csr(node, def.unit);
  if (!csr) throw new ClusterError(`There is no CSR for ${def.unit}. Run set csr gen ${def.unit} and have it signed first.`);
  return { def, csr };
}

/** This node's CSRs, in the order `show cert list own` prints the units. */
export function listCsrs(cluster: Cluster, node: string): CsrRow[] {
  return cluster.repo.csrs(node).sort((a, b) => unitOrder(a.unit) - unitOrder(b.unit));
}

/** `tomcat` or `tomcat/tomcat.csr` → the CSR, or undefined. */
export function findCsr(cluster: Cluster, node: string, typed: string): CsrRow | undefined {
  const [unit, file, ...extra] = typed.split('/');
  const csr = listCsrs(cluster, node).find((c) => c.unit.toLowerCase() === unit.toLowerCase());
  if (!csr || extra.length || (file !== undefined && file.toLowerCase() !== `${csr.unit}.csr`.toLowerCase())) return undefined;
  return csr;
}

// --- reading certificate files ----------------------------------------------------------------

interface Cert {
  pem: string;
  x: X509Certificate;
}

/** The certificates in a file: PEM blocks in order (leaf first), or a single DER certificate. */
export function readCertificateFile(content: Buffer): Cert[] {
  const text = content.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  const parse = (input: string | Buffer): Cert => {
    try {
      const x = new X509Certificate(input);
      certificateInfo(x.toString()); // refuses key types and signature algorithms CUCM does not take
      return { pem: x.toString(), x };
    } catch {
      throw new ClusterError('The file holds a certificate that cannot be read (it is damaged, or of a kind CUCM does not accept).');
    }
  };
  if (blocks) return blocks.map((b) => parse(b));
  if (content.length && content[0] === 0x30) return [parse(content)];
  throw new ClusterError('The file does not contain a certificate (PEM or DER).');
}

function selfIssued(c: X509Certificate): boolean {
  return c.checkIssued(c) && c.verify(c.publicKey);
}

function requireCurrent(c: Cert, now: Date, what: string): void {
  const from = new Date(c.x.validFrom);
  const to = new Date(c.x.validTo);
  const cn = certificateInfo(c.pem).subject.CN;
  if (now > to) throw new ClusterError(`The ${what} ${cn} expired on ${to.toISOString()}.`);
  if (now < from) throw new ClusterError(`The ${what} ${cn} is not valid before ${from.toISOString()}.`);
}

/** The issuers from `leaf` up to a self-signed root, drawn from `candidates`; null when there is no such path. */
function pathToRoot(leaf: Cert, candidates: Cert[]): Cert[] | null {
  const path: Cert[] = [];
  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (depth > 0 && selfIssued(current.x)) return path;
    const issuer = candidates.find((c) => c.x.ca && !path.includes(c) && current.x.checkIssued(c.x) && current.x.verify(c.x.publicKey));
    if (!issuer) return null;
    path.push(issuer);
    current = issuer;
  }
  return null;
}

function sameCertificate(a: string, b: string): boolean {
  return new X509Certificate(a).raw.equals(new X509Certificate(b).raw);
}

/** The node and unit that use `certPem` as their identity certificate, if any does. */
function identityUse(cluster: Cluster, certPem: string): { node: string; unit: string } | undefined {
  for (const n of cluster.nodes()) {
    const c = cluster.certificates.own(n.name).find((own) => sameCertificate(own.cert_pem, certPem));
    if (c) return { node: n.name, unit: c.unit };
  }
  return undefined;
}

/** Adds a certificate to `store` on every node (inside the caller's transaction); returns its file name. */
function addTrustEverywhere(cluster: Cluster, store: string, certPem: string, description: string): string {
  const file = trustFileFor(certPem);
  for (const n of cluster.nodes()) {
    const existing = cluster.repo.trust(n.name, store).find((t) => t.file === file);
    if (existing && !sameCertificate(existing.cert_pem, certPem)) {
      const use = identityUse(cluster, existing.cert_pem);
      if (use) throw new ClusterError(`${store}/${file} is the ${use.unit} certificate of ${use.node}; a different certificate with that name cannot replace it.`);
    }
  }
  return trustOnEveryNode(cluster, store, certPem, description);
}

// --- importing ----------------------------------------------------------------------------------

export interface OwnImportResult {
  def: UnitDefinition;
  issuerCn: string;
  /** the trust store the CA certificates went to, and their files */
  store: string;
  caFiles: string[];
}

/**
 * set cert import own <unit>: the CA-signed certificate for the unit's CSR (leaf first, optionally
 * its CA chain). It must carry the CSR's public key and chain to a self-signed root, through the
 * chain in the file or the unit's trust store. It becomes the unit's pending certificate with the CSR's
 * key (active once the related services restart), the CSR is used up, and the chain's CA
 * certificates go to the trust store on every node.
 */
export function importSignedCertificate(cluster: Cluster, actor: Actor, unit: string, content: Buffer): OwnImportResult {
  return cluster.store.transaction(() => {
    const { def, csr } = csrFor(cluster, actor.node, unit);
    const [leaf, ...chain] = readCertificateFile(content);
    if (!keyMatchesCertificate(csr.key_pem, leaf.pem)) throw new ClusterError(`The certificate does not match the CSR generated for ${def.unit}.`);
    if (selfIssued(leaf.x)) throw new ClusterError(`The certificate for ${def.unit} is self-signed, not signed by a certificate authority.`);
    const store = caTrustStore(def);
    const trusted = cluster.repo.trust(actor.node, store).map((t) => ({ pem: t.cert_pem, x: new X509Certificate(t.cert_pem) }));
    const path = pathToRoot(leaf, [...chain, ...trusted]);
    if (!path) {
      throw new ClusterError(
        chain.length
          ? `The certificate for ${def.unit} does not verify against the CA certificates in the file: the chain must lead from it to a root CA.`
          : `The CA certificate that issued the certificate for ${def.unit} is not in ${store}. Include the CA chain in the file, or import it first with set cert import trust ${store.replace(/-trust$/, '')}.`,
      );
    }
    const now = cluster.clock.now();
    requireCurrent(leaf, now, 'certificate');
    for (const ca of path) requireCurrent(ca, now, 'CA certificate');
    const issuerCn = certificateInfo(path[0].pem).subject.CN;

    for (const old of cluster.repo.certificates(actor.node, 'pending')) {
      if (old.unit === def.unit) cluster.repo.setCertificateStatus(old.id, 'retired');
    }
    cluster.repo.insertCertificate({
      node: actor.node, unit: def.unit, status: 'pending', cert_pem: leaf.pem, key_pem: csr.key_pem,
      description: signedDescription(issuerCn), created_at: now.toISOString(),
    });
    cluster.repo.deleteCsr(actor.node, def.unit);
    // The chain's CA certificates from the file (those already trusted are stored again, unchanged).
    const caFiles = path.filter((c) => chain.includes(c)).map((c) => addTrustEverywhere(cluster, store, c.pem, TRUST_DESCRIPTION));
    cluster.record(actor, 'certificate-imported', {
      node: actor.node, unit: def.unit, serial: certificateInfo(leaf.pem).serialHex, issuer: issuerCn, store, caFiles, pending: true,
    });
    return { def, issuerCn, store, caFiles };
  });
}

/** set cert import trust <unit>: every certificate in the file into `<unit>-trust` on every node. */
export function importTrustCertificate(cluster: Cluster, actor: Actor, typed: string, content: Buffer): { name: string; store: string; files: string[] } {
  const target = trustStoreNamed(typed);
  if (!target) throw new ClusterError(`Invalid unit ${typed}. Valid units: ${TRUST_STORES.map((s) => s.name).join(', ')}`);
  return cluster.store.transaction(() => {
    const certs = readCertificateFile(content);
    const now = cluster.clock.now();
    for (const c of certs) requireCurrent(c, now, 'certificate');
    const files = certs.map((c) => addTrustEverywhere(cluster, target.store, c.pem, TRUST_DESCRIPTION));
    cluster.record(actor, 'trust-imported', { store: target.store, files });
    return { ...target, files };
  });
}

/**
 * set cert delete <unit> <file>: removes a file from `<unit>-trust` on every node. A file that is the
 * certificate a node uses as its own is refused: the other nodes would stop trusting that node.
 */
export function deleteTrustCertificate(cluster: Cluster, actor: Actor, typed: string, fileTyped: string): { store: string; file: string; nodes: string[] } {
  const target = trustStoreNamed(typed);
  if (!target) throw new ClusterError(`Invalid unit ${typed}. Valid units: ${TRUST_STORES.map((s) => s.name).join(', ')}`);
  const fileName = fileTyped.includes('/') && fileTyped.split('/')[0].toLowerCase() === target.store.toLowerCase() ? fileTyped.split('/').slice(1).join('/') : fileTyped;
  return cluster.store.transaction(() => {
    const rows = cluster.nodes().flatMap((n) => cluster.repo.trust(n.name, target.store).filter((t) => t.file.toLowerCase() === fileName.toLowerCase()));
    if (rows.length === 0) {
      throw new ClusterError(`Certificate ${fileName} not found in ${target.store}. Run "show cert list trust" to list the certificates.`);
    }
    const file = rows[0].file;
    for (const r of rows) {
      const use = identityUse(cluster, r.cert_pem);
      if (use) {
        throw new ClusterError(`${target.store}/${file} is the ${use.unit} certificate in use on ${use.node}; deleting it would break trust with that node. It cannot be deleted.`);
      }
    }
    const nodes = rows.filter((r) => cluster.repo.deleteTrust(r.node, target.store, r.file)).map((r) => r.node);
    cluster.record(actor, 'trust-deleted', { store: target.store, file, nodes });
    return { store: target.store, file, nodes };
  });
}
