import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSelfSigned, describeCertificate, javaDate } from '../../src/pki';

// A CallManager certificate from a CUCM 11.x lab and the `show cert own` text CUCM printed for it (a public
// capture; the terminal copy had dropped trailing spaces, so lines are compared without them).
const CUCM_PEM = `-----BEGIN CERTIFICATE-----
MIIDpzCCAo+gAwIBAgIQUjwywJaUsKYBaNbuNqO5bjANBgkqhkiG9w0BAQUFADBj
MQswCQYDVQQGEwJHQjENMAsGA1UECgwESFNCQzEMMAoGA1UECwwDTEFCMR0wGwYD
VQQDDBRIU0JDLUxBQi1HQkNVQzAxLVBVQjELMAkGA1UECAwCTE4xCzAJBgNVBAcM
AkdCMB4XDTE4MDcwODEyMDUxOVoXDTIzMDcwNzEyMDUxOFowYzELMAkGA1UEBhMC
R0IxDTALBgNVBAoMBEhTQkMxDDAKBgNVBAsMA0xBQjEdMBsGA1UEAwwUSFNCQy1M
QUItR0JDVUMwMS1QVUIxCzAJBgNVBAgMAkxOMQswCQYDVQQHDAJHQjCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBAMF83kcgSSG0GKDr7Gl48LU/ij9ngQhF
Ydpxs3awgltueU4etTZoKA9zGvAAGv5Lru31j2yBYSGSEReJouB0D8bs9OJnuCBz
cstLmyUQf/QyuSqzfhPIF17nK2skpH5d78ndR9mKP+nawPTht9rAceB0bQOay2WO
lZvcsd5XMFHVJKkgY76YPycpl086kOHpaVnk9VxmvRh8lDdg2SzgJlRL2LJBlSpP
O6G9i+S+o7xEeot5UzppsTmDQWkOMHkteLcJmhgDzRSneftKoyNUysxf+Z43a6S/
dsjj+nIu30+SiCIltSt4yqZpH0H0EbaJthwsXVBeuSM6B+MxAFZ/snMCAwEAAaNX
MFUwCwYDVR0PBAQDAgK8MCcGA1UdJQQgMB4GCCsGAQUFBwMBBggrBgEFBQcDAgYI
KwYBBQUHAwUwHQYDVR0OBBYEFLt3vBhNu8CygzUSXdS8gmiUMrUYMA0GCSqGSIb3
DQEBBQUAA4IBAQA4j1oAdwCx9bJJg3NcZOBUYTRLEv5Lqgv8lj8ntGYZrl0iMXIT
Voa89s1cRXJh7QHURt+LOZMxBYbJn3zrOGXJ7ebj+JRHKEQw23DB5DmQONDKs0bN
2CdYxHh/nz9Pw7yRPq+GUgxwKGZ2V/1YgOXd1FtxIMosuqiIRg6V6x/U/0fw1eds
2UK+suaNb8Ns+SYNZe1LnRYygwGkersQsdxUZrT/H5BUcIRu3pcp5Sr61ws+FLU5
ileRLOzi0GZRKiIMGaBkXXsCOgWZw9DT4iIZXMXlYw+b3LUIYgMtqdQlaF2tXi2v
gkMV3iY6puedncx61Q2mJ4VWY36I/wvQWQa5
-----END CERTIFICATE-----
`;
const CUCM_TEXT = `[
  Version: V3
  Serial Number: 523C32C09694B0A60168D6EE36A3B96E
  SignatureAlgorithm: SHA1withRSA (1.2.840.113549.1.1.5)
  Issuer Name: L=GB, ST=LN, CN=HSBC-LAB-GBCUC01-PUB, OU=LAB, O=HSBC, C=GB
  Validity From: Sun Jul 08 13:05:19 BST 2018
           To:   Fri Jul 07 13:05:18 BST 2023
  Subject Name: L=GB, ST=LN, CN=HSBC-LAB-GBCUC01-PUB, OU=LAB, O=HSBC, C=GB
  Key: RSA (1.2.840.113549.1.1.1)
    Key value: 3082010a0282010100c17cde47204921b418a0ebec6978f0b53f8a3f6781084561da71b376b0825b6e794e1eb53668280f731af0001afe4baeedf58f6c81612192111789a2e0740fc6ecf4e267b8207372cb4b9b25107ff432b92ab37e13c8175ee72b6b24a47e5defc9dd47d98a3fe9dac0f4e1b7dac071e0746d039acb658e959bdcb1de573051d524a92063be983f2729974f3a90e1e96959e4f55c66bd187c943760d92ce026544bd8b241952a4f3ba1bd8be4bea3bc447a8b79533a69b1398341690e30792d78b7099a1803cd14a779fb4aa32354cacc5ff99e376ba4bf76c8e3fa722edf4f92882225b52b78caa6691f41f411b689b61c2c5d505eb9233a07e33100567fb2730203010001
  Extensions: 3 present
  [
     Extension: KeyUsage (OID.2.5.29.15)
     Critical: false
     Usages: digitalSignature, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign,
  ]
  [
     Extension: ExtKeyUsageSyntax (OID.2.5.29.37)
     Critical: false
     Usage oids: 1.3.6.1.5.5.7.3.1, 1.3.6.1.5.5.7.3.2, 1.3.6.1.5.5.7.3.5,
  ]
  [
     Extension: SubjectKeyIdentifier (OID.2.5.29.14)
     Critical: false
     keyID: bb77bc184dbbc0b28335125dd4bc82689432b518
  ]

  Signature:
  0000: 38 8f 5a 00 77 00 b1 f5 b2 49 83 73 5c 64 e0 54 [8.Z.w....I.s\\d.T]
  0010: 61 34 4b 12 fe 4b aa 0b fc 96 3f 27 b4 66 19 ae [a4K..K....?'.f..]
  0020: 5d 22 31 72 13 56 86 bc f6 cd 5c 45 72 61 ed 01 []"1r.V....\\Era..]
  0030: d4 46 df 8b 39 93 31 05 86 c9 9f 7c eb 38 65 c9 [.F..9.1....|.8e.]
  0040: ed e6 e3 f8 94 47 28 44 30 db 70 c1 e4 39 90 38 [.....G(D0.p..9.8]
  0050: d0 ca b3 46 cd d8 27 58 c4 78 7f 9f 3f 4f c3 bc [...F..'X.x..?O..]
  0060: 91 3e af 86 52 0c 70 28 66 76 57 fd 58 80 e5 dd [.>..R.p(fvW.X...]
  0070: d4 5b 71 20 ca 2c ba a8 88 46 0e 95 eb 1f d4 ff [.[q .,...F......]
  0080: 47 f0 d5 e7 6c d9 42 be b2 e6 8d 6f c3 6c f9 26 [G...l.B....o.l.&]
  0090: 0d 65 ed 4b 9d 16 32 83 01 a4 7a bb 10 b1 dc 54 [.e.K..2...z....T]
  00a0: 66 b4 ff 1f 90 54 70 84 6e de 97 29 e5 2a fa d7 [f....Tp.n..).*..]
  00b0: 0b 3e 14 b5 39 8a 57 91 2c ec e2 d0 66 51 2a 22 [.>..9.W.,...fQ*"]
  00c0: 0c 19 a0 64 5d 7b 02 3a 05 99 c3 d0 d3 e2 22 19 [...d]{.:......".]
  00d0: 5c c5 e5 63 0f 9b dc b5 08 62 03 2d a9 d4 25 68 [\\..c.....b.-..%h]
  00e0: 5d ad 5e 2d af 82 43 15 de 26 3a a6 e7 9d 9d cc [].^-..C..&:.....]
  00f0: 7a d5 0d a6 27 85 56 63 7e 88 ff 0b d0 59 06 b9 [z...'.Vc~....Y..]

]${CUCM_PEM.trimEnd()}`;

describe('pki: show cert own text', () => {
  it('prints a real CUCM certificate exactly as CUCM did', () => {
    const lines = describeCertificate(CUCM_PEM, 'Europe/London');
    assert.deepEqual(lines.map((l) => l.trimEnd()), CUCM_TEXT.split('\n'));
    // The BSAFE toString() keeps a space after "[" and after each list item.
    assert.ok(lines.includes('  [ '));
    assert.ok(lines.includes('  Signature: '));
  });

  it('ends with the exact PEM, which OpenSSL parses after the BEGIN marker', async () => {
    const { certPem, serialHex } = await createSelfSigned({
      keyType: 'EC', keySize: 384, hash: 'SHA384', purpose: 'CallManager-ECDSA',
      subject: { CN: 'cucm-pub-EC.example.com', OU: 'IT', O: 'Example', L: 'RTP', ST: 'NC', C: 'US' },
      notBefore: new Date('2022-02-03T15:23:39Z'), notAfter: new Date('2027-02-02T15:23:38Z'),
    });
    const lines = describeCertificate(certPem, 'UTC');
    const text = lines.join('\n');
    assert.ok(text.endsWith(`]${certPem.trimEnd()}`));
    const pem = `-----BEGIN CERTIFICATE-----${text.split('-----BEGIN CERTIFICATE-----')[1]}\n`;
    assert.equal(pem, certPem);
    assert.match(execFileSync('openssl', ['x509', '-noout', '-serial'], { input: pem, encoding: 'utf8' }), new RegExp(`serial=${serialHex}`));
    for (const expected of [
      `  Serial Number: ${serialHex}`,
      '  SignatureAlgorithm: SHA384withECDSA (1.2.840.10045.4.3.3)',
      '  Issuer Name: CN=cucm-pub-EC.example.com, OU=IT, O=Example, L=RTP, ST=NC, C=US',
      '  Validity From: Thu Feb 03 15:23:39 UTC 2022',
      '           To:   Tue Feb 02 15:23:38 UTC 2027',
      '  Key: EC (1.2.840.10045.2.1)',
      '    Curve: secp384r1 (1.3.132.0.34)',
      '  Extensions: 5 present',
      '     Extension: SubjectAltName (OID.2.5.29.17)',
      '        altNames: 2 names',
      '          2) cucm-pub.example.com (dNSName)',
      '     cA: true',
    ]) assert.ok(lines.includes(expected), expected);
    assert.match(text, /\n {4}Key value: 04[0-9a-f]{192}\n/);
  });
});

describe('pki: javaDate', () => {
  const cases: [string, string, string][] = [
    ['2022-02-03T15:23:39Z', 'UTC', 'Thu Feb 03 15:23:39 UTC 2022'],
    ['2018-07-08T12:05:19Z', 'Europe/London', 'Sun Jul 08 13:05:19 BST 2018'],
    ['2018-01-08T12:05:19Z', 'Europe/London', 'Mon Jan 08 12:05:19 GMT 2018'],
    ['2015-02-24T15:37:45Z', 'Europe/Warsaw', 'Tue Feb 24 16:37:45 CET 2015'],
    ['2027-02-03T23:23:39Z', 'America/Los_Angeles', 'Wed Feb 03 15:23:39 PST 2027'],
    ['2013-07-17T14:51:54Z', 'America/New_York', 'Wed Jul 17 10:51:54 EDT 2013'],
    ['2024-01-01T00:00:00Z', 'Asia/Kolkata', 'Mon Jan 01 05:30:00 IST 2024'],
    ['2024-01-01T00:00:00Z', 'Asia/Tokyo', 'Mon Jan 01 09:00:00 JST 2024'],
    ['2024-01-01T00:00:00Z', 'Asia/Kathmandu', 'Mon Jan 01 05:45:00 GMT+05:45 2024'],
    ['2024-03-04T23:59:59Z', 'Etc/UTC', 'Mon Mar 04 23:59:59 UTC 2024'],
    ['2024-03-05T00:00:00Z', 'UTC', 'Tue Mar 05 00:00:00 UTC 2024'],
  ];
  for (const [iso, zone, expected] of cases) {
    it(`prints ${iso} in ${zone} as ${expected}`, () => assert.equal(javaDate(new Date(iso), zone), expected));
  }
});
