// The certificate store of each node: the certificates in use, those waiting for a service restart,
// the trust stores, and the key pairs the services present.
import type { Cluster } from './cluster';
import type { CertificateRow, TrustRow } from '../store/repository';
import type { CertRef, KeyPair } from './trustfiles';
import { ClusterError } from './errors';
import { unitOrder } from './units';

export class CertificateStore {
  constructor(private readonly cluster: Cluster) {}

  /** The certificates in use, in the order `show cert list own` prints the units. */
  own(node: string): CertificateRow[] {
    return this.cluster.repo.certificates(node, 'active').sort((a, b) => unitOrder(a.unit) - unitOrder(b.unit));
  }
  find(node: string, unit: string): CertificateRow | undefined {
    return this.own(node).find((c) => c.unit.toLowerCase() === unit.toLowerCase());
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
    const c = this.cluster.repo.certificate(r.node, r.unit, 'pending') ?? this.cluster.repo.certificate(r.node, r.unit, 'active');
    if (!c) throw new ClusterError(`no ${r.unit} certificate on ${r.node}`);
    return { certPem: c.cert_pem, keyPem: c.key_pem };
  }
}
