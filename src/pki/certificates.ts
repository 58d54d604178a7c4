// X.509 certificates and CSRs as CUCM issues them, and the facts about a certificate the rest of the
// simulator needs (names, serial, validity, key, hash, fingerprint).
import { createHash, createPrivateKey, createPublicKey, randomBytes, X509Certificate } from 'node:crypto';
import { x509 } from './x509';
import { generateKeyPair, importSigningKey, signingAlgorithm } from './keys';
import { nameFields, nameText, toX509Name } from './names';
import { requestExtensions, selfSignedExtensions } from './extensions';

export type KeyType = 'RSA' | 'EC';
export type HashName = 'SHA1' | 'SHA256' | 'SHA384' | 'SHA512';
export interface DistinguishedName { CN: string; OU?: string; O?: string; L?: string; ST?: string; C?: string }
export type CertificatePurpose = 'tomcat' | 'ipsec' | 'CallManager' | 'TVS' | 'CAPF' | 'ITLRecovery' | 'tomcat-ECDSA' | 'CallManager-ECDSA' | 'ca';
/** keySize: RSA 1024|2048|3072|4096; EC 256|384|521 (curve P-256/P-384/P-521). */
export interface KeySpec { keyType: KeyType; keySize: number; hash: HashName }
/** serial defaults to 16 random bytes whose first byte is 0x01..0x7f, so no DER sign byte is needed. */
export interface SelfSignedSpec extends KeySpec { subject: DistinguishedName; notBefore: Date; notAfter: Date; purpose: CertificatePurpose; serial?: Buffer; altNames?: string[] }
/** keyPem is PKCS#8; serialHex is uppercase without separators. */
export interface IssuedCertificate { certPem: string; keyPem: string; serialHex: string }
/** altNames: the DNS subjectAltNames when given (a multi-server certificate names every node) */
export interface CsrSpec extends KeySpec { subject: DistinguishedName; purpose: CertificatePurpose; altNames?: string[] }
export interface CertificateInfo {
  subject: DistinguishedName;
  subjectText: string;
  issuerText: string;
  serial: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  keyType: KeyType;
  keySize: number;
  hash: HashName;
  selfSigned: boolean;
  der: Buffer;
  sha1: string;
  publicKeyPem: string;
}

const SKI_OID = '2.5.29.14';
const AKI_OID = '2.5.29.35';
const EC_SIZES: Record<string, number> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

// PEM text ends with a newline, like OpenSSL's and Node's (@peculiar/x509 leaves it off).
function pem(obj: { toString(format: 'pem'): string }): string {
  return `${obj.toString('pem')}\n`;
}

export function randomSerial(): Buffer {
  const serial = randomBytes(16);
  serial[0] = (serial[0] % 0x7f) + 1;
  return serial;
}

export async function createSelfSigned(spec: SelfSignedSpec): Promise<IssuedCertificate> {
  const { keys, keyPem } = await generateKeyPair(spec);
  const name = toX509Name(spec.subject);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (spec.serial ?? randomSerial()).toString('hex'),
    subject: name,
    issuer: name,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    signingAlgorithm: signingAlgorithm(spec.keyType, spec.hash),
    extensions: await selfSignedExtensions(spec.purpose, spec.keyType, spec.subject, keys.publicKey, spec.altNames),
  });
  const certPem = pem(cert);
  return { certPem, keyPem, serialHex: certificateInfo(certPem).serialHex };
}

export async function createCsr(spec: CsrSpec): Promise<{ csrPem: string; keyPem: string }> {
  const { keys, keyPem } = await generateKeyPair(spec);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: toX509Name(spec.subject),
    keys,
    signingAlgorithm: signingAlgorithm(spec.keyType, spec.hash),
    extensions: requestExtensions(spec.purpose, spec.keyType, spec.subject, spec.altNames),
  });
  return { csrPem: pem(csr), keyPem };
}

// Issues a certificate for a CSR: the requested extensions, plus key identifiers that link it to the CA.
export async function signCsr(opts: { csrPem: string; caCertPem: string; caKeyPem: string; notBefore: Date; notAfter: Date; hash: HashName; serial?: Buffer }): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(opts.csrPem);
  if (!(await csr.verify())) throw new Error('The CSR signature does not verify');
  const ca = new x509.X509Certificate(opts.caCertPem);
  if (!keyMatchesCertificate(opts.caKeyPem, opts.caCertPem)) throw new Error('The CA key does not match the CA certificate');
  const { key, algorithm } = await importSigningKey(opts.caKeyPem, opts.hash);
  const requested = csr.extensions.filter((e) => e.type !== SKI_OID && e.type !== AKI_OID);
  const caSki = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (opts.serial ?? randomSerial()).toString('hex'),
    subject: csr.subjectName,
    issuer: ca.subjectName,
    notBefore: opts.notBefore,
    notAfter: opts.notAfter,
    publicKey: csr.publicKey,
    signingKey: key,
    signingAlgorithm: algorithm,
    extensions: [
      ...requested,
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey, false),
      caSki ? new x509.AuthorityKeyIdentifierExtension(caSki.keyId, false) : await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false),
    ],
  });
  return pem(cert);
}

function hashOf(cert: x509.X509Certificate): HashName {
  const alg = cert.signatureAlgorithm as unknown as { name: string; hash?: { name?: string } };
  const hash = alg.hash?.name ?? '';
  const name = { 'SHA-1': 'SHA1', 'SHA-256': 'SHA256', 'SHA-384': 'SHA384', 'SHA-512': 'SHA512' }[hash];
  if ((alg.name !== 'RSASSA-PKCS1-v1_5' && alg.name !== 'ECDSA') || !name) throw new Error(`Unsupported signature algorithm ${alg.name} ${hash}`);
  return name as HashName;
}

export function certificateInfo(certPem: string): CertificateInfo {
  const cert = new x509.X509Certificate(certPem);
  const node = new X509Certificate(certPem);
  const type = node.publicKey.asymmetricKeyType;
  const details = node.publicKey.asymmetricKeyDetails ?? {};
  const keySize = type === 'rsa' ? details.modulusLength : type === 'ec' ? EC_SIZES[details.namedCurve ?? ''] : undefined;
  if (!keySize) throw new Error(`Unsupported public key ${type} ${details.namedCurve ?? ''}`.trim());
  const serial = Buffer.from(cert.serialNumber, 'hex');
  const der = Buffer.from(node.raw);
  return {
    subject: nameFields(cert.subjectName),
    subjectText: nameText(cert.subjectName),
    issuerText: nameText(cert.issuerName),
    serial,
    serialHex: serial.toString('hex').toUpperCase(),
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    keyType: type === 'rsa' ? 'RSA' : 'EC',
    keySize,
    hash: hashOf(cert),
    selfSigned: node.subject === node.issuer && node.verify(node.publicKey),
    der,
    sha1: createHash('sha1').update(der).digest('hex'),
    publicKeyPem: node.publicKey.export({ type: 'spki', format: 'pem' }) as string,
  };
}

export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return fromKey.equals(fromCert);
}
