// The certificate manager: regeneration, activation on restart of the related services, and the
// trust-store copies every node keeps. Operations run inside the caller's transaction unless noted.
import { createSelfSigned, certificateInfo } from '../pki';
import type { Cluster, Actor } from './cluster';
import { ClusterError } from './errors';
import { unitDefinition, unitSubject, SELF_SIGNED_DESCRIPTION, type UnitDefinition } from './units';
import { resolveRegenSpec, validityEnd, multiServerNames, type RegenChoice, type RegenSpec } from './keyrules';
import type { DistinguishedName } from '../pki';
import type { CertificateRow } from '../store/repository';
import type { VersionProfile } from './versions';
import { resetPhonesForCertificateUpdate } from './phone-interaction';

/**
 * Whether a unit's new certificate is in use at once: TVS restarts itself; from 14 ("certificate
 * regeneration without service restarts") CAPF restarts itself and CallManager needs no CallManager or
 * CTIManager restart. ITLRecovery waits for Cisco Tftp, whose restart re-signs the ITL with it (the
 * Security Guide's ITLRecovery procedure, step 5).
 */
export function activeAtOnce(profile: VersionProfile, unit: string): boolean {
  if (unit === 'TVS') return true;
  return profile.regenRestarts === 'without-restarts' && (unit === 'CAPF' || unit === 'CallManager' || unit === 'CallManager-ECDSA');
}

export interface RegenResult {
  def: UnitDefinition;
  spec: RegenSpec;
  /** waiting for a restart of the related services */
  pending: boolean;
  /** the certificate it replaces was CA-signed */
  replacedCaSigned: boolean;
}

export function unitOnNode(cluster: Cluster, node: string, unit: string): { def: UnitDefinition; current: CertificateRow } {
  const def = unitDefinition(unit);
  const current = def && cluster.certificates.find(node, def.unit);
  if (!def || !current) throw new ClusterError(`There is no ${unit} certificate on ${node}.`);
  return { def, current };
}

/** set cert regen / sim cert regen: a new key pair and serial with the unit's subject. */
export async function regenerateCertificate(cluster: Cluster, actor: Actor, unit: string, choice?: RegenChoice, signal?: AbortSignal): Promise<RegenResult> {
  const { def, current } = unitOnNode(cluster, actor.node, unit);
  const spec = resolveRegenSpec(def, cluster.profile, cluster.node(actor.node).fips === 1, choice);
  const names = distributionNames(cluster, actor.node, def, current, choice?.distribution);
  const notBefore = cluster.clock.now();
  const issued = await createSelfSigned({
    keyType: def.keyType,
    keySize: spec.keySize,
    hash: spec.hash,
    subject: names.subject,
    altNames: names.altNames,
    notBefore,
    notAfter: validityEnd(notBefore, spec.validityYears),
    purpose: def.unit,
  });
  // Ctrl-C during key generation abandons the new certificate: nothing is stored.
  signal?.throwIfAborted();
  const pending = !activeAtOnce(cluster.profile, def.unit);
  cluster.store.transaction(() => {
    for (const old of cluster.repo.certificates(actor.node, 'pending')) {
      if (old.unit === def.unit) cluster.repo.setCertificateStatus(old.id, 'retired');
    }
    const id = cluster.repo.insertCertificate({
      node: actor.node, unit: def.unit, status: 'pending', cert_pem: issued.certPem, key_pem: issued.keyPem,
      description: SELF_SIGNED_DESCRIPTION, created_at: notBefore.toISOString(),
    });
    cluster.record(actor, 'certificate-regenerated', { unit: def.unit, serial: issued.serialHex, ...spec, pending });
    if (!pending) activate(cluster, actor, cluster.repo.certificates(actor.node, 'pending').find((c) => c.id === id)!);
  });
  return { def, spec, pending, replacedCaSigned: current.description !== SELF_SIGNED_DESCRIPTION };
}

/**
 * The subject (and SANs) a regenerated certificate or a CSR gets: the current subject by default; with
 * a Multi-server distribution `<host>-ms.<domain>` (`<host>-EC-ms.<domain>`) naming every node; with
 * the node's own distribution the subject a fresh install gives the unit.
 */
export function distributionNames(
  cluster: Cluster, node: string, def: UnitDefinition, current: CertificateRow, distribution?: 'node' | 'multi-server',
): { subject: DistinguishedName; altNames?: string[] } {
  const subject = certificateInfo(current.cert_pem).subject;
  if (distribution === 'multi-server') {
    const { cn, altNames } = multiServerNames(def, node, cluster.config.domain, cluster.nodes().map((n) => n.fqdn));
    return { subject: { ...subject, CN: cn }, altNames };
  }
  if (distribution === 'node' && def.unit !== 'CAPF') return { subject: unitSubject(def.unit, node, cluster.config, '') };
  return { subject };
}

/** CUCM names a trust file after the certificate's CN, spaces turned into underscores
 *  (`Cisco_Root_CA_2048.pem`); a certificate without a CN is named after its serial number. */
export function trustFileFor(certPem: string): string {
  const info = certificateInfo(certPem);
  const base = info.subject.CN.trim() || info.serialHex;
  return `${base.replace(/[\s/\\]+/g, '_')}.pem`;
}

/**
 * Puts a certificate in `store` on every node of the cluster (each node keeps its own copy), in place
 * of the one it `replaces` if that one had another name; returns its file name. Inside the caller's
 * transaction.
 */
export function trustOnEveryNode(cluster: Cluster, store: string, certPem: string, description: string, replaces?: string): string {
  const file = trustFileFor(certPem);
  const oldFile = replaces ? trustFileFor(replaces) : null;
  const at = cluster.clock.now().toISOString();
  for (const n of cluster.nodes()) {
    if (oldFile && oldFile !== file) cluster.repo.deleteTrust(n.name, store, oldFile);
    cluster.repo.upsertTrust({ node: n.name, store, file, cert_pem: certPem, description, added_at: at });
  }
  return file;
}

/** Makes a pending certificate the one in use, updates every node's trust store and the ITLs. */
export function activate(cluster: Cluster, actor: Actor | null, cert: CertificateRow): void {
  const previous = cluster.repo.certificate(cert.node, cert.unit, 'active');
  if (previous) cluster.repo.setCertificateStatus(previous.id, 'retired');
  cluster.repo.setCertificateStatus(cert.id, 'active');
  const def = unitDefinition(cert.unit)!;
  if (def.trustStore && cert.description === SELF_SIGNED_DESCRIPTION) {
    trustOnEveryNode(cluster, def.trustStore, cert.cert_pem, cert.description, previous?.cert_pem);
  }
  cluster.record(actor, 'certificate-activated', { node: cert.node, unit: cert.unit, serial: certificateInfo(cert.cert_pem).serialHex });
  const rebuilt = cluster.tftp.refresh(actor);
  resetPhonesForCertificateUpdate(cluster, actor, cert.unit, rebuilt);
}

/** A (re)start of `service` on `node` (or of the whole node) activates the certificates waiting for it. */
export function activatePending(cluster: Cluster, actor: Actor | null, node: string, service: string | 'all'): void {
  for (const cert of cluster.repo.certificates(node, 'pending')) {
    const def = unitDefinition(cert.unit);
    if (def && (service === 'all' || def.relatedServices.includes(service))) activate(cluster, actor, cert);
  }
}
