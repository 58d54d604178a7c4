// The text of `show cert own <unit>`: the certificate as CUCM's RSA BSAFE toString() prints it, then the PEM.
// Layout, names and trailing spaces follow a real CUCM capture and a BSAFE (RsaJsse) log of the same format;
// a terminal copy of the CUCM capture had dropped the trailing spaces, the log keeps them.
import { createPublicKey, X509Certificate } from 'node:crypto';
import { x509 } from './x509';
import { certificateInfo } from './certificates';
import { javaDate } from '../clock/dates';

const SIGNATURE_NAMES: Record<string, string> = {
  'RSA SHA1': 'SHA1withRSA (1.2.840.113549.1.1.5)',
  'RSA SHA256': 'SHA256withRSA (1.2.840.113549.1.1.11)',
  'RSA SHA384': 'SHA384withRSA (1.2.840.113549.1.1.12)',
  'RSA SHA512': 'SHA512withRSA (1.2.840.113549.1.1.13)',
  'EC SHA1': 'SHA1withECDSA (1.2.840.10045.4.1)',
  'EC SHA256': 'SHA256withECDSA (1.2.840.10045.4.3.2)',
  'EC SHA384': 'SHA384withECDSA (1.2.840.10045.4.3.3)',
  'EC SHA512': 'SHA512withECDSA (1.2.840.10045.4.3.4)',
};
const CURVES: Record<number, string> = { 256: 'secp256r1 (1.2.840.10045.3.1.7)', 384: 'secp384r1 (1.3.132.0.34)', 521: 'secp521r1 (1.3.132.0.35)' };
const EXTENSION_NAMES: Record<string, string> = {
  '2.5.29.14': 'SubjectKeyIdentifier', '2.5.29.15': 'KeyUsage', '2.5.29.17': 'SubjectAltName', '2.5.29.19': 'BasicConstraints',
  '2.5.29.31': 'CRLDistributionPoints', '2.5.29.32': 'CertificatePolicies', '2.5.29.35': 'AuthorityKeyIdentifier',
  '2.5.29.37': 'ExtKeyUsageSyntax', '1.3.6.1.5.5.7.1.1': 'AuthorityInfoAccess',
};
const KEY_USAGES = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];
const GENERAL_NAME_TYPES: Record<string, string> = {
  dns: 'dNSName', ip: 'iPAddress', email: 'rfc822Name', url: 'uniformResourceIdentifier', dn: 'directoryName', id: 'registeredID', guid: 'otherName', upn: 'otherName',
};

// X.509 version from the DER: v2/v3 certificates start the TBSCertificate with an explicit [0] version.
function version(der: Buffer): number {
  const skipHeader = (pos: number) => pos + 2 + (der[pos + 1] & 0x80 ? der[pos + 1] & 0x7f : 0);
  const tbsBody = skipHeader(skipHeader(0));
  return der[tbsBody] === 0xa0 ? der[tbsBody + 4] + 1 : 1;
}

function keyValue(publicKeyPem: string): string {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType === 'rsa') return key.export({ type: 'pkcs1', format: 'der' }).toString('hex');
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]).toString('hex');
}

function extensionBody(ext: x509.Extension): string[] {
  if (ext instanceof x509.KeyUsagesExtension) {
    return [`     Usages: ${KEY_USAGES.filter((_, i) => ext.usages & (1 << i)).map((u) => `${u}, `).join('')}`];
  }
  if (ext instanceof x509.ExtendedKeyUsageExtension) return [`     Usage oids: ${ext.usages.map((u) => `${u}, `).join('')}`];
  if (ext instanceof x509.SubjectKeyIdentifierExtension) return [`     keyID: ${ext.keyId}`];
  if (ext instanceof x509.AuthorityKeyIdentifierExtension) return ext.keyId ? [`     keyID: ${ext.keyId}`] : [];
  if (ext instanceof x509.BasicConstraintsExtension) {
    if (!ext.ca) return [];
    return ext.pathLength === undefined ? ['     cA: true'] : ['     cA: true', `     pathLenConstraint: ${ext.pathLength}`];
  }
  if (ext instanceof x509.SubjectAlternativeNameExtension) {
    const items = ext.names.items;
    return [`        altNames: ${items.length} names`, ...items.map((n, i) => `          ${i + 1}) ${n.value} (${GENERAL_NAME_TYPES[n.type] ?? n.type})`)];
  }
  return [];
}

// 16 bytes a line: offset, hex, and the printable ASCII in brackets.
function hexDump(bytes: Buffer): string[] {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = bytes.subarray(off, off + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47);
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`  ${off.toString(16).padStart(4, '0')}: ${hex} [${text}]`);
  }
  return lines;
}

export function describeCertificate(certPem: string, timeZone: string): string[] {
  const info = certificateInfo(certPem);
  const cert = new x509.X509Certificate(certPem);
  // The signature algorithm follows the issuer's key, which for a CA-signed certificate may differ from its own.
  const signerKeyType = (cert.signatureAlgorithm as unknown as { name: string }).name === 'ECDSA' ? 'EC' : 'RSA';
  const key = info.keyType === 'RSA'
    ? ['  Key: RSA (1.2.840.113549.1.1.1)']
    : ['  Key: EC (1.2.840.10045.2.1)', `    Curve: ${CURVES[info.keySize]}`];
  const lines = [
    '[',
    `  Version: V${version(info.der)}`,
    `  Serial Number: ${info.serialHex}`,
    `  SignatureAlgorithm: ${SIGNATURE_NAMES[`${signerKeyType} ${info.hash}`]}`,
    `  Issuer Name: ${info.issuerText}`,
    `  Validity From: ${javaDate(info.notBefore, timeZone)}`,
    `           To:   ${javaDate(info.notAfter, timeZone)}`,
    `  Subject Name: ${info.subjectText}`,
    ...key,
    `    Key value: ${keyValue(info.publicKeyPem)}`,
    `  Extensions: ${cert.extensions.length} present`,
  ];
  for (const ext of cert.extensions) {
    lines.push('  [ ', `     Extension: ${EXTENSION_NAMES[ext.type] ?? 'Unknown'} (OID.${ext.type})`, `     Critical: ${ext.critical}`, ...extensionBody(ext), '  ]');
  }
  lines.push('', '  Signature: ', ...hexDump(Buffer.from(cert.signature)), '');
  // CUCM prints the PEM straight after the closing bracket, on the same line.
  const pem = new X509Certificate(certPem).toString().trimEnd().split('\n');
  return [...lines, `]${pem[0]}`, ...pem.slice(1)];
}
