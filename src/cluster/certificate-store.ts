// The certificate store of each node: the certificates in use, those waiting for a service restart,
// the trust stores, and the key pairs the services present.
import type { Cluster } from './cluster';
import type { CertificateRow, TrustRow } from '../store/repository';
import type { CertRef, KeyPair } from './trustfiles';
import { ClusterError } from './errors';
import { unitOrder } from './units';

const TFTP_SERVICE = 'Cisco Tftp';
/** The units whose certificates Cisco Tftp presents on HTTPS 6971 (CallManager) and 6972 (tomcat). */
const TFTP_HTTPS_UNITS = ['CallManager', 'CallManager-ECDSA', 'tomcat', 'tomcat-ECDSA'] as const;

export class CertificateStore {
  constructor(private readonly cluster: Cluster) {}

  /**
   * What the certificate store holds (show cert list own, show cert own, the GUI's Certificate List):
   * the newest certificate of each unit, in use or waiting for its services to restart, in the order
   * `show cert list own` prints the units.
   */
  own(node: string): CertificateRow[] {
    const byUnit = new Map<string, CertificateRow>();
    for (const c of [...this.inUse(node), ...this.pending(node)]) byUnit.set(c.unit, c);
    return [...byUnit.values()].sort((a, b) => unitOrder(a.unit) - unitOrder(b.unit));
  }
  find(node: string, unit: string): CertificateRow | undefined {
    return this.own(node).find((c) => c.unit.toLowerCase() === unit.toLowerCase());
  }
  /** The certificates the services use: activated by a restart of the related services. */
  inUse(node: string): CertificateRow[] {
    return this.cluster.repo.certificates(node, 'active').sort((a, b) => unitOrder(a.unit) - unitOrder(b.unit));
  }
  findInUse(node: string, unit: string): CertificateRow | undefined {
    return this.inUse(node).find((c) => c.unit.toLowerCase() === unit.toLowerCase());
  }
  pending(node: string): CertificateRow[] {
    return this.cluster.repo.certificates(node, 'pending');
  }
  trust(node: string): TrustRow[] {
    return this.cluster.repo.trust(node);
  }


  /** The active certificate and key of a unit, as the ITL (built by TFTP) and TLS endpoints use them. */
  keyPair(r: CertRef): KeyPair {
    const c = this.cluster.repo.certificate(r.node, r.unit, 'active');
    if (!c) throw new ClusterError(`no active ${r.unit} certificate on ${r.node}`);
    return { certPem: c.cert_pem, keyPem: c.key_pem };
  }

  /**
   * The newest certificate of a unit, waiting for a restart or not: what the certificate store holds,
   * which is what `utils ctl` reads when it builds the CTL.
   */
  storedKeyPair(r: CertRef): KeyPair {
    const c = this.find(r.node, r.unit);
    if (!c) throw new ClusterError(`no ${r.unit} certificate on ${r.node}`);
    return { certPem: c.cert_pem, keyPem: c.key_pem };
  }

  /**
   * Cisco Tftp reads the CallManager and tomcat certificates (RSA and ECDSA) from the store when it
   * starts and presents them on HTTPS 6971/6972 until its next start (Security Guide: after updating
   * them, restart TFTP). Inside the caller's transaction.
   */
  loadForTftp(node: string): void {
    for (const unit of TFTP_HTTPS_UNITS) {
      const c = this.find(node, unit);
      if (c) this.cluster.repo.setServiceCertificate(node, TFTP_SERVICE, unit, c.id);
    }
  }

  /** What Cisco Tftp presents for `unit` on HTTPS: what it loaded at its last start. */
  tftpKeyPair(r: CertRef): KeyPair {
    const id = this.cluster.repo.serviceCertificate(r.node, TFTP_SERVICE, r.unit);
    const c = id === undefined ? undefined : this.cluster.repo.certificateById(id);
    return c ? { certPem: c.cert_pem, keyPem: c.key_pem } : this.keyPair(r);
  }
}
