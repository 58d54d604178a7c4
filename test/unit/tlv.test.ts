import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** openssl -subj lists RDNs in DER order; CUCM encodes them C first so that they print CN first. */
function javaOrder(subject: string): string {
  return '/' + subject.split('/').filter(Boolean).reverse().join('/');
}
import {
  Role,
  TlvFormatError,
  TrustRecord,
  buildSignedFile,
  buildTrustList,
  cucmName,
  encodeRecord,
  parseSignedFile,
  parseTrustList,
  recordFromCertificate,
  renderTrustList,
  signatureTlvRange,
  verifySignedFile,
  verifyTrustList,
} from '../../src/tlv';

interface TestCert {
  cert: string;
  key: string;
}

const PUB_SUBJECT = '/CN=cucm-1051-a-pub/OU=TAC/O=Cisco/L=Krakow/ST=Malopolska/C=PL';
const PUB_NAME = 'CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL';
const PUB_SERIAL = '70CAF64E090751B9DF22F49F754FC5BB';
// Fri Mar 06 21:56:07 CET 2015, the build time of the CTL in TN-118893.
const TIMESTAMP = 1425675367;

describe('tlv: ITL/CTL and .sgn files', function () {
  let dir: string;
  let pub: TestCert; // RSA-1024, the worked example's signer (itl-ctl.md §1.7)
  let big: TestCert; // RSA-2048
  let ca: TestCert;
  let tvs: TestCert; // RSA-1024 issued by `ca`
  let ec: TestCert; // P-256

  function openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  }

  function selfSigned(name: string, newkey: string[], serial: string, subject: string): TestCert {
    openssl(['req', '-x509', ...newkey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-set_serial', serial, '-subj', javaOrder(subject)]);
    return { cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
  }

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tlv-test-'));
    pub = selfSigned('pub', ['-newkey', 'rsa:1024'], `0x${PUB_SERIAL}`, PUB_SUBJECT);
    big = selfSigned('big', ['-newkey', 'rsa:2048'], '0x2A0B11', '/CN=ITLRECOVERY_cucm-pub/OU=TAC/O=Cisco/L=Krakow/ST=Malopolska/C=PL');
    ca = selfSigned('ca', ['-newkey', 'rsa:1024'], '0x01', '/CN=Lab Root CA/O=Lab');
    ec = selfSigned('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'], '0x0C', '/CN=cucm-pub-EC/O=Cisco');
    // Serial 0x80CAF6 needs a DER sign byte (02 04 00 80 CA F6) that the record must drop.
    openssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', 'tvs.key', '-out', 'tvs.csr', '-subj', javaOrder('/CN=cucm-sub1/OU=TAC/O=Cisco')]);
    openssl(['x509', '-req', '-in', 'tvs.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', '0x80CAF6', '-days', '365', '-out', 'tvs.pem']);
    tvs = { cert: readFileSync(join(dir, 'tvs.pem'), 'utf8'), key: readFileSync(join(dir, 'tvs.key'), 'utf8') };
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  function workedExample(records?: TrustRecord[]): Buffer {
    return buildTrustList({
      fileName: 'CTLFile.tlv',
      signerCertPem: pub.cert,
      signerKeyPem: pub.key,
      timestamp: TIMESTAMP,
      records: records ?? [
        recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153'),
        recordFromCertificate(pub.cert, Role.CCM_TFTP, 'cucm-1051-a-pub', '10.48.47.153'),
        { role: Role.CCM_TFTP, dnsName: '10.48.47.154', ipAddress: '10.48.47.154' },
      ],
    });
  }

  /** The file without its SIGNATURE TLV, found by walking the header by hand. */
  function cutSignatureByHand(file: Buffer): { signed: Buffer; signature: Buffer } {
    let p = 0;
    const containers = new Set([3, 7, 9]);
    while (file[p] !== 12) p += file[p] === 13 ? 1 : containers.has(file[p]) ? 3 : 3 + file.readUInt16BE(p + 1);
    const length = file.readUInt16BE(p + 1);
    return {
      signed: Buffer.concat([file.subarray(0, p), file.subarray(p + 3 + length)]),
      signature: file.subarray(p + 3, p + 3 + length),
    };
  }

  describe('header layout', function () {
    it('reproduces the byte offsets of the 10.5 tokenless CTL (HeaderLength 336)', function () {
      const file = workedExample();
      const at = (offset: number, hex: string) => assert.equal(file.subarray(offset, offset + hex.length / 2).toString('hex'), hex, `offset ${offset}`);
      at(0, '0100020102'); // VERSION 1.2
      at(5, '0200020150'); // HEADERLENGTH 336
      at(10, '030095'); // SIGNERID, 149 bytes follow
      at(13, '04003e');
      assert.equal(file.subarray(16, 78).toString('latin1'), `${PUB_NAME}\0`);
      at(78, `050010${PUB_SERIAL.toLowerCase()}`);
      at(97, '06003e');
      assert.equal(file.subarray(100, 162).toString('latin1'), `${PUB_NAME}\0`);
      at(162, '07000f'); // SIGNATUREINFO 15
      at(165, '08000101'); // SHA-1
      at(169, '090008'); // SIGNATUREALGOINFO 8
      at(172, '0a000100'); // RSA
      at(176, '0b000101'); // 1024-bit
      at(180, '0c0080'); // 128-byte signature
      at(311, '0e000c');
      assert.equal(file.subarray(314, 326).toString('latin1'), 'CTLFile.tlv\0');
      at(326, `0f0004${TIMESTAMP.toString(16).padStart(8, '0')}`);
      at(333, '0d0d0d');
      at(336, '010002');
      assert.deepEqual(signatureTlvRange(file), { start: 180, end: 311 });
    });

    it('pads a 2048-bit SHA-512 header to a multiple of 4 and writes digest 3 and modulus index 2', function () {
      const file = buildTrustList({
        fileName: 'ITLFile.tlv',
        signerCertPem: big.cert,
        signerKeyPem: big.key,
        digest: 'SHA512',
        timestamp: TIMESTAMP,
        records: [recordFromCertificate(big.cert, Role.SAST, 'cucm-pub', '10.0.0.1')],
      });
      const { header } = parseTrustList(file);
      assert.equal(header.headerLength % 4, 0);
      assert.equal(header.digestAlgorithm, 3);
      assert.equal(header.signatureModulus, 2);
      assert.equal(header.signatureAlgorithm, 0);
      assert.equal(header.signature.length, 256);
      const { signed, signature } = cutSignatureByHand(file);
      assert.ok(verify('sha512', signed, createPublicKey(big.cert), signature));
    });

    it('writes the signer version (tag 28) right after HEADERLENGTH when asked', function () {
      const file = buildTrustList({
        fileName: 'ITLFile.tlv',
        signerCertPem: pub.cert,
        signerKeyPem: pub.key,
        signerVersion: '1.1',
        timestamp: TIMESTAMP,
        records: [recordFromCertificate(pub.cert, Role.SAST, '', '10.0.0.1')],
      });
      assert.equal(file.subarray(10, 15).toString('hex'), '1c00020101');
      const { header } = parseTrustList(file);
      assert.equal(header.signerVersion, '1.1');
      assert.equal(header.headerLength % 4, 0);
      assert.ok(verifyTrustList(file).ok);
    });
  });

  describe('records', function () {
    it('fills a record from a certificate the way CUCM does', function () {
      const record = recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153');
      const x509 = new X509Certificate(pub.cert);
      assert.equal(record.subjectName, PUB_NAME);
      assert.equal(record.issuerName, PUB_NAME);
      assert.equal(record.serial!.toString('hex').toUpperCase(), PUB_SERIAL);
      assert.deepEqual(record.publicKey, x509.publicKey.export({ type: 'pkcs1', format: 'der' }));
      assert.equal(record.publicKey!.length, 140); // as in the Cisco dumps for 1024-bit keys
      assert.deepEqual(record.certificate, x509.raw);
      // The signatureValue BIT STRING is the last element of the certificate.
      assert.deepEqual(record.signature, x509.raw.subarray(x509.raw.length - 128));
    });

    it('drops the DER sign byte of the serial and names the issuing CA', function () {
      const record = recordFromCertificate(tvs.cert, Role.TVS, 'cucm-sub1', '10.0.0.2');
      assert.equal(record.serial!.toString('hex'), '80caf6');
      assert.equal(record.subjectName, 'CN=cucm-sub1;OU=TAC;O=Cisco');
      assert.equal(record.issuerName, 'CN=Lab Root CA;O=Lab');
    });

    it('stores an EC key as an uncompressed point', function () {
      const record = recordFromCertificate(ec.cert, Role.CCM, 'cucm-pub', '10.0.0.1');
      const spki = createPublicKey(ec.cert).export({ type: 'spki', format: 'der' });
      assert.equal(record.publicKey!.length, 65);
      assert.equal(record.publicKey![0], 4);
      assert.deepEqual(record.publicKey, spki.subarray(spki.length - 65));
    });

    it('encodes an "empty" record in 33 bytes as in the non-secure CTL of TN-118892', function () {
      const bytes = encodeRecord({ role: Role.CCM_TFTP, dnsName: '10.48.47.153', ipAddress: '10.48.47.153' });
      assert.equal(bytes.toString('hex'), '0100020021' + '02000d' + Buffer.from('10.48.47.153\0').toString('hex') + '0400020002' + '0a00040a302f99');
    });

    it('writes tags in ascending order and RECORDLENGTH counting itself', function () {
      const bytes = encodeRecord(recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153'));
      const tags: number[] = [];
      for (let p = 0; p < bytes.length; p += 3 + bytes.readUInt16BE(p + 1)) tags.push(bytes[p]);
      assert.deepEqual(tags, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(bytes.readUInt16BE(3), bytes.length);
      const der = new X509Certificate(pub.cert).raw.length;
      assert.equal(bytes.length, 5 + 19 + 65 + 5 + 65 + 19 + 143 + 131 + 3 + der + 7);
    });

    it('converts node subject lines to the CUCM form', function () {
      assert.equal(cucmName('C=PL\nOU=b\nCN=a'), 'CN=a;OU=b;C=PL');
    });
  });

  describe('round trip', function () {
    it('parses back every header field and record it built', function () {
      const records: TrustRecord[] = [
        recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153'),
        recordFromCertificate(tvs.cert, Role.TVS, 'cucm-sub1', '10.48.47.154'),
        recordFromCertificate(ec.cert, Role.CCM, 'cucm-pub', '192.168.0.255'),
        { role: Role.CCM_TFTP, dnsName: '10.48.47.154', ipAddress: '10.48.47.154' },
        { role: Role.APP_SERVER, dnsName: '', ipAddress: '0.0.0.0', certHash: Buffer.alloc(20, 0xab), certHashAlgorithm: 1 },
      ];
      const file = workedExample(records);
      const { header, records: parsed } = parseTrustList(file);
      assert.equal(header.version, '1.2');
      assert.equal(header.headerLength, 336);
      assert.equal(header.signerName, PUB_NAME);
      assert.equal(header.caName, PUB_NAME);
      assert.equal(header.serialNumber.toString('hex').toUpperCase(), PUB_SERIAL);
      assert.equal(header.fileName, 'CTLFile.tlv');
      assert.equal(header.timestamp, TIMESTAMP);
      assert.equal(header.padding, 3);
      assert.deepEqual(
        header.items.map((i) => [i.pos, i.name, i.length]),
        [
          [1, 'VERSION', 2],
          [2, 'HEADERLENGTH', 2],
          [3, 'SIGNERID', 149],
          [4, 'SIGNERNAME', 62],
          [5, 'SERIALNUMBER', 16],
          [6, 'CANAME', 62],
          [7, 'SIGNATUREINFO', 15],
          [8, 'DIGESTALGORTITHM', 1],
          [9, 'SIGNATUREALGOINFO', 8],
          [10, 'SIGNATUREALGORTITHM', 1],
          [11, 'SIGNATUREMODULUS', 1],
          [12, 'SIGNATURE', 128],
          [14, 'FILENAME', 12],
          [15, 'TIMESTAMP', 4],
        ],
      );
      assert.equal(parsed.length, records.length);
      parsed.forEach((record, i) => {
        const { offset, length, items, ...fields } = record;
        assert.deepEqual(fields, records[i], `record ${i + 1}`);
        assert.equal(items[0].name, 'RECORDLENGTH');
        assert.equal(file.readUInt16BE(offset + 3), length);
      });
      assert.equal(parsed[3].length, 33);
    });
  });

  describe('verification', function () {
    it('verifies independently of the builder: SHA-1 over the file without the SIGNATURE TLV', function () {
      const file = workedExample();
      const signed = Buffer.concat([file.subarray(0, 180), file.subarray(311)]);
      assert.ok(verify('sha1', signed, createPublicKey(pub.cert), file.subarray(183, 311)));
    });

    it('finds the signer among the SAST records and accepts an explicit certificate', function () {
      const file = workedExample([
        recordFromCertificate(big.cert, Role.SAST, '', '10.0.0.9'),
        recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153'),
        recordFromCertificate(pub.cert, Role.CCM_TFTP, 'cucm-1051-a-pub', '10.48.47.153'),
      ]);
      assert.deepEqual(verifyTrustList(file), { ok: true, signerRecordIndex: 1 });
      assert.deepEqual(verifyTrustList(file, pub.cert), { ok: true });
      assert.equal(verifyTrustList(file, big.cert).ok, false);
    });

    it('fails when any byte is changed', function () {
      const file = workedExample();
      for (const offset of [3, 40, 200, 330, 400, file.length - 1]) {
        const tampered = Buffer.from(file);
        tampered[offset] ^= 0x01;
        assert.equal(verifyTrustList(tampered).ok, false, `offset ${offset}`);
      }
    });

    it('needs a SAST record with the header serial, issuer and a certificate', function () {
      const ccmOnly = workedExample([recordFromCertificate(pub.cert, Role.CCM_TFTP, 'cucm-1051-a-pub', '10.48.47.153')]);
      assert.match(verifyTrustList(ccmOnly).reason!, /no SAST record/);
      const otherIssuer = { ...recordFromCertificate(pub.cert, Role.SAST, 'x', '10.0.0.1'), issuerName: 'CN=someone else' };
      assert.equal(verifyTrustList(workedExample([otherIssuer])).ok, false);
      const noCertificate = { ...recordFromCertificate(pub.cert, Role.SAST, 'x', '10.0.0.1'), certificate: undefined };
      assert.equal(verifyTrustList(workedExample([noCertificate])).ok, false);
    });
  });

  describe('builder refusals', function () {
    const base = () => ({ fileName: 'ITLFile.tlv', timestamp: TIMESTAMP, records: [] as TrustRecord[] });

    it('refuses a non-RSA signer key', function () {
      assert.throws(() => buildTrustList({ ...base(), signerCertPem: ec.cert, signerKeyPem: ec.key }), /must be RSA, got ec/);
    });

    it('refuses a key that does not belong to the certificate', function () {
      assert.throws(() => buildTrustList({ ...base(), signerCertPem: pub.cert, signerKeyPem: big.key }), /does not belong/);
    });

    it('refuses values longer than a 16-bit length', function () {
      const huge = { role: Role.TVS, dnsName: 'x', ipAddress: '10.0.0.1', certificate: Buffer.alloc(70000) };
      assert.throws(() => buildTrustList({ ...base(), signerCertPem: pub.cert, signerKeyPem: pub.key, records: [huge] }), TlvFormatError);
      const bigRecord = { role: Role.TVS, dnsName: 'x', ipAddress: '10.0.0.1', certificate: Buffer.alloc(40000), publicKey: Buffer.alloc(30000) };
      assert.throws(() => encodeRecord(bigRecord), /would be \d+ bytes/);
    });

    it('refuses a bad IP address or timestamp', function () {
      assert.throws(() => encodeRecord({ role: 0, dnsName: '', ipAddress: 'cucm-pub' }), TlvFormatError);
      assert.throws(() => buildTrustList({ ...base(), signerCertPem: pub.cert, signerKeyPem: pub.key, timestamp: -1 }), TlvFormatError);
    });
  });

  describe('strict decoding', function () {
    let valid: Buffer;
    before(function () {
      valid = workedExample();
    });

    function mutate(edit: (b: Buffer) => Buffer | void): Buffer {
      const copy = Buffer.from(valid);
      return edit(copy) ?? copy;
    }

    const cases: [string, (b: Buffer) => Buffer | void, RegExp][] = [
      ['empty input', () => Buffer.alloc(0), /empty file/],
      ['a file that does not start with VERSION', (b) => void (b[0] = 2), /expected VERSION at offset 0/],
      ['VERSION with the wrong length', (b) => void b.writeUInt16BE(3, 1), /VERSION at offset 0 has length 3/],
      ['HEADERLENGTH missing', (b) => void (b[5] = 3), /expected HEADERLENGTH at offset 5/],
      ['a file shorter than its header', (b) => b.subarray(0, 200), /HEADERLENGTH .* is 336, but the file is 200 bytes/],
      ['a file cut inside the VERSION TLV', (b) => b.subarray(0, 2), /truncated TLV at offset 0/],
      ['HEADERLENGTH 4 bytes too short', (b) => void b.writeUInt16BE(332, 8), /offset 326 .* past the end of the header/],
      ['HEADERLENGTH 4 bytes too long', (b) => void b.writeUInt16BE(340, 8), /offset 336/],
      ['an unknown header tag', (b) => void (b[311] = 0x20), /unknown header tag 32 at offset 311/],
      ['a header string without its NUL', (b) => void (b[77] = 0x41), /SIGNERNAME at offset 13 is not NUL-terminated/],
      ['a header string with an inner NUL', (b) => void (b[20] = 0), /SIGNERNAME at offset 13 has a NUL before its end/],
      ['a SIGNERID length that splits a TLV', (b) => void b.writeUInt16BE(148, 11), /SIGNERID at offset 10 ends at offset 161/],
      ['a SIGNERID length that swallows the next TLV', (b) => void b.writeUInt16BE(150, 11), /SIGNATUREINFO at offset 162 must be outside any container/],
      ['a second FILENAME', (b) => void (b[326] = 0x0e), /second FILENAME at offset 326/],
      ['a tag outside its container', (b) => void b.writeUInt16BE(84, 11), /CANAME at offset 97 must be inside SIGNERID/],
      ['a DIGESTALGORITHM of length 2', (b) => void b.writeUInt16BE(2, 166), /DIGESTALGORITHM at offset 165 has length 2/],
      ['a huge signature length', (b) => void b.writeUInt16BE(0xffff, 181), /offset 180 has length 65535/],
      ['a record that does not start with RECORDLENGTH', (b) => void (b[336] = 2), /record at offset 336 does not start with RECORDLENGTH/],
      ['RECORDLENGTH one byte too long', (b) => void b.writeUInt16BE(b.readUInt16BE(339) + 1, 339), /record at offset 336/],
      ['RECORDLENGTH one byte too short', (b) => void b.writeUInt16BE(b.readUInt16BE(339) - 1, 339), /record at offset 336 \(RECORDLENGTH \d+\)/],
      ['RECORDLENGTH below 5', (b) => void b.writeUInt16BE(4, 339), /RECORDLENGTH 4 at offset 336/],
      ['a file cut inside the last record', (b) => b.subarray(0, b.length - 1), /does not fit the file/],
      ['an unknown record tag', (b) => void (b[341] = 0x0d), /unknown record tag 13 at offset 341/],
      ['a FUNCTION of length 3', (b) => void b.writeUInt16BE(3, 341 + 19 + 65 + 1), /FUNCTION at offset 425 has length 3/],
      ['a record string without its NUL', (b) => void (b[341 + 18] = 0x41), /DNSNAME at offset 341 is not NUL-terminated/],
      ['trailing garbage after the last record', (b) => Buffer.concat([b, Buffer.from([1, 0])]), /truncated TLV at offset/],
    ];
    for (const [what, edit, message] of cases) {
      it(`rejects ${what}`, function () {
        const bad = mutate(edit);
        assert.throws(() => parseTrustList(bad), (err: unknown) => err instanceof TlvFormatError && message.test(err.message));
        assert.equal(verifyTrustList(bad).ok, false);
      });
    }

    it('rejects a record without FUNCTION', function () {
      const record = Buffer.from('01000200' + '0b' + '02000201' + '00' + '0a00040a000001', 'hex');
      record.writeUInt16BE(record.length, 3);
      assert.throws(() => parseTrustList(Buffer.concat([valid.subarray(0, 336), record])), /record at offset 336 has no FUNCTION/);
    });
  });

  describe('robustness', function () {
    // mulberry32: a seeded generator, so a failure can be replayed.
    function prng(seed: number): () => number {
      return () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }

    it('parses or throws TlvFormatError on random bytes, mutations and truncations', function () {
      const valid = workedExample();
      const random = prng(0x1cc7);
      const int = (n: number) => Math.floor(random() * n);
      const inputs: Buffer[] = [];
      for (let i = 0; i < 1500; i++) {
        const kind = i % 5;
        if (kind === 0) {
          inputs.push(Buffer.from(Array.from({ length: int(400) }, () => int(256))));
        } else if (kind === 1) {
          // A plausible start so the decoder gets past VERSION/HEADERLENGTH.
          const rest = Buffer.from(Array.from({ length: int(400) }, () => int(256)));
          const start = Buffer.from([1, 0, 2, 1, 2, 2, 0, 2, 0, int(256)]);
          inputs.push(Buffer.concat([start, rest]));
        } else if (kind === 2) {
          const b = Buffer.from(valid);
          for (let n = 1 + int(8); n > 0; n--) b[int(b.length)] = int(256);
          inputs.push(b);
        } else if (kind === 3) {
          inputs.push(valid.subarray(0, int(valid.length)));
        } else {
          const at = int(valid.length);
          const cut = int(8);
          inputs.push(Buffer.concat([valid.subarray(0, at), Buffer.from([int(256)]), valid.subarray(at + cut)]));
        }
      }
      let parsed = 0;
      for (const input of inputs) {
        try {
          parseTrustList(input);
          parsed++;
        } catch (err) {
          assert.ok(err instanceof TlvFormatError, `${(err as Error).stack}\ninput ${input.toString('hex')}`);
        }
        assert.equal(typeof verifyTrustList(input).ok, 'boolean');
        assert.ok(renderTrustList('CTL', input, new Date(0), 'UTC').length > 0);
      }
      assert.ok(parsed > 0, 'some mutations keep the structure intact');
    });
  });

  describe('.sgn files', function () {
    const xml = Buffer.from('<device><fullConfig>true</fullConfig></device>\n');
    const sgn = () =>
      buildSignedFile({ fileName: 'SEP001122334455.cnf.xml.sgn', body: xml, signerCertPem: pub.cert, signerKeyPem: pub.key, timestamp: TIMESTAMP });

    it('round-trips header and body, the body being the file after HEADERLENGTH', function () {
      const file = sgn();
      const { header, body } = parseSignedFile(file);
      assert.equal(header.version, '1.0');
      assert.equal(header.fileName, 'SEP001122334455.cnf.xml.sgn');
      assert.equal(header.signerName, PUB_NAME);
      assert.deepEqual(body, xml);
      assert.deepEqual(file.subarray(file.readUInt16BE(8)), xml); // what certutils' stripsgn does
      assert.equal(header.headerLength % 4, 0);
    });

    it('signs header without SIGNATURE plus body', function () {
      const file = sgn();
      const { signed, signature } = cutSignatureByHand(file);
      assert.ok(verify('sha1', signed, createPublicKey(pub.cert), signature));
      assert.deepEqual(verifySignedFile(file, pub.cert), { ok: true });
      const tampered = Buffer.from(file);
      tampered[tampered.length - 2] ^= 0x20;
      assert.equal(verifySignedFile(tampered, pub.cert).ok, false);
      assert.equal(verifySignedFile(file, big.cert).ok, false);
      assert.equal(verifySignedFile(file.subarray(0, 20), pub.cert).ok, false);
    });
  });
});
