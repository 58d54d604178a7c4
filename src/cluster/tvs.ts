// The Trust Verification Service: which certificates a node's TVS vouches for, and with which
// roles. It answers from the certificates the cluster knows (every node's CallManager, TVS, CAPF and
// tomcat certificates in use) and from its node's trust stores. ITLRecovery is not among them:
// phones learn a new ITLRecovery only from a trust list they already trust.
import { X509Certificate } from 'node:crypto';
import { Role, cucmName } from '../tlv';
import type { Cluster } from './cluster';
import { TVS_SERVICE } from './cluster';

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

/** A node's TVS knowledge, keyed by issuer + serial as TVS keys its cache. */
export class TvsDirectory {
  private readonly byIssuerSerial = new Map<string, TvsEntry>();

  constructor(cluster: Cluster, readonly node: string) {
    const add = (pem: string, roles: number[]) => {
      const c = new X509Certificate(pem);
      const key = tvsKey(cucmName(c.issuer), c.serialNumber);
      const prev = this.byIssuerSerial.get(key);
      this.byIssuerSerial.set(key, { certPem: pem, roles: [...new Set([...(prev?.roles ?? []), ...roles])] });
    };
    for (const n of cluster.nodes()) {
      for (const c of cluster.ownCertificates(n.name)) if (OWN_ROLES[c.unit]) add(c.cert_pem, OWN_ROLES[c.unit]);
    }
    for (const t of cluster.trustCertificates(node)) if (TRUST_ROLES[t.store]) add(t.cert_pem, TRUST_ROLES[t.store]);
  }

  /** `issuer` in the CUCM form the trust list headers use (CN=..;OU=..). */
  lookup(issuer: string, serialHex: string): TvsEntry | undefined {
    return this.byIssuerSerial.get(tvsKey(issuer, serialHex));
  }
}

function tvsKey(issuer: string, serialHex: string): string {
  return `${issuer}\n${serialHex.replace(/^0+/, '').toUpperCase()}`;
}

/** The TVS a phone can reach on `node`: none while the service is stopped. */
export function tvsOn(cluster: Cluster, node: string): { directory: TvsDirectory; certPem: string } | null {
  if (!cluster.serviceStarted(node, TVS_SERVICE)) return null;
  const cert = cluster.ownCertificate(node, 'TVS');
  return cert ? { directory: new TvsDirectory(cluster, node), certPem: cert.cert_pem } : null;
}
