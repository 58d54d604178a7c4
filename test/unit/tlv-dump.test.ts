import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role, buildTrustList, recordFromCertificate, renderTrustList } from '../../src/tlv';

/** openssl -subj lists RDNs in DER order; CUCM encodes them C first so that they print CN first. */
function javaOrder(subject: string): string {
  return '/' + subject.split('/').filter(Boolean).reverse().join('/');
}

const PUB_NAME = 'CN=cucm-1051-a-pub;OU=TAC;O=Cisco;L=Krakow;ST=Malopolska;C=PL';
const TIMESTAMP = 1425675367; // Fri Mar 06 21:56:07 CET 2015
const MODIFIED = new Date(TIMESTAMP * 1000);

/** What a terminal shows: TABs expanded to 8-column stops. */
function expand(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

describe('tlv: show itl / show ctl text', function () {
  let dir: string;
  let pub: { cert: string; key: string };
  let recovery: { cert: string; key: string };

  function selfSigned(name: string, serial: string, subject: string) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '3650', '-set_serial', serial, '-subj', javaOrder(subject)], { cwd: dir, stdio: 'pipe' });
    return { cert: readFileSync(join(dir, `${name}.pem`), 'utf8'), key: readFileSync(join(dir, `${name}.key`), 'utf8') };
  }

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'tlv-dump-'));
    pub = selfSigned('pub', '0x70CAF64E090751B9DF22F49F754FC5BB', '/CN=cucm-1051-a-pub/OU=TAC/O=Cisco/L=Krakow/ST=Malopolska/C=PL');
    recovery = selfSigned('recovery', '0x11', '/CN=ITLRECOVERY_cucm-1051-a-pub/OU=TAC/O=Cisco/L=Krakow/ST=Malopolska/C=PL');
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const smallCtl = () =>
    buildTrustList({
      fileName: 'CTLFile.tlv',
      signerCertPem: pub.cert,
      signerKeyPem: pub.key,
      timestamp: TIMESTAMP,
      records: [
        recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153'),
        { role: Role.CCM_TFTP, dnsName: '10.48.47.154', ipAddress: '10.48.47.154' },
      ],
    });

  it('prints the whole dump of a small CTL', function () {
    const file = smallCtl();
    const der = new X509Certificate(pub.cert).raw;
    const signature = file.subarray(183, 311);
    const signatureLines: string[] = [];
    for (let i = 0; i < 128; i += 8) signatureLines.push(Array.from(signature.subarray(i, i + 8), (b) => b.toString(16)).join('  '));
    const certSha1 = createHash('sha1').update(der).digest('hex').toUpperCase().match(/../g)!.join(' ');
    const recordLength = 5 + 19 + 65 + 5 + 65 + 19 + 143 + 131 + 3 + der.length + 7;

    assert.deepEqual(renderTrustList('CTL', file, MODIFIED, 'Europe/Warsaw'), [
      'The checksum value of the CTL file:',
      `${createHash('md5').update(file).digest('hex')}(MD5)`,
      `${createHash('sha1').update(file).digest('hex')}(SHA1)`,
      '',
      `Length of CTL file: ${336 + recordLength + 33}`,
      'The CTL File was last modified on Fri Mar 06 21:56:07 CET 2015',
      '',
      '\tParse CTL File',
      '\t----------------',
      '',
      'Version:\t1.2',
      'HeaderLength:\t336 (BYTES)',
      '',
      'BYTEPOS\tTAG\t\tLENGTH\tVALUE',
      '-------\t---\t\t------\t-----',
      '3\tSIGNERID\t2\t149',
      `4\tSIGNERNAME\t62\t${PUB_NAME}`,
      '5\tSERIALNUMBER\t16\t70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB',
      `6\tCANAME\t\t62\t${PUB_NAME}`,
      '7\tSIGNATUREINFO\t2\t15',
      '8\tDIGESTALGORTITHM\t1',
      '9\tSIGNATUREALGOINFO\t2\t8',
      '10\tSIGNATUREALGORTITHM\t1',
      '11\tSIGNATUREMODULUS\t1',
      '12\tSIGNATURE\t128',
      ...signatureLines,
      '14\tFILENAME\t12',
      '15\tTIMESTAMP\t4',
      '',
      '\tCTL Record #:1',
      '\t----',
      'BYTEPOS\tTAG\t\tLENGTH\tVALUE',
      '-------\t---\t\t------\t-----',
      `1\tRECORDLENGTH\t2\t${recordLength}`,
      '2\tDNSNAME\t\t16\tcucm-1051-a-pub',
      `3\tSUBJECTNAME\t62\t${PUB_NAME}`,
      '4\tFUNCTION\t2\tSystem Administrator Security Token',
      `5\tISSUERNAME\t62\t${PUB_NAME}`,
      '6\tSERIALNUMBER\t16\t70:CA:F6:4E:09:07:51:B9:DF:22:F4:9F:75:4F:C5:BB',
      '7\tPUBLICKEY\t140',
      '8\tSIGNATURE\t128',
      `9\tCERTIFICATE\t${der.length}\t${certSha1} (SHA1 Hash HEX)`,
      '10\tIPADDRESS\t4',
      'This etoken was used to sign the CTL file.',
      '',
      '\tCTL Record #:2',
      '\t----',
      'BYTEPOS\tTAG\t\tLENGTH\tVALUE',
      '-------\t---\t\t------\t-----',
      '1\tRECORDLENGTH\t2\t33',
      '2\tDNSNAME\t\t13\t10.48.47.154',
      '4\tFUNCTION\t2\tCCM+TFTP',
      '10\tIPADDRESS\t4',
      '',
      'The CTL file was verified successfully.',
    ]);
  });

  it('lines up the columns the way the TN-118892 capture shows them', function () {
    const lines = renderTrustList('CTL', smallCtl(), MODIFIED, 'Europe/Warsaw').map(expand);
    const find = (prefix: string) => lines.find((l) => l.startsWith(prefix))!;
    assert.equal(find('BYTEPOS'), 'BYTEPOS TAG             LENGTH  VALUE');
    assert.equal(find('3 '), '3       SIGNERID        2       149');
    assert.equal(find('6 '), `6       CANAME          62      ${PUB_NAME}`);
    assert.equal(find('8 '), '8       DIGESTALGORTITHM        1');
    assert.equal(find('9 '), '9       SIGNATUREALGOINFO       2       8');
    assert.equal(find('Version:'), 'Version:        1.2');
    assert.equal(find('HeaderLength:'), 'HeaderLength:   336 (BYTES)');
    assert.equal(find('2       DNSNAME'), '2       DNSNAME         16      cucm-1051-a-pub');
  });

  it('marks which SAST record signed the ITL', function () {
    const file = buildTrustList({
      fileName: 'ITLFile.tlv',
      signerCertPem: recovery.cert,
      signerKeyPem: recovery.key,
      timestamp: TIMESTAMP,
      records: [
        recordFromCertificate(recovery.cert, Role.SAST, '', '10.48.47.153'),
        recordFromCertificate(pub.cert, Role.SAST, 'cucm-1051-a-pub', '10.48.47.153'),
        recordFromCertificate(pub.cert, Role.TFTP, 'cucm-1051-a-pub', '10.48.47.153'),
        recordFromCertificate(pub.cert, Role.TVS, 'cucm-1051-a-pub', '10.48.47.153'),
      ],
    });
    const lines = renderTrustList('ITL', file, MODIFIED, 'UTC');
    assert.deepEqual(
      lines.filter((l) => /etoken|^\tITL Record|FUNCTION/.test(l)),
      [
        '\tITL Record #:1',
        '4\tFUNCTION\t2\tSystem Administrator Security Token',
        'This etoken was used to sign the ITL file.',
        '\tITL Record #:2',
        '4\tFUNCTION\t2\tSystem Administrator Security Token',
        'This etoken was not used to sign the ITL file.',
        '\tITL Record #:3',
        '4\tFUNCTION\t2\tTFTP',
        '\tITL Record #:4',
        '4\tFUNCTION\t2\tTVS',
      ],
    );
    assert.equal(lines[lines.length - 1], 'The ITL file was verified successfully.');
    assert.equal(lines[5], 'The ITL File was last modified on Fri Mar 06 20:56:07 UTC 2015');
  });

  it('ends with the parse error when the signature does not verify', function () {
    const file = smallCtl();
    file[file.length - 1] ^= 1; // last byte of the last IPADDRESS
    const lines = renderTrustList('CTL', file, MODIFIED, 'UTC');
    assert.equal(lines[lines.length - 2], '');
    assert.equal(lines[lines.length - 1], 'Error parsing the CTL File.');
    assert.ok(lines.includes('\tCTL Record #:2'));
  });

  it('prints the documented lines for a missing CTL and the ITL analogue', function () {
    assert.deepEqual(renderTrustList('CTL', null, MODIFIED, 'UTC'), [
      'Length of CTL file: 0',
      'CTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file.',
      'Error parsing the CTL File.',
    ]);
    assert.deepEqual(renderTrustList('ITL', null, MODIFIED, 'UTC'), [
      'Length of ITL file: 0',
      'ITL File not found. Please activate the Cisco Tftp service to generate the ITL file.',
      'Error parsing the ITL File.',
    ]);
  });

  it('prints checksums, length and date, then the error, for a corrupt file', function () {
    const corrupt = smallCtl().subarray(0, 300);
    assert.deepEqual(renderTrustList('ITL', corrupt, MODIFIED, 'UTC'), [
      'The checksum value of the ITL file:',
      `${createHash('md5').update(corrupt).digest('hex')}(MD5)`,
      `${createHash('sha1').update(corrupt).digest('hex')}(SHA1)`,
      '',
      'Length of ITL file: 300',
      'The ITL File was last modified on Fri Mar 06 20:56:07 UTC 2015',
      'Error parsing the ITL File.',
    ]);
  });
});
