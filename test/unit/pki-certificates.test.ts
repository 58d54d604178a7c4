import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  certificateInfo, createCsr, createSelfSigned, keyMatchesCertificate, signCsr,
  type CertificatePurpose, type DistinguishedName, type HashName, type KeyType, type SelfSignedSpec,
} from '../../src/pki';

// OpenSSL is the judge: every certificate must be what an independent implementation accepts.
const dir = mkdtempSync(join(tmpdir(), 'ucmsim-pki-'));
let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}.pem`);
  writeFileSync(path, text);
  return path;
}
function openssl(...args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function text(certPem: string): string {
  return openssl('x509', '-noout', '-text', '-in', file(certPem));
}
function verifySelf(certPem: string): string {
  const path = file(certPem);
  return openssl('verify', '-auth_level', '0', '-CAfile', path, path).trim();
}

const SUBJECT: DistinguishedName = { CN: 'cucm-pub.example.com', OU: 'IT', O: 'Example', L: 'RTP', ST: 'NC', C: 'US' };
const NOT_BEFORE = new Date('2022-02-03T15:23:39Z');
// CUCM's validity: 5 × 365 days less one second.
const NOT_AFTER = new Date(NOT_BEFORE.getTime() + (5 * 365 * 86400 - 1) * 1000);

function spec(keyType: KeyType, keySize: number, hash: HashName, purpose: CertificatePurpose = 'tomcat', subject = SUBJECT): SelfSignedSpec {
  return { keyType, keySize, hash, subject, purpose, notBefore: NOT_BEFORE, notAfter: NOT_AFTER };
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('pki: self-signed certificates', () => {
  it('makes an RSA-2048 SHA-256 tomcat certificate OpenSSL parses and verifies against itself', async () => {
    const { certPem, keyPem, serialHex } = await createSelfSigned(spec('RSA', 2048, 'SHA256'));
    const t = text(certPem);
    assert.match(t, /Version: 3 \(0x2\)/);
    assert.match(t, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(t, /Public-Key: \(2048 bit\)/);
    // DER order C..CN, which CUCM prints as CN, OU, O, L, ST, C.
    assert.match(t, /Issuer: C = US, ST = NC, L = RTP, O = Example, OU = IT, CN = cucm-pub.example.com/);
    assert.match(t, /Subject: C = US, ST = NC, L = RTP, O = Example, OU = IT, CN = cucm-pub.example.com/);
    assert.match(t, /Not Before: Feb  3 15:23:39 2022 GMT/);
    assert.match(t, /Not After : Feb  2 15:23:38 2027 GMT/);
    assert.match(t, /X509v3 Key Usage: \n\s+Digital Signature, Key Encipherment, Data Encipherment, Key Agreement, Certificate Sign\n/);
    assert.match(t, /X509v3 Extended Key Usage: \n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);
    assert.match(t, /X509v3 Subject Alternative Name: \n\s+DNS:cucm-pub.example.com\n/);
    assert.match(t, /X509v3 Subject Key Identifier/);
    assert.match(t, /X509v3 Basic Constraints: critical\n\s+CA:TRUE/);
    assert.match(verifySelf(certPem), /: OK$/);
    assert.match(keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(openssl('x509', '-noout', '-serial', '-in', file(certPem)).trim(), `serial=${serialHex}`);
  });

  for (const [keyType, keySize, hash, sigName, curve] of [
    ['RSA', 2048, 'SHA1', 'sha1WithRSAEncryption', ''],
    ['RSA', 3072, 'SHA384', 'sha384WithRSAEncryption', ''],
    ['RSA', 2048, 'SHA512', 'sha512WithRSAEncryption', ''],
    ['EC', 256, 'SHA256', 'ecdsa-with-SHA256', 'P-256'],
    ['EC', 384, 'SHA384', 'ecdsa-with-SHA384', 'P-384'],
    ['EC', 521, 'SHA512', 'ecdsa-with-SHA512', 'P-521'],
    ['EC', 256, 'SHA1', 'ecdsa-with-SHA1', 'P-256'],
  ] as const) {
    it(`signs ${keyType}-${keySize} with ${hash} (${sigName}${curve ? `, ${curve}` : ''})`, async () => {
      const { certPem } = await createSelfSigned(spec(keyType, keySize, hash, keyType === 'EC' ? 'CallManager-ECDSA' : 'CallManager'));
      const t = text(certPem);
      assert.match(t, new RegExp(`Signature Algorithm: ${sigName}\\n`));
      assert.match(t, new RegExp(`Public-Key: \\(${keySize} bit\\)`));
      if (curve) assert.match(t, new RegExp(`NIST CURVE: ${curve}\\n`));
      if (keyType === 'EC') assert.match(t, /Digital Signature, Key Agreement, Certificate Sign\n/);
      assert.match(verifySelf(certPem), /: OK$/);
      const info = certificateInfo(certPem);
      assert.deepEqual([info.keyType, info.keySize, info.hash, info.selfSigned], [keyType, keySize, hash, true]);
    });
  }

  it('makes RSA-1024 keys (older releases) and rejects sizes CUCM does not use', async () => {
    const { certPem } = await createSelfSigned(spec('RSA', 1024, 'SHA1'));
    assert.match(text(certPem), /Public-Key: \(1024 bit\)/);
    await assert.rejects(createSelfSigned(spec('RSA', 1536, 'SHA256')), /Unsupported RSA key size 1536/);
    await assert.rejects(createSelfSigned(spec('EC', 224, 'SHA256')), /Unsupported EC key size 224/);
  });

  it('adds ipsecEndSystem only to ipsec, and a host-name SAN only to tomcat and CallManager certificates', async () => {
    const [ipsec, capf, itl, tvs] = await Promise.all([
      createSelfSigned(spec('EC', 256, 'SHA256', 'ipsec')),
      createSelfSigned(spec('EC', 256, 'SHA256', 'CAPF', { ...SUBJECT, CN: 'CAPF-e9037b69' })),
      createSelfSigned(spec('EC', 256, 'SHA256', 'ITLRecovery', { ...SUBJECT, CN: 'ITLRECOVERY_cucm-pub.example.com' })),
      createSelfSigned(spec('EC', 256, 'SHA256', 'TVS')),
    ]);
    assert.match(text(ipsec.certPem), /TLS Web Server Authentication, TLS Web Client Authentication, IPSec End System\n/);
    for (const c of [ipsec, capf, itl, tvs]) assert.doesNotMatch(text(c.certPem), /Subject Alternative Name/);
    for (const c of [capf, itl, tvs]) assert.match(text(c.certPem), /TLS Web Server Authentication, TLS Web Client Authentication\n/);
  });

  it('names both the -EC host and the plain host in an ECDSA certificate SAN', async () => {
    const { certPem } = await createSelfSigned(spec('EC', 256, 'SHA256', 'tomcat-ECDSA', { ...SUBJECT, CN: 'cucm-pub-EC.example.com' }));
    assert.match(text(certPem), /DNS:cucm-pub-EC.example.com, DNS:cucm-pub.example.com\n/);
  });

  it('makes a CA certificate that can sign certificates and CRLs', async () => {
    const { certPem } = await createSelfSigned(spec('RSA', 2048, 'SHA256', 'ca', { CN: 'Lab Root CA', O: 'Lab' }));
    const t = text(certPem);
    assert.match(t, /Digital Signature, Certificate Sign, CRL Sign\n/);
    assert.match(t, /CA:TRUE/);
    assert.doesNotMatch(t, /Extended Key Usage|Subject Alternative Name/);
  });

  it('uses 16-byte random serials below 0x80, or the serial given', async () => {
    const certs = await Promise.all(Array.from({ length: 20 }, () => createSelfSigned(spec('EC', 256, 'SHA256'))));
    for (const c of certs) {
      const { serial } = certificateInfo(c.certPem);
      assert.equal(serial.length, 16);
      assert.ok(serial[0] >= 0x01 && serial[0] < 0x80, c.serialHex);
      assert.equal(c.serialHex, serial.toString('hex').toUpperCase());
    }
    assert.equal(new Set(certs.map((c) => c.serialHex)).size, 20);
    const given = Buffer.from('70caf64e090751b9df22f49f754fc5bb', 'hex');
    const c = await createSelfSigned({ ...spec('EC', 256, 'SHA256'), serial: given });
    assert.equal(c.serialHex, '70CAF64E090751B9DF22F49F754FC5BB');
  });

  it('encodes validity after 2049 (20-year ITLRecovery) as OpenSSL reads it', async () => {
    const notAfter = new Date('2069-12-31T23:59:58Z');
    const { certPem } = await createSelfSigned({ ...spec('EC', 256, 'SHA256', 'ITLRecovery'), notAfter });
    assert.match(openssl('x509', '-noout', '-enddate', '-in', file(certPem)), /notAfter=Dec 31 23:59:58 2069 GMT/);
    assert.equal(certificateInfo(certPem).notAfter.toISOString(), notAfter.toISOString());
  });

  it('generates ten RSA-2048 certificates concurrently without blocking the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const certs = await Promise.all(Array.from({ length: 10 }, (_, i) => createSelfSigned(spec('RSA', 2048, 'SHA256', 'tomcat', { CN: `node${i}` }))));
    clearInterval(timer);
    assert.equal(new Set(certs.map((c) => c.keyPem)).size, 10);
    assert.ok(ticks >= 10, `the event loop ran its timer only ${ticks} times`);
  });
});

describe('pki: certificateInfo and keyMatchesCertificate', () => {
  it('reports the facts OpenSSL reports', async () => {
    const { certPem, keyPem } = await createSelfSigned(spec('RSA', 2048, 'SHA256'));
    const info = certificateInfo(certPem);
    assert.deepEqual(info.subject, SUBJECT);
    assert.equal(info.subjectText, 'CN=cucm-pub.example.com, OU=IT, O=Example, L=RTP, ST=NC, C=US');
    assert.equal(info.issuerText, info.subjectText);
    assert.equal(info.notBefore.toISOString(), NOT_BEFORE.toISOString());
    assert.equal(info.notAfter.toISOString(), NOT_AFTER.toISOString());
    const fingerprint = openssl('x509', '-noout', '-fingerprint', '-sha1', '-in', file(certPem)).trim();
    assert.equal(fingerprint.toUpperCase(), `SHA1 FINGERPRINT=${info.sha1.toUpperCase().match(/../g)!.join(':')}`);
    assert.equal(info.publicKeyPem, openssl('x509', '-noout', '-pubkey', '-in', file(certPem)));
    assert.deepEqual(execFileSync('openssl', ['x509', '-outform', 'DER', '-in', file(certPem)]), info.der);
    assert.equal(keyMatchesCertificate(keyPem, certPem), true);
    const other = await createSelfSigned(spec('RSA', 2048, 'SHA256'));
    assert.equal(keyMatchesCertificate(other.keyPem, certPem), false);
  });

  it('reads certificates it did not make (OpenSSL-issued, other RDN order)', () => {
    const path = join(dir, 'ossl');
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', `${path}.key`,
      '-out', `${path}.pem`, '-subj', '/CN=ossl.example.com/O=Other/C=DE', '-days', '10', '-sha384');
    const certPem = openssl('x509', '-in', `${path}.pem`);
    const info = certificateInfo(certPem);
    assert.deepEqual(info.subject, { CN: 'ossl.example.com', O: 'Other', C: 'DE' });
    // Printed as Java prints names: last RDN first.
    assert.equal(info.subjectText, 'C=DE, O=Other, CN=ossl.example.com');
    assert.deepEqual([info.keyType, info.keySize, info.hash, info.selfSigned], ['EC', 384, 'SHA384', true]);
    assert.equal(keyMatchesCertificate(openssl('pkey', '-in', `${path}.key`), certPem), true);
  });
});

describe('pki: CSRs and signing', () => {
  it('makes a CSR that verifies, with a new key each time and no CA usage requested', async () => {
    const a = await createCsr({ keyType: 'RSA', keySize: 2048, hash: 'SHA256', subject: SUBJECT, purpose: 'tomcat' });
    const b = await createCsr({ keyType: 'RSA', keySize: 2048, hash: 'SHA256', subject: SUBJECT, purpose: 'tomcat' });
    const t = execFileSync('openssl', ['req', '-verify', '-noout', '-text', '-in', file(a.csrPem)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(t, /Subject: C = US, ST = NC, L = RTP, O = Example, OU = IT, CN = cucm-pub.example.com/);
    assert.match(t, /Requested Extensions:/);
    assert.match(t, /Digital Signature, Key Encipherment, Data Encipherment, Key Agreement\n/);
    assert.match(t, /DNS:cucm-pub.example.com/);
    assert.match(t, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.notEqual(a.keyPem, b.keyPem);
    const pubA = openssl('req', '-noout', '-pubkey', '-in', file(a.csrPem));
    const pubB = openssl('req', '-noout', '-pubkey', '-in', file(b.csrPem));
    assert.notEqual(pubA, pubB);
    assert.equal(openssl('pkey', '-pubout', '-in', file(a.keyPem)), pubA);
  });

  it('issues a certificate from a CSR that chains to the CA', async () => {
    const ca = await createSelfSigned(spec('RSA', 2048, 'SHA256', 'ca', { CN: 'Lab Root CA', O: 'Lab', C: 'US' }));
    const csr = await createCsr({ keyType: 'EC', keySize: 256, hash: 'SHA256', subject: SUBJECT, purpose: 'tomcat-ECDSA' });
    const leafPem = await signCsr({ csrPem: csr.csrPem, caCertPem: ca.certPem, caKeyPem: ca.keyPem, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, hash: 'SHA384' });
    const caPath = file(ca.certPem);
    const leafPath = file(leafPem);
    assert.equal(openssl('verify', '-CAfile', caPath, leafPath).trim(), `${leafPath}: OK`);
    const t = text(leafPem);
    assert.match(t, /Signature Algorithm: sha384WithRSAEncryption/);
    assert.match(t, /Issuer: C = US, O = Lab, CN = Lab Root CA/);
    assert.match(t, /X509v3 Authority Key Identifier/);
    assert.match(t, /DNS:cucm-pub.example.com/);
    const info = certificateInfo(leafPem);
    assert.equal(info.selfSigned, false);
    assert.equal(info.issuerText, 'CN=Lab Root CA, O=Lab, C=US');
    assert.equal(info.hash, 'SHA384');
    assert.equal(keyMatchesCertificate(csr.keyPem, leafPem), true);
    assert.equal(keyMatchesCertificate(ca.keyPem, leafPem), false);
  });

  it('refuses a CA key that does not belong to the CA certificate', async () => {
    const [ca, stranger] = await Promise.all([
      createSelfSigned(spec('EC', 256, 'SHA256', 'ca', { CN: 'Lab Root CA' })),
      createSelfSigned(spec('EC', 256, 'SHA256', 'ca', { CN: 'Stranger' })),
    ]);
    const csr = await createCsr({ keyType: 'EC', keySize: 256, hash: 'SHA256', subject: SUBJECT, purpose: 'tomcat' });
    await assert.rejects(
      signCsr({ csrPem: csr.csrPem, caCertPem: ca.certPem, caKeyPem: stranger.keyPem, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, hash: 'SHA256' }),
      /does not match/,
    );
  });
});
