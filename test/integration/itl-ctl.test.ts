// Real ITL and CTL files, driven through the admin: CLI of a two-node 14.x cluster: what `show itl` and
// `show ctl` print about the stored bytes, the security-mode changes of `utils ctl`, the bulk ITL reset
// with the local key and with ITLRecovery.p12 fetched from a lab SFTP server, the export of that file
// with `file get tftp`, and `file list|delete tftp`. node:crypto and openssl judge the files.
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../src/app';
import { verifyTrustList, parseTrustList, Role, type ParsedTrustList } from '../../src/tlv';
import { startLabSftpServer, type LabSftpServer } from '../../src/net/sftp-server';
import { generateHostKey } from '../../src/ssh/hostkey';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession, type TestSession, dialog, pemIn } from '../helpers/terminal';
import { within } from '../helpers/wait';

const PUB = 'cucm-pub';
const SUB = 'cucm-sub1';
const NODES = [PUB, SUB];
const IPS: Record<string, string> = { [PUB]: '10.10.10.11', [SUB]: '10.10.10.12' };
const LAB_USER = 'lab';
const LAB_PASS = 'labpass';
const P12_PASS = 'p12secret';
const FAILURE = 'Executed command unsuccessfully';

const CTL_NOT_FOUND =
  'Length of CTL file: 0\r\nCTL File not found. Please run CTLClient plugin or run the CLI - utils ctl.. to generate the CTL file.\r\nError parsing the CTL File.\r\n';
const MIXED_QUESTION = 'This operation will set the cluster to Mixed mode. Do you want to continue? (y/n):';
const NON_SECURE_QUESTION = 'This operation will set the cluster to non secure mode. Do you want to continue? (y/n):';
const RESET_PHONES_TAIL =
  'You must reset all phones to ensure they received the updated CTL file. \r\n' +
  'You must restart Cisco CTIManager services on all the nodes in the cluster that have the service activated.\r\n';



/** CUCM's name string for a certificate subject: `CN=..;OU=..;O=..;L=..;ST=..;C=..`. */
function cucmSubject(pem: string): string {
  return new X509Certificate(pem).subject.split('\n').reverse().join(';');
}

const derOf = (pem: string) => Buffer.from(new X509Certificate(pem).raw);

/**
 * Walks the header by hand (tag, 2-byte length; containers 3/7/9 have no value of their own; 0x0D is
 * a lone pad byte), cuts the SIGNATURE TLV out and checks it with node:crypto against `certPem`.
 */
function independentlyVerifies(buf: Buffer, certPem: string): boolean {
  assert.equal(buf[0], 1, 'VERSION first');
  assert.equal(buf[5], 2, 'HEADERLENGTH second');
  const headerLength = buf.readUInt16BE(8);
  let p = 10;
  let digest: number | undefined;
  let sig: { start: number; end: number } | undefined;
  while (p < headerLength) {
    const tag = buf[p];
    if (tag === 0x0d) {
      p += 1;
      continue;
    }
    const len = buf.readUInt16BE(p + 1);
    if (tag === 3 || tag === 7 || tag === 9) {
      p += 3;
      continue;
    }
    if (tag === 8) digest = buf[p + 3];
    if (tag === 12) sig = { start: p, end: p + 3 + len };
    p += 3 + len;
  }
  assert.equal(p, headerLength, 'the header TLVs end exactly at HEADERLENGTH');
  assert.ok(sig && digest !== undefined, 'SIGNATURE and DIGESTALGORITHM present');
  const signed = Buffer.concat([buf.subarray(0, sig.start), buf.subarray(sig.end)]);
  const hash = digest === 1 ? 'sha1' : digest === 3 ? 'sha512' : assert.fail(`digest ${digest}`);
  return cryptoVerify(hash, signed, new X509Certificate(certPem).publicKey, buf.subarray(sig.start + 3, sig.end));
}

interface ShownRecord {
  role: string;
  subject?: string;
  dnsName?: string;
  used: boolean | null;
  text: string;
}

/** `show itl`/`show ctl` output: the header part and one entry per record. */
function parseShown(out: string, kind: 'ITL' | 'CTL'): { header: string; records: ShownRecord[] } {
  const parts = out.split(`\t${kind} Record #:`);
  const records = parts.slice(1).map((text) => ({
    role: /\r\n4\tFUNCTION\t2\t([^\r]*)\r\n/.exec(text)?.[1] ?? '',
    subject: /\r\n3\tSUBJECTNAME\t\d+\t([^\r]*)\r\n/.exec(text)?.[1],
    dnsName: /\r\n2\tDNSNAME\t+\d+\t([^\r]*)\r\n/.exec(text)?.[1],
    used: text.includes(`This etoken was used to sign the ${kind} file.`) ? true : text.includes(`This etoken was not used to sign the ${kind} file.`) ? false : null,
    text,
  }));
  return { header: parts[0], records };
}

const signerNameIn = (out: string) => /\r\n4\tSIGNERNAME\t\d+\t([^\r]*)\r\n/.exec(out)?.[1];
/** Records as tag/value pairs, without offsets (a different signer changes the header length). */
const recordValues = (buf: Buffer) => parseTrustList(buf).records.map((r) => r.items.map((i) => [i.tag, i.value.toString('hex')]));
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

const LAB_HOST_KEY = Buffer.from(generateHostKey());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('integration: real ITL and CTL files', function () {
  this.timeout(60000);
  let app: App;
  let pub: TestSession;
  let sub: TestSession;

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    pub = openTestSession(app);
    sub = openTestSession(app, { node: SUB });
  });
  afterEach(() => app.close());

  const itl = (node: string) => app.cluster.tftp.file(node, 'ITLFile.tlv')!.content;
  const ctl = (node: string) => app.cluster.tftp.file(node, 'CTLFile.tlv')?.content;
  const certPem = async (t: TestSession, unit: string) => pemIn(await t.run(`show cert own ${unit}`));
  const itlRecovery = () => certPem(pub, 'ITLRecovery');
  const roles = (list: ParsedTrustList) => list.records.map((r) => r.role);

  async function mixedMode(): Promise<string> {
    const out = await dialog(pub, 'utils ctl set-cluster mixed-mode', [[MIXED_QUESTION, 'y']]);
    assert.ok(app.cluster.settings.mixedMode, out);
    return out;
  }

  describe('ITL after init', () => {
    it('every TFTP node has an ITL that verifies, with the SIGNATURE TLV cut out by hand and checked against ITLRecovery', async () => {
      const recovery = await itlRecovery();
      for (const node of NODES) {
        const buf = itl(node);
        const v = verifyTrustList(buf);
        assert.ok(v.ok, `${node}: ${v.reason}`);
        assert.equal(v.signerRecordIndex, 0, 'the ITLRecovery SAST record signs');
        assert.ok(verifyTrustList(buf, recovery).ok, `${node}: verifies with the certificate show cert own ITLRecovery prints`);
        assert.ok(independentlyVerifies(buf, recovery), `${node}: independent check`);
        const cm = await certPem(pub, 'CallManager');
        assert.ok(!independentlyVerifies(buf, cm), 'a different key does not verify it');
        assert.equal(parseTrustList(buf).header.signerName, cucmSubject(recovery));
        assert.equal(parseTrustList(buf).header.fileName, 'ITLFile.tlv');
      }
    });

    it('holds 2 SAST, this node\'s CallManager and CallManager-ECDSA as TFTP, CAPF and one TVS per node', async () => {
      for (const node of NODES) {
        const t = node === PUB ? pub : sub;
        const list = parseTrustList(itl(node));
        assert.deepEqual(roles(list), [Role.SAST, Role.SAST, Role.TFTP, Role.TFTP, Role.CAPF, Role.TVS, Role.TVS]);
        const own = derOf(await certPem(t, 'CallManager'));
        assert.ok(list.records[1].certificate!.equals(own), `${node}: second SAST is its own CallManager`);
        assert.ok(list.records[2].certificate!.equals(own), `${node}: TFTP record is its own CallManager`);
        assert.equal(list.records[2].dnsName, node);
        assert.equal(list.records[2].ipAddress, IPS[node]);
        assert.ok(list.records[0].certificate!.equals(derOf(await itlRecovery())));
        assert.ok(list.records[3].certificate!.equals(derOf(await certPem(t, 'CallManager-ECDSA'))), `${node}: its CallManager-ECDSA for ECDSA devices`);
        assert.equal(list.records[3].publicKey!.length, 65, 'an X9.62 point');
        assert.ok(list.records[4].certificate!.equals(derOf(await certPem(pub, 'CAPF'))));
        assert.ok(list.records[5].certificate!.equals(derOf(await certPem(pub, 'TVS'))));
        assert.ok(list.records[6].certificate!.equals(derOf(await certPem(sub, 'TVS'))));
      }
    });

    it('show itl prints MD5, SHA1 and the length of the stored bytes, the roles, the signing etoken and the verified line', async () => {
      const recovery = await itlRecovery();
      for (const node of NODES) {
        const t = node === PUB ? pub : sub;
        const out = await t.run('show itl');
        const buf = itl(node);
        assert.ok(
          out.startsWith(`show itl\r\nThe checksum value of the ITL file:\r\n${md5(buf)}(MD5)\r\n${sha1(buf)}(SHA1)\r\n`),
          `${node}: checksum block\n${out.slice(0, 300)}`,
        );
        assert.ok(out.includes(`\r\nLength of ITL file: ${buf.length}\r\n`), `${node}: length line`);
        assert.match(out, /\r\nThe ITL File was last modified on \w{3} \w{3} \d\d \d\d:\d\d:\d\d \w+ \d{4}\r\n/);
        assert.ok(out.endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'), `${node}: ends verified`);
        assert.equal(signerNameIn(out), cucmSubject(recovery));
        const { records } = parseShown(out, 'ITL');
        assert.deepEqual(records.map((r) => r.role), [
          'System Administrator Security Token', 'System Administrator Security Token', 'TFTP', 'TFTP', 'CAPF', 'TVS', 'TVS',
        ]);
        assert.equal(records[0].subject, cucmSubject(recovery));
        assert.equal(records[0].used, true, 'This etoken was used to sign the ITL file. on the ITLRecovery record');
        assert.equal(records[1].used, false);
        assert.deepEqual(records.slice(2).map((r) => r.used), [null, null, null, null, null], 'only SAST records carry the etoken line');
        assert.equal((out.match(/This etoken was used to sign the ITL file\./g) ?? []).length, 1);
      }
    });

    it('deactivating Cisco Tftp removes the node\'s ITL; activating it builds one that verifies', async () => {
      const out = await sub.run('utils service deactivate Cisco Tftp');
      assert.ok(!out.includes(FAILURE), out);
      assert.equal(app.cluster.tftp.file(SUB, 'ITLFile.tlv'), undefined);
      const shown = await sub.run('show itl');
      assert.ok(shown.startsWith('show itl\r\nLength of ITL file: 0\r\n'), shown);
      assert.ok(shown.endsWith('\r\nError parsing the ITL File.\r\nadmin:'), shown);
      assert.ok(app.cluster.tftp.file(PUB, 'ITLFile.tlv'), 'the publisher keeps its ITL');
      await sub.run('utils service activate Cisco Tftp');
      assert.ok(verifyTrustList(itl(SUB), await itlRecovery()).ok);
      assert.ok((await sub.run('show itl')).endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'));
    });

    it('a deleted ITLFile.tlv comes back when Cisco Tftp restarts', async () => {
      const question = 'Delete the File ITLFile.tlv? Enter "y" followed by return to continue: ';
      assert.ok((await dialog(sub, 'file delete tftp ITLFile.tlv', [[question, 'y']])).endsWith('files: found = 1, deleted = 1\r\nadmin:'));
      assert.equal(app.cluster.tftp.file(SUB, 'ITLFile.tlv'), undefined);
      assert.match(await sub.run('show itl'), /^show itl\r\nLength of ITL file: 0\r\n/);
      await sub.run('utils service restart Cisco Tftp');
      assert.ok(verifyTrustList(itl(SUB), await itlRecovery()).ok);
      assert.deepEqual(parseTrustList(itl(SUB)).records.map((r) => r.role), [Role.SAST, Role.SAST, Role.TFTP, Role.TFTP, Role.CAPF, Role.TVS, Role.TVS]);
    });

    it('show ctl before mixed mode says there is no CTL file', async () => {
      for (const t of [pub, sub]) assert.equal(await t.run('show ctl'), `show ctl\r\n${CTL_NOT_FOUND}admin:`);
    });
  });

  describe('utils ctl', () => {
    it('set-cluster mixed-mode: exact dialogue; one CTL on both nodes, signed by ITLRecovery; the ITL\'s TFTP record becomes CCM+TFTP', async () => {
      const before = { pub: itl(PUB), sub: itl(SUB) };
      const out = await mixedMode();
      assert.equal(
        out,
        `utils ctl set-cluster mixed-mode\r\n${MIXED_QUESTION}y\r\nMoving Cluster to Mixed Mode\r\nCluster set to Mixed Mode\r\n${RESET_PHONES_TAIL}admin:`,
      );
      const recovery = await itlRecovery();
      const c = ctl(PUB)!;
      assert.ok(c, 'the publisher has a CTL');
      assert.ok(ctl(SUB)!.equals(c), 'the same CTL bytes on every node');
      assert.ok(verifyTrustList(c, recovery).ok);
      assert.ok(independentlyVerifies(c, recovery));
      const list = parseTrustList(c);
      assert.equal(list.header.fileName, 'CTLFile.tlv');
      assert.equal(list.header.signerName, cucmSubject(recovery));
      assert.deepEqual(roles(list), [Role.SAST, Role.SAST, Role.CCM_TFTP, Role.CAPF, Role.CCM_TFTP]);
      const ccmTftp = list.records.filter((r) => r.role === Role.CCM_TFTP);
      assert.deepEqual(ccmTftp.map((r) => r.dnsName), [PUB, SUB]);
      assert.ok(ccmTftp[0].certificate!.equals(derOf(await certPem(pub, 'CallManager'))));
      assert.ok(ccmTftp[1].certificate!.equals(derOf(await certPem(sub, 'CallManager'))));
      assert.ok(!list.records.some((r) => r.role === Role.TVS), 'no TVS in the CTL');

      for (const node of NODES) {
        const buf = itl(node);
        assert.ok(!buf.equals(node === PUB ? before.pub : before.sub), `${node}: ITL rebuilt`);
        assert.deepEqual(roles(parseTrustList(buf)), [Role.SAST, Role.SAST, Role.CCM_TFTP, Role.CCM_TFTP, Role.CAPF, Role.TVS, Role.TVS]);
        assert.ok(verifyTrustList(buf, recovery).ok);
      }
      for (const t of [pub, sub]) {
        const shown = await t.run('show ctl');
        assert.ok(shown.startsWith(`show ctl\r\nThe checksum value of the CTL file:\r\n${md5(c)}(MD5)\r\n${sha1(c)}(SHA1)\r\n`));
        assert.ok(shown.includes(`\r\nLength of CTL file: ${c.length}\r\n`));
        assert.ok(shown.endsWith('\r\nThe CTL file was verified successfully.\r\nadmin:'));
        const { records } = parseShown(shown, 'CTL');
        assert.deepEqual(records.map((r) => r.role), ['System Administrator Security Token', 'System Administrator Security Token', 'CCM+TFTP', 'CAPF', 'CCM+TFTP']);
        assert.deepEqual(records.map((r) => r.used), [true, false, null, null, null]);
        assert.match(await t.run('show itl'), /\r\n4\tFUNCTION\t2\tCCM\+TFTP\r\n/);
      }
    });

    it('set-cluster mixed-mode a second time says the cluster is already in Mixed Mode and changes nothing', async () => {
      await mixedMode();
      const c = ctl(PUB)!;
      const i = itl(PUB);
      const again = await pub.run('utils ctl set-cluster mixed-mode');
      assert.match(again, /already in Mixed Mode/);
      assert.ok(!again.includes('(y/n)'), 'no question');
      assert.ok(ctl(PUB)!.equals(c));
      assert.ok(itl(PUB).equals(i));
    });

    it('answering n changes nothing', async () => {
      const i = itl(PUB);
      const out = await dialog(pub, 'utils ctl set-cluster mixed-mode', [[MIXED_QUESTION, 'n']]);
      assert.equal(out, `utils ctl set-cluster mixed-mode\r\n${MIXED_QUESTION}n\r\nadmin:`);
      assert.equal(app.cluster.settings.mixedMode, false);
      assert.equal(ctl(PUB), undefined);
      assert.equal(ctl(SUB), undefined);
      assert.ok(itl(PUB).equals(i));
      assert.equal(await pub.run('show ctl'), `show ctl\r\n${CTL_NOT_FOUND}admin:`);
    });

    it('is refused on the subscriber, before any question, and changes nothing', async () => {
      const i = { pub: itl(PUB), sub: itl(SUB) };
      for (const cmd of ['utils ctl set-cluster mixed-mode', 'utils ctl update CTLFile', 'utils ctl reset localkey']) {
        const out = await sub.run(cmd);
        assert.ok(out.endsWith(`\r\n${FAILURE}\r\nadmin:`), `${cmd}:\n${out}`);
        assert.ok(!out.includes('(y/n)'), `${cmd}: no question`);
      }
      assert.equal(app.cluster.settings.mixedMode, false);
      assert.equal(ctl(PUB), undefined);
      assert.equal(ctl(SUB), undefined);
      assert.ok(itl(PUB).equals(i.pub) && itl(SUB).equals(i.sub));
    });

    it('set-cluster non-secure-mode leaves a CTL whose CCM+TFTP records carry no certificate', async () => {
      await mixedMode();
      const out = await dialog(pub, 'utils ctl set-cluster non-secure-mode', [[NON_SECURE_QUESTION, 'y']]);
      assert.equal(
        out,
        `utils ctl set-cluster non-secure-mode\r\n${NON_SECURE_QUESTION}y\r\nMoving Cluster to Non Secure Mode\r\nCluster set to Non Secure Mode\r\n${RESET_PHONES_TAIL}admin:`,
      );
      assert.equal(app.cluster.settings.mixedMode, false);
      const recovery = await itlRecovery();
      const c = ctl(PUB)!;
      assert.ok(ctl(SUB)!.equals(c));
      assert.ok(verifyTrustList(c, recovery).ok);
      assert.ok(independentlyVerifies(c, recovery));
      const list = parseTrustList(c);
      assert.equal(list.records.filter((r) => r.role === Role.SAST && r.certificate).length, 2, 'the SAST anchors stay');
      const empty = list.records.filter((r) => r.role === Role.CCM_TFTP);
      assert.equal(empty.length, 2);
      for (const r of empty) {
        assert.deepEqual(r.items.map((x) => x.name), ['RECORDLENGTH', 'DNSNAME', 'FUNCTION', 'IPADDRESS']);
        assert.equal(r.length, 5 + 3 + r.dnsName!.length + 1 + 5 + 7);
        assert.equal(r.ipAddress, IPS[r.dnsName!]);
      }
      const shown = await pub.run('show ctl');
      assert.ok(shown.includes(`\r\n1\tRECORDLENGTH\t2\t${5 + 3 + PUB.length + 1 + 5 + 7}\r\n2\tDNSNAME\t\t${PUB.length + 1}\t${PUB}\r\n4\tFUNCTION\t2\tCCM+TFTP\r\n10\tIPADDRESS\t4\r\n`));
      assert.ok(shown.endsWith('\r\nThe CTL file was verified successfully.\r\nadmin:'));
      for (const node of NODES) assert.equal(parseTrustList(itl(node)).records[2].role, Role.TFTP, `${node}: ITL back to TFTP`);
      assert.match(await pub.run('utils ctl set-cluster non-secure-mode'), /already in Non Secure Mode/);
    });

    it('reset localkey signs the CTL with the publisher CallManager; update CTLFile brings ITLRecovery back', async () => {
      await mixedMode();
      const recovery = await itlRecovery();
      const cm = await certPem(pub, 'CallManager');
      const reset = await dialog(pub, 'utils ctl reset localkey', [['(y/n):', 'y']]);
      assert.ok(!reset.includes(FAILURE), reset);
      let c = ctl(PUB)!;
      assert.ok(ctl(SUB)!.equals(c), 'the reset CTL is on every node');
      assert.ok(verifyTrustList(c, cm).ok, 'signed by the publisher CallManager key');
      assert.ok(independentlyVerifies(c, cm));
      assert.ok(!verifyTrustList(c, recovery).ok);
      assert.equal(parseTrustList(c).header.signerName, cucmSubject(cm));
      let shown = parseShown(await pub.run('show ctl'), 'CTL');
      assert.deepEqual(shown.records.slice(0, 2).map((r) => [r.subject, r.used]), [[cucmSubject(recovery), false], [cucmSubject(cm), true]]);
      assert.ok(shown.records.at(-1)!.text.endsWith('\r\nThe CTL file was verified successfully.\r\nadmin:'));

      const update = await dialog(pub, 'utils ctl update CTLFile', [['(y/n):', 'y']]);
      assert.ok(update.includes('This operation will update the CTLFile. Do you want to continue? (y/n):y\r\n'), update);
      assert.ok(update.endsWith(`Updating CTL file\r\nCTL file Updated\r\n${RESET_PHONES_TAIL}admin:`), update);
      c = ctl(PUB)!;
      assert.ok(ctl(SUB)!.equals(c));
      assert.ok(verifyTrustList(c, recovery).ok);
      assert.ok(independentlyVerifies(c, recovery));
      assert.equal(parseTrustList(c).header.signerName, cucmSubject(recovery));
      shown = parseShown(await sub.run('show ctl'), 'CTL');
      assert.deepEqual(shown.records.slice(0, 2).map((r) => r.used), [true, false]);
    });
  });

  describe('utils itl reset localkey', () => {
    const RESET_OUTPUT = (nodes: string[]) =>
      'utils itl reset localkey\r\n' +
      'Generating the reset ITL file.....\r\n' +
      'The reset ITL file was generated successfully\r\n' +
      'Locating active Tftp servers in the cluster.....\r\n' +
      'Following is the list of Active tftp servers in the cluster\r\n' +
      '====================\r\n' +
      nodes.map((n) => `${n}\r\n`).join('') +
      '=====================\r\n' +
      `Number of Active TFTP servers in the cluster : ${nodes.length}\r\n` +
      'Transferring new reset ITL file to the TFTP server nodes in the cluster.........\r\n' +
      nodes.map((n) => `Successfully transferred reset ITL to node ${n}\r\n`).join('') +
      'admin:';

    it('signs the publisher\'s ITL with the publisher CallManager key and sends it to both TFTP nodes', async () => {
      const cm = await certPem(pub, 'CallManager');
      const recovery = await itlRecovery();
      const pubItlRecords = recordValues(itl(PUB));
      assert.equal(await pub.run('utils itl reset localkey'), RESET_OUTPUT([PUB, SUB]));
      for (const node of NODES) {
        const t = node === PUB ? pub : sub;
        const buf = itl(node);
        assert.ok(verifyTrustList(buf, cm).ok, `${node}: signed by the publisher CallManager`);
        assert.ok(independentlyVerifies(buf, cm));
        assert.ok(!verifyTrustList(buf, recovery).ok);
        assert.deepEqual(recordValues(buf), pubItlRecords, `${node}: the publisher's records`);
        const out = await t.run('show itl');
        assert.equal(signerNameIn(out), cucmSubject(cm), `${node}: SIGNERNAME is the CallManager subject`);
        assert.ok(out.includes(`\r\nLength of ITL file: ${buf.length}\r\n`));
        assert.ok(out.includes(`\r\n${md5(buf)}(MD5)\r\n`));
        assert.ok(out.endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'), `${node}: still verifies`);
        const { records } = parseShown(out, 'ITL');
        assert.deepEqual(records.slice(0, 2).map((r) => [r.subject, r.used]), [[cucmSubject(recovery), false], [cucmSubject(cm), true]]);
      }
    });

    it('a restart of Cisco Tftp on a node brings back the ITLRecovery signer on that node only', async () => {
      const recovery = await itlRecovery();
      const cm = await certPem(pub, 'CallManager');
      const original = itl(SUB);
      await pub.run('utils itl reset localkey');
      const resetPub = itl(PUB);
      await sub.run('utils service restart Cisco Tftp');
      assert.ok(verifyTrustList(itl(SUB), recovery).ok, 'cucm-sub1 back to ITLRecovery');
      assert.ok(independentlyVerifies(itl(SUB), recovery));
      assert.deepEqual(recordValues(itl(SUB)), recordValues(original), 'cucm-sub1\'s own ITL again');
      assert.ok(itl(PUB).equals(resetPub), 'the publisher keeps the reset ITL');
      assert.equal(signerNameIn(await pub.run('show itl')), cucmSubject(cm));
      assert.equal(signerNameIn(await sub.run('show itl')), cucmSubject(recovery));
      await pub.run('utils service restart Cisco Tftp');
      assert.ok(verifyTrustList(itl(PUB), recovery).ok, 'cucm-pub back to ITLRecovery');
      assert.equal(signerNameIn(await pub.run('show itl')), cucmSubject(recovery));
    });

    it('a Tftp restart with nothing changed keeps the ITL byte for byte', async () => {
      for (const [node, t] of [[PUB, pub], [SUB, sub]] as const) {
        const before = itl(node);
        const md5Line = /\r\n([0-9a-f]{32})\(MD5\)\r\n/.exec(await t.run('show itl'))![1];
        await t.run('utils service restart Cisco Tftp');
        assert.ok(itl(node).equals(before), `${node}: same bytes`);
        assert.equal(/\r\n([0-9a-f]{32})\(MD5\)\r\n/.exec(await t.run('show itl'))![1], md5Line, `${node}: same MD5`);
      }
    });

    it('with Cisco Tftp stopped on cucm-sub1 only cucm-pub is listed and reset', async () => {
      await sub.run('utils service stop Cisco Tftp');
      const subItl = itl(SUB);
      assert.equal(await pub.run('utils itl reset localkey'), RESET_OUTPUT([PUB]));
      assert.ok(itl(SUB).equals(subItl), 'cucm-sub1 keeps its ITL');
      assert.ok(verifyTrustList(itl(PUB), await certPem(pub, 'CallManager')).ok);
    });

    it('is refused on the subscriber', async () => {
      const before = itl(SUB);
      const out = await sub.run('utils itl reset localkey');
      assert.ok(out.endsWith(`\r\n${FAILURE}\r\nadmin:`), out);
      assert.ok(!out.includes('Successfully transferred'));
      assert.ok(itl(SUB).equals(before));
    });
  });

  describe('with a lab SFTP server', () => {
    let base: string;
    let root: string;
    let lab: LabSftpServer;

    beforeEach(async () => {
      base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ucmsim-itl-sftp-'));
      root = path.join(base, 'root');
      lab = await startLabSftpServer({
        root, host: '127.0.0.1', port: 0, username: LAB_USER, password: LAB_PASS,
        hostKey: LAB_HOST_KEY, authFailDelayMs: 20,
      });
    });
    afterEach(async () => {
      await within(lab.close(), 5000, 'closing the lab SFTP server');
      await fsp.rm(base, { recursive: true, force: true });
    });

    /** Every file under the served root, as relative paths. */
    async function filesUnder(dir = root, prefix = ''): Promise<string[]> {
      const out: string[] = [];
      for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) out.push(...(await filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`)));
        else out.push(prefix + e.name);
      }
      return out;
    }

    function exportP12(opts: { port?: number; password?: string; dir?: string } = {}): Promise<string> {
      return dialog(pub, 'file get tftp ITLRecovery.p12', [
        ['Enter a password to protect ITLRecovery.p12: ', P12_PASS],
        ['Re-enter the password: ', P12_PASS],
        ['Would you like to proceed [y/n]? ', 'y'],
        ['SFTP server IP: ', '127.0.0.1'],
        ['SFTP server port [22]: ', String(opts.port ?? lab.port)],
        ['User ID: ', LAB_USER],
        ['Password: ', opts.password ?? LAB_PASS],
        ['Download directory: ', opts.dir ?? '/'],
      ]);
    }

    it('file get tftp ITLRecovery.p12 exports the ITLRecovery key pair that openssl opens', async () => {
      const out = await exportP12();
      const p12 = await fsp.readFile(path.join(root, 'ITLRecovery.p12'));
      const stars = (s: string) => '*'.repeat(s.length);
      const lines = out.split('\r\n');
      const expected = [
        'file get tftp ITLRecovery.p12',
        `Enter a password to protect ITLRecovery.p12: ${stars(P12_PASS)}`,
        `Re-enter the password: ${stars(P12_PASS)}`,
        'Please wait while the system is gathering files info ...',
        'Get file: /usr/local/cm/tftp/ITLRecovery.p12',
        'done.',
        'Sub-directories were not traversed.',
        'Number of files affected: 1',
        `Total size in Bytes: ${p12.length}`,
        `Total size in Kbytes: ${(p12.length / 1024).toFixed(4)}`,
        'Would you like to proceed [y/n]? y',
      ];
      assert.deepEqual(lines.slice(0, expected.length), expected);
      let at = expected.length;
      for (const want of [
        'SFTP server IP: 127.0.0.1',
        `SFTP server port [22]: ${lab.port}`,
        `User ID: ${LAB_USER}`,
        `Password: ${stars(LAB_PASS)}`,
        'Download directory: /',
        'Transfer completed.',
        'admin:',
      ]) {
        const i = lines.indexOf(want, at);
        assert.ok(i >= at, `"${want}" after line ${at} in:\n${out}`);
        at = i + 1;
      }
      assert.ok(!out.includes(P12_PASS) && !out.includes(LAB_PASS), 'no password is echoed');
      assert.ok(!out.includes(FAILURE));
      assert.deepEqual(await filesUnder(), ['ITLRecovery.p12']);

      const file = path.join(base, 'f.p12');
      await fsp.writeFile(file, p12);
      const certOut = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${P12_PASS}`, '-nokeys', '-clcerts'], { encoding: 'utf8' });
      const recovery = await itlRecovery();
      assert.equal(pemIn(certOut), recovery, 'the certificate equals show cert own ITLRecovery');
      const keyOut = execFileSync('openssl', ['pkcs12', '-in', file, '-passin', `pass:${P12_PASS}`, '-nocerts', '-nodes'], { encoding: 'utf8' });
      const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(keyOut)![0];
      const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
      assert.ok(fromKey.equals(new X509Certificate(recovery).publicKey.export({ type: 'spki', format: 'der' })), 'the private key belongs to it');
      assert.throws(() => execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:wrong', '-nokeys'], { stdio: 'pipe' }));
    });

    it('file get: a wrong SFTP password fails with authentication failed and writes nothing', async () => {
      const out = await exportP12({ password: 'not-the-password' });
      assert.match(out, /\r\nTransfer failed: authentication failed[^\r]*\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.ok(!out.includes('Transfer completed.'));
      assert.deepEqual(await filesUnder(), []);
    });

    it('file get: nothing listening on the port fails with could not connect', async () => {
      const out = await exportP12({ port: await freePort() });
      assert.match(out, /\r\nTransfer failed: could not connect[^\r]*\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.deepEqual(await filesUnder(), []);
    });

    it('file get: a missing download directory fails and leaves no file behind', async () => {
      const out = await exportP12({ dir: '/no/such/dir' });
      assert.match(out, /\r\nTransfer failed: [^\r]*\/no\/such\/dir[^\r]*\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.deepEqual(await filesUnder(), []);
    });

    it('file get tftp ITLFile.tlv sends the node\'s ITL byte for byte', async () => {
      const out = await dialog(sub, 'file get tftp ITLFile.tlv', [
        ['Would you like to proceed [y/n]? ', 'y'],
        ['SFTP server IP: ', '127.0.0.1'],
        ['SFTP server port [22]: ', String(lab.port)],
        ['User ID: ', LAB_USER],
        ['Password: ', LAB_PASS],
        ['Download directory: ', '/'],
      ]);
      assert.ok(out.includes(`\r\nGet file: /usr/local/cm/tftp/ITLFile.tlv\r\n`));
      assert.ok(out.includes(`\r\nTotal size in Bytes: ${itl(SUB).length}\r\n`));
      assert.ok(out.endsWith('\r\nTransfer completed.\r\nadmin:'), out);
      assert.ok((await fsp.readFile(path.join(root, 'ITLFile.tlv'))).equals(itl(SUB)));
    });

    async function remotekey(remotePath: string, p12Password: string | null, sftpPassword = LAB_PASS): Promise<string> {
      const steps: [string, string][] = [
        ['SFTP server port [22]: ', String(lab.port)],
        ['Password: ', sftpPassword],
      ];
      if (p12Password !== null) steps.push(['Enter the password of ITLRecovery.p12: ', p12Password]);
      return dialog(pub, `utils itl reset remotekey 127.0.0.1 ${LAB_USER} ${remotePath}`, steps);
    }

    it('utils itl reset remotekey signs the reset ITL with the key from ITLRecovery.p12', async () => {
      await exportP12();
      const exported = await itlRecovery();
      // The ITLRecovery key changes afterwards; phones still trust the exported one.
      await dialog(pub, 'set cert regen ITLRecovery', [['Proceed with regeneration (yes|no)? ', 'yes']]);
      const current = await itlRecovery();
      assert.notEqual(current, exported);
      const out = await remotekey('/ITLRecovery.p12', P12_PASS);
      assert.ok(!out.includes(FAILURE), out);
      assert.ok(out.includes('\r\nNumber of Active TFTP servers in the cluster : 2\r\n'));
      assert.ok(out.endsWith(`Successfully transferred reset ITL to node ${PUB}\r\nSuccessfully transferred reset ITL to node ${SUB}\r\nadmin:`), out);
      for (const node of NODES) {
        const buf = itl(node);
        assert.ok(verifyTrustList(buf, exported).ok, `${node}: signed with the imported key`);
        assert.ok(independentlyVerifies(buf, exported));
        assert.ok(!verifyTrustList(buf, current).ok);
        assert.equal(parseTrustList(buf).header.signerName, cucmSubject(exported));
      }
    });

    it('utils itl reset remotekey with the current ITLRecovery key gives an ITL show itl verifies', async () => {
      await exportP12();
      const recovery = await itlRecovery();
      const out = await remotekey('/ITLRecovery.p12', P12_PASS);
      assert.ok(!out.includes(FAILURE), out);
      for (const t of [pub, sub]) {
        const shown = await t.run('show itl');
        assert.equal(signerNameIn(shown), cucmSubject(recovery));
        assert.ok(shown.endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'));
      }
    });

    it('utils itl reset remotekey: a wrong p12 password fails and leaves the ITL unchanged', async () => {
      await exportP12();
      const before = { pub: itl(PUB), sub: itl(SUB) };
      const out = await remotekey('/ITLRecovery.p12', 'wrong-password');
      assert.ok(out.endsWith(`\r\nThe password of ITLRecovery.p12 is not correct.\r\n${FAILURE}\r\nadmin:`), out);
      assert.ok(!out.includes('wrong-password'));
      assert.ok(itl(PUB).equals(before.pub) && itl(SUB).equals(before.sub));
    });

    it('utils itl reset remotekey: a missing file fails with does not exist', async () => {
      const before = itl(PUB);
      const out = await remotekey('/missing/ITLRecovery.p12', null);
      assert.match(out, /\r\nTransfer failed: file \/missing\/ITLRecovery\.p12 does not exist[^\r]*\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.ok(!out.includes('Enter the password of ITLRecovery.p12'));
      assert.ok(itl(PUB).equals(before));
    });

    it('utils itl reset remotekey: a wrong SFTP password fails with authentication failed', async () => {
      await exportP12();
      const before = itl(PUB);
      const out = await remotekey('/ITLRecovery.p12', null, 'bad');
      assert.match(out, /\r\nTransfer failed: authentication failed[^\r]*\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.ok(itl(PUB).equals(before));
    });
  });

  describe('file list|delete tftp', () => {
    it('file list tftp *.tlv lists the trust files with the counts line', async () => {
      assert.equal(await pub.run('file list tftp *.tlv'), 'file list tftp *.tlv\r\nITLFile.tlv\r\ndir count = 0, file count = 1\r\nadmin:');
      await mixedMode();
      for (const t of [pub, sub]) {
        assert.equal(await t.run('file list tftp *.tlv'), 'file list tftp *.tlv\r\nCTLFile.tlv\r\nITLFile.tlv\r\ndir count = 0, file count = 2\r\nadmin:');
      }
      assert.equal(await pub.run('file list tftp CTLFile.tlv'), 'file list tftp CTLFile.tlv\r\nCTLFile.tlv\r\ndir count = 0, file count = 1\r\nadmin:');
    });

    it('file delete tftp CTLFile.tlv asks, deletes it on this node only', async () => {
      await mixedMode();
      const question = 'Delete the File CTLFile.tlv? Enter "y" followed by return to continue: ';
      const out = await dialog(sub, 'file delete tftp CTLFile.tlv', [[question, 'y']]);
      assert.equal(out, `file delete tftp CTLFile.tlv\r\n${question}y\r\nfiles: found = 1, deleted = 1\r\nadmin:`);
      assert.equal(ctl(SUB), undefined);
      assert.ok(ctl(PUB), 'the publisher keeps its CTL');
      assert.equal(await sub.run('show ctl'), `show ctl\r\n${CTL_NOT_FOUND}admin:`);
      assert.match(await pub.run('show ctl'), /The CTL file was verified successfully\.\r\nadmin:$/);
      assert.equal(await sub.run('file list tftp *.tlv'), 'file list tftp *.tlv\r\nITLFile.tlv\r\ndir count = 0, file count = 1\r\nadmin:');
    });

    it('file delete tftp answered with anything but y keeps the file', async () => {
      await mixedMode();
      const question = 'Delete the File CTLFile.tlv? Enter "y" followed by return to continue: ';
      const out = await dialog(pub, 'file delete tftp CTLFile.tlv', [[question, 'n']]);
      assert.ok(out.endsWith('files: found = 1, deleted = 0\r\nadmin:'), out);
      assert.ok(ctl(PUB));
    });
  });
});
