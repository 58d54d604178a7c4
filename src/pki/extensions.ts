// The extensions CUCM puts in each kind of certificate. A real CUCM 11.x tomcat/CallManager certificate
// carries KeyUsage, ExtKeyUsage and SubjectKeyIdentifier in that order, all non-critical.
import { webcrypto } from 'node:crypto';
import { x509 } from './x509';
import type { CertificatePurpose, DistinguishedName, KeyType } from './certificates';

const { KeyUsageFlags: F } = x509;
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const IPSEC_END_SYSTEM = '1.3.6.1.5.5.7.3.5';
const WITH_HOST_NAME: CertificatePurpose[] = ['tomcat', 'tomcat-ECDSA', 'CallManager', 'CallManager-ECDSA'];

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

// DNS names for the subjectAltName: the CN if it is a host name, plus the host name without the -EC suffix
// that CUCM appends to the ECDSA certificates' CN.
export function subjectAltNames(purpose: CertificatePurpose, subject: DistinguishedName): string[] {
  if (!WITH_HOST_NAME.includes(purpose) || !HOST_NAME.test(subject.CN)) return [];
  const m = /^([^.]+)-EC(\..*)?$/i.exec(subject.CN);
  return m ? [subject.CN, m[1] + (m[2] ?? '')] : [subject.CN];
}

function keyUsage(purpose: CertificatePurpose, keyType: KeyType, request: boolean): number {
  if (purpose === 'ca') return F.digitalSignature | F.keyCertSign | F.cRLSign;
  const base = keyType === 'RSA'
    ? F.digitalSignature | F.keyEncipherment | F.dataEncipherment | F.keyAgreement
    : F.digitalSignature | F.keyAgreement;
  // Self-signed CUCM certificates are their own trust anchors, so they may sign certificates; a request to a
  // CA asks only for an end-entity certificate.
  return request ? base : base | F.keyCertSign;
}

function common(purpose: CertificatePurpose, keyType: KeyType, subject: DistinguishedName, request: boolean, altNames?: string[]): x509.Extension[] {
  const exts: x509.Extension[] = [new x509.KeyUsagesExtension(keyUsage(purpose, keyType, request), false)];
  if (purpose !== 'ca') {
    const eku = purpose === 'ipsec' ? [SERVER_AUTH, CLIENT_AUTH, IPSEC_END_SYSTEM] : [SERVER_AUTH, CLIENT_AUTH];
    exts.push(new x509.ExtendedKeyUsageExtension(eku, false));
  }
  const dns = altNames ?? subjectAltNames(purpose, subject);
  if (dns.length) exts.push(new x509.SubjectAlternativeNameExtension(dns.map((value) => ({ type: 'dns' as const, value })), false));
  return exts;
}

export async function selfSignedExtensions(purpose: CertificatePurpose, keyType: KeyType, subject: DistinguishedName, publicKey: webcrypto.CryptoKey, altNames?: string[]): Promise<x509.Extension[]> {
  const ski = await x509.SubjectKeyIdentifierExtension.create(publicKey, false);
  return [...common(purpose, keyType, subject, false, altNames), ski, new x509.BasicConstraintsExtension(true, undefined, true)];
}

export function requestExtensions(purpose: CertificatePurpose, keyType: KeyType, subject: DistinguishedName, altNames?: string[]): x509.Extension[] {
  const exts = common(purpose, keyType, subject, true, altNames);
  return purpose === 'ca' ? [...exts, new x509.BasicConstraintsExtension(true, undefined, true)] : exts;
}
