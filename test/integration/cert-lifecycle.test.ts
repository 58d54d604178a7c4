// Certificate regeneration through the admin: CLI of a two-node 14.x cluster: the exact `set cert regen`
// dialogue, a new key and serial every time, the old certificate in use until the related services
// restart, the trust stores of the other node, what each unit's regeneration does to the ITL (and the CTL
// hint in mixed mode), the GUI's key and hash choices under `sim cert regen`, and openssl as the judge of
// every certificate issued.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../src/app';
import { verifyTrustList, parseTrustList, Role } from '../../src/tlv';
import { freshDataDir } from '../helpers/cluster';
import { customDataDir, TWO_NODE_125 } from '../helpers/custom-cluster';
import { openTestSession, type TestSession, dialog, pemIn } from '../helpers/terminal';

const PUB = 'cucm-pub';
const SUB = 'cucm-sub1';
const FAILURE = 'Executed command unsuccessfully';
const PROCEED = 'Proceed with regeneration (yes|no)? ';
const CTL_HINT = 'utils ctl update CTLFile';



const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;
const spkiOf = (pem: string) => new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
const derOf = (pem: string) => Buffer.from(new X509Certificate(pem).raw);
const cucmSubject = (pem: string) => new X509Certificate(pem).subject.split('\n').reverse().join(';');

let tmp: string;

/** openssl's view of a certificate: its text dump, and whether its own key verifies its signature. */
function openssl(pem: string): { text: string; selfVerifies: boolean } {
  const file = path.join(tmp, `${createHash('sha1').update(pem).digest('hex')}.pem`);
  fs.writeFileSync(file, pem);
  const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
  let selfVerifies = false;
  try {
    const out = execFileSync('openssl', ['verify', '-check_ss_sig', '-CAfile', file, file], { encoding: 'utf8', stdio: 'pipe' });
    selfVerifies = out.trim() === `${file}: OK`;
  } catch {
    selfVerifies = false;
  }
  return { text, selfVerifies };
}

describe('integration: certificate regeneration', function () {
  this.timeout(60000);
  let app: App;
  let pub: TestSession;
  let sub: TestSession;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-certs-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  beforeEach(async () => {
    app = new App({ dataDir: await freshDataDir(), timeScale: 0 });
    pub = openTestSession(app);
    sub = openTestSession(app, { node: SUB });
  });
  afterEach(() => app.close());

  const own = async (t: TestSession, unit: string) => pemIn(await t.run(`show cert own ${unit}`));
  const itl = (node: string) => app.cluster.tftp.file(node, 'ITLFile.tlv')!.content;
  const ctl = (node: string) => app.cluster.tftp.file(node, 'CTLFile.tlv')?.content;
  const inUse = (node: string, unit: string) => app.cluster.certificates.findInUse(node, unit)!.cert_pem;
  const pending = (node: string, unit: string) => app.cluster.certificates.pending(node).filter((c) => c.unit === unit);
  const regen = (t: TestSession, unit: string, answer = 'yes') => dialog(t, `set cert regen ${unit}`, [[PROCEED, answer]]);
  const restart = (t: TestSession, service: string) => t.run(`utils service restart ${service}`);

  async function mixedMode(): Promise<void> {
    await dialog(pub, 'utils ctl set-cluster mixed-mode', [['(y/n):', 'y']]);
    assert.ok(app.cluster.settings.mixedMode);
  }

  describe('set cert regen tomcat', () => {
    it('prints the exact four lines around the question', async () => {
      assert.equal(
        await regen(pub, 'tomcat'),
        'set cert regen tomcat\r\n' +
          'WARNING: This operation will overwrite any CA signed certificate previously imported for  tomcat\r\n' +
          'Proceed with regeneration (yes|no)? yes\r\n' +
          'Successfully Regenerated Certificate for tomcat.\r\n' +
          'You must restart services related to tomcat for the regenerated certificates to become active.\r\n' +
          'admin:',
      );
    });

    it('answering no regenerates nothing', async () => {
      const before = await own(pub, 'tomcat');
      const out = await regen(pub, 'tomcat', 'no');
      assert.ok(out.endsWith(`${PROCEED}no\r\nadmin:`), out);
      assert.equal(pending(PUB, 'tomcat').length, 0);
      await restart(pub, 'Cisco Tomcat');
      assert.equal(await own(pub, 'tomcat'), before);
    });

    it('gives a new serial and key each time; the last one is used once Cisco Tomcat restarts', async () => {
      const original = await own(pub, 'tomcat');
      await regen(pub, 'tomcat');
      const first = pending(PUB, 'tomcat');
      assert.equal(first.length, 1);
      await regen(pub, 'tomcat');
      const second = pending(PUB, 'tomcat');
      assert.equal(second.length, 1, 'the second regeneration replaces the first one waiting');
      const pems = [original, first[0].cert_pem, second[0].cert_pem];
      assert.equal(new Set(pems.map(serialOf)).size, 3, 'three different serials');
      assert.equal(new Set(pems.map(spkiOf)).size, 3, 'three different keys');
      for (const p of pems.slice(1)) assert.equal(new X509Certificate(p).subject, new X509Certificate(original).subject, 'same subject');

      // The store shows the newest certificate at once; the services keep the old one until their restart.
      assert.equal(await own(pub, 'tomcat'), second[0].cert_pem, 'show cert own shows the regenerated certificate at once');
      assert.equal(inUse(PUB, 'tomcat'), original, 'the old certificate stays in use until the restart');
      await restart(pub, 'Cisco CallManager');
      assert.equal(inUse(PUB, 'tomcat'), original, 'an unrelated restart does not activate it');
      await restart(pub, 'Cisco Tomcat');
      assert.equal(inUse(PUB, 'tomcat'), second[0].cert_pem);
      assert.equal(await own(pub, 'tomcat'), second[0].cert_pem);
      assert.equal(pending(PUB, 'tomcat').length, 0);
    });

    it('the other node\'s tomcat-trust gets the new certificate when it becomes active', async () => {
      const original = await own(pub, 'tomcat');
      const file = `tomcat-trust/${new X509Certificate(original).subject.match(/CN=(.*)/)![1]}.pem`;
      assert.match(await sub.run('show cert list trust'), new RegExp(`\\r\\n${file.replace(/\./g, '\\.')}: Self-signed certificate generated by system\\r\\n`));
      assert.equal(pemIn(await sub.run(`show cert trust ${file}`)), original);
      await regen(pub, 'tomcat');
      const next = pending(PUB, 'tomcat')[0].cert_pem;
      assert.equal(pemIn(await sub.run(`show cert trust ${file}`)), original, 'not before the restart');
      await restart(pub, 'Cisco Tomcat');
      const list = await sub.run('show cert list trust');
      assert.equal((list.match(new RegExp(`^${file.replace(/\./g, '\\.')}: `, 'gm')) ?? []).length, 1, 'one entry for the publisher\'s tomcat');
      assert.equal(pemIn(await sub.run(`show cert trust ${file}`)), next);
      assert.equal(pemIn(await pub.run(`show cert trust ${file}`)), next, 'the publisher\'s own trust store too');
    });
  });

  describe('set cert regen CallManager on 12.5 (service restarts stay manual)', () => {
    beforeEach(async () => {
      app.close();
      app = new App({ dataDir: await customDataDir(TWO_NODE_125), timeScale: 0 });
      pub = openTestSession(app);
      sub = openTestSession(app, { node: SUB });
    });

    for (const service of ['Cisco CallManager', 'Cisco Tftp', 'Cisco CTIManager', 'Cisco Trust Verification Service']) {
      it(`leaves the ITL alone until ${service} restarts, then its CallManager records change and it still verifies`, async () => {
        const recovery = await own(pub, 'ITLRecovery');
        const old = await own(pub, 'CallManager');
        const before = { pub: itl(PUB), sub: itl(SUB) };
        const out = await regen(pub, 'CallManager');
        assert.ok(out.includes('\r\nSuccessfully Regenerated Certificate for CallManager.\r\n'), out);
        assert.ok(!out.includes(CTL_HINT), 'no CTL hint in non-secure mode');
        assert.ok(itl(PUB).equals(before.pub), 'ITL unchanged before the restart');
        assert.equal(inUse(PUB, 'CallManager'), old);
        await restart(pub, 'Cisco Tomcat');
        assert.ok(itl(PUB).equals(before.pub), 'an unrelated restart changes nothing');

        await restart(pub, service);
        const next = await own(pub, 'CallManager');
        assert.notEqual(next, old);
        const buf = itl(PUB);
        assert.ok(!buf.equals(before.pub));
        const list = parseTrustList(buf);
        assert.deepEqual(list.records.map((r) => r.role), [Role.SAST, Role.SAST, Role.TFTP, Role.TFTP, Role.CAPF, Role.TVS, Role.TVS]);
        assert.ok(list.records[1].certificate!.equals(derOf(next)), 'SAST CallManager record');
        assert.ok(list.records[2].certificate!.equals(derOf(next)), 'TFTP record');
        assert.ok(verifyTrustList(buf, recovery).ok, 'still signed by ITLRecovery');
        assert.ok((await pub.run('show itl')).endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'));
        assert.ok(itl(SUB).equals(before.sub), 'cucm-sub1\'s ITL does not carry the publisher\'s CallManager');
        const file = `CallManager-trust/${new X509Certificate(next).subject.match(/CN=(.*)/)![1]}.pem`;
        assert.equal(pemIn(await sub.run(`show cert trust ${file}`)), next, 'cucm-sub1 trusts the new certificate');
      });
    }

    it('on the subscriber changes only the subscriber\'s ITL after its restart', async () => {
      const before = { pub: itl(PUB), sub: itl(SUB) };
      await regen(sub, 'CallManager');
      assert.ok(itl(SUB).equals(before.sub));
      await restart(sub, 'Cisco CallManager');
      const next = await own(sub, 'CallManager');
      const list = parseTrustList(itl(SUB));
      assert.ok(list.records[1].certificate!.equals(derOf(next)) && list.records[2].certificate!.equals(derOf(next)));
      assert.ok(verifyTrustList(itl(SUB), await own(pub, 'ITLRecovery')).ok);
      assert.ok(itl(PUB).equals(before.pub));
    });
  });

  it('set cert regen TVS changes the TVS record of both ITLs at once', async () => {
    const recovery = await own(pub, 'ITLRecovery');
    const old = await own(pub, 'TVS');
    const subTvs = await own(sub, 'TVS');
    const out = await regen(pub, 'TVS');
    assert.ok(out.endsWith('Successfully Regenerated Certificate for TVS.\r\nYou must restart services related to TVS for the regenerated certificates to become active.\r\nadmin:'), out);
    const next = await own(pub, 'TVS');
    assert.notEqual(next, old, 'in use at once: TVS restarts itself');
    for (const node of [PUB, SUB]) {
      const list = parseTrustList(itl(node));
      const tvs = list.records.filter((r) => r.role === Role.TVS);
      assert.deepEqual(tvs.map((r) => r.dnsName), [PUB, SUB]);
      assert.ok(tvs[0].certificate!.equals(derOf(next)), `${node}: the publisher's new TVS certificate`);
      assert.ok(tvs[1].certificate!.equals(derOf(subTvs)), `${node}: cucm-sub1's TVS certificate unchanged`);
      assert.ok(verifyTrustList(itl(node), recovery).ok);
    }
  });

  it('set cert regen ITLRecovery prints the documented text; the ITL is signed by the new ITLRecovery at the Cisco Tftp restart', async () => {
    const old = await own(pub, 'ITLRecovery');
    const out = await regen(pub, 'ITLRecovery');
    assert.equal(
      out,
      'set cert regen ITLRecovery\r\n' +
        '\r\n' +
        'WARNING: If you are using a tokenless CTL and if the CallManager certificate is recently \r\n' +
        'generated, please ensure that the CTL File already has the new CallManager certificate and is\r\n' +
        'updated to the endpoints, before generating the ITL Recovery certificate. Are you sure want \r\n' +
        'to proceed?\r\n' +
        '\r\n' +
        'Proceed with regeneration (yes|no)? yes\r\n' +
        '\r\n' +
        'Successfully Regenerated Certificate for ITLRecovery.\r\n' +
        '\r\n' +
        'You must restart the services related to ITLRecovery for the regenerated certificates to \r\n' +
        'become active.\r\n' +
        'admin:',
    );
    const next = await own(pub, 'ITLRecovery');
    assert.notEqual(serialOf(next), serialOf(old));
    assert.notEqual(spkiOf(next), spkiOf(old));
    assert.equal(new X509Certificate(next).subject, new X509Certificate(old).subject);
    // Security Guide, ITLRecovery procedure step 5: the TFTP restart re-signs the ITL.
    for (const node of [PUB, SUB]) assert.ok(verifyTrustList(itl(node), old).ok, `${node}: still signed by the old ITLRecovery`);
    await restart(pub, 'Cisco Tftp');
    for (const [node, t] of [[PUB, pub], [SUB, sub]] as const) {
      const buf = itl(node);
      assert.ok(verifyTrustList(buf, next).ok, `${node}: signed by the new ITLRecovery`);
      assert.ok(!verifyTrustList(buf, old).ok);
      assert.ok(parseTrustList(buf).records[0].certificate!.equals(derOf(next)));
      const shown = await t.run('show itl');
      assert.ok(shown.includes(`\r\n4\tSIGNERNAME\t${cucmSubject(next).length + 1}\t${cucmSubject(next)}\r\n`));
      assert.ok(shown.endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'));
    }
    // 14.x issues ITLRecovery for 20 years on regeneration.
    const x = new X509Certificate(next);
    const years = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / (365 * 86400_000);
    assert.ok(Math.abs(years - 20) < 0.01, `validity ${years} years`);
  });

  it('set cert regen CAPF and ITLRecovery are refused on the subscriber before any question', async () => {
    for (const unit of ['CAPF', 'ITLRecovery']) {
      const out = await sub.run(`set cert regen ${unit}`);
      assert.ok(out.endsWith(`\r\n${FAILURE}\r\nadmin:`), out);
      assert.ok(!out.includes('Proceed'), `${unit}: no question`);
      assert.ok(!out.includes('Successfully'));
    }
    assert.equal(app.cluster.certificates.pending(SUB).length, 0);
  });

  describe('sim cert regen: the GUI\'s key length and hash', () => {
    it('tomcat-ECDSA key-length 384 hash SHA384 gives a P-384 key signed with ecdsa-with-SHA384', async () => {
      const out = await dialog(pub, 'sim cert regen tomcat-ECDSA key-length 384 hash SHA384', [[PROCEED, 'yes']]);
      assert.ok(out.includes('\r\nSuccessfully Regenerated Certificate for tomcat-ECDSA.\r\n'), out);
      await restart(pub, 'Cisco Tomcat');
      const { text, selfVerifies } = openssl(await own(pub, 'tomcat-ECDSA'));
      assert.match(text, /ASN1 OID: secp384r1/);
      assert.match(text, /NIST CURVE: P-384/);
      assert.match(text, /Signature Algorithm: ecdsa-with-SHA384/);
      assert.ok(selfVerifies);
    });

    it('CallManager key-length 4096 hash SHA512 gives RSA 4096 with sha512WithRSAEncryption, in the ITL and as reset signer', async () => {
      await dialog(pub, 'sim cert regen CallManager key-length 4096 hash SHA512', [[PROCEED, 'yes']]);
      await restart(pub, 'Cisco CallManager');
      const cm = await own(pub, 'CallManager');
      const { text, selfVerifies } = openssl(cm);
      assert.match(text, /Public-Key: \(4096 bit\)/);
      assert.match(text, /Signature Algorithm: sha512WithRSAEncryption/);
      assert.ok(selfVerifies);
      const tftp = parseTrustList(itl(PUB)).records[2];
      assert.ok(tftp.certificate!.equals(derOf(cm)));
      assert.equal(tftp.publicKey!.length, 526, 'PKCS#1 RSAPublicKey of a 4096-bit key');
      assert.equal(tftp.signature!.length, 512);
      assert.ok(verifyTrustList(itl(PUB), await own(pub, 'ITLRecovery')).ok);

      await pub.run('utils itl reset localkey');
      const reset = parseTrustList(itl(PUB));
      assert.equal(reset.header.signatureModulus, 3, '4096-bit signer');
      assert.equal(reset.header.signature.length, 512);
      assert.ok(verifyTrustList(itl(PUB), cm).ok);
      const shown = await pub.run('show itl');
      assert.ok(shown.includes('\r\n12\tSIGNATURE\t512\r\n'));
      assert.ok(shown.endsWith('\r\nThe ITL file was verified successfully.\r\nadmin:'));
    });

    it('tomcat-ECDSA key-length 384 hash SHA256 is refused before any question', async () => {
      const out = await pub.run('sim cert regen tomcat-ECDSA key-length 384 hash SHA256');
      assert.match(out, /^sim cert regen tomcat-ECDSA key-length 384 hash SHA256\r\n[^\r\n]+\r\nExecuted command unsuccessfully\r\nadmin:$/);
      assert.ok(!out.includes('WARNING') && !out.includes('Proceed'));
      assert.equal(pending(PUB, 'tomcat-ECDSA').length, 0);
    });

    it('refuses a key length the unit cannot take, and a validity choice on 14.x', async () => {
      for (const cmd of ['sim cert regen CallManager key-length 384', 'sim cert regen tomcat-ECDSA key-length 2048', 'sim cert regen ITLRecovery validity 10']) {
        const out = await pub.run(cmd);
        assert.ok(out.endsWith(`\r\n${FAILURE}\r\nadmin:`), out);
        assert.ok(!out.includes('Proceed'), cmd);
      }
      assert.equal(app.cluster.certificates.pending(PUB).length, 0);
    });
  });

  it('every regenerated certificate parses and verifies its own signature with openssl', async () => {
    const units = ['tomcat', 'tomcat-ECDSA', 'ipsec', 'ITLRecovery', 'CallManager-ECDSA', 'CallManager', 'CAPF', 'TVS'];
    const before: Record<string, string> = {};
    for (const unit of units) before[unit] = await own(pub, unit);
    for (const unit of units) {
      const out = await regen(pub, unit);
      assert.ok(out.includes(`Successfully Regenerated Certificate for ${unit}.`), out);
    }
    for (const service of ['Cisco Tomcat', 'Cisco DRF Local', 'Cisco CallManager', 'Cisco Certificate Authority Proxy Function', 'Cisco Tftp']) {
      const out = await restart(pub, service);
      assert.ok(!out.includes(FAILURE), out);
    }
    assert.equal(app.cluster.certificates.pending(PUB).length, 0, 'every regenerated certificate is in use');
    for (const unit of units) {
      const pem = await own(pub, unit);
      assert.notEqual(serialOf(pem), serialOf(before[unit]), `${unit}: new serial`);
      assert.equal(new X509Certificate(pem).subject, new X509Certificate(before[unit]).subject, `${unit}: same subject`);
      const { text, selfVerifies } = openssl(pem);
      assert.ok(selfVerifies, `${unit}: openssl verify -check_ss_sig`);
      assert.match(text, /Signature Algorithm: (sha256WithRSAEncryption|ecdsa-with-SHA256)/, unit);
    }
    const recovery = await own(pub, 'ITLRecovery');
    for (const node of [PUB, SUB]) assert.ok(verifyTrustList(itl(node), recovery).ok, `${node}: ITL verifies after all of it`);
  });

  describe('in mixed mode', () => {
    it('regenerating CallManager prints the utils ctl update CTLFile hint; the CTL changes only with that command', async () => {
      await mixedMode();
      const c = ctl(PUB)!;
      const out = await regen(pub, 'CallManager');
      assert.ok(out.includes(CTL_HINT), out);
      assert.ok(out.endsWith('\r\nadmin:') && !out.includes(FAILURE));
      assert.ok(!(await regen(pub, 'tomcat')).includes(CTL_HINT), 'tomcat is not in the CTL');
      await restart(pub, 'Cisco CallManager');
      const cm = await own(pub, 'CallManager');
      assert.ok(ctl(PUB)!.equals(c), 'the CTL keeps the old certificate until it is updated');
      const tftp = parseTrustList(itl(PUB)).records[2];
      assert.equal(tftp.role, Role.CCM_TFTP);
      assert.ok(tftp.certificate!.equals(derOf(cm)), 'the ITL has the new one');
      await dialog(pub, 'utils ctl update CTLFile', [['(y/n):', 'y']]);
      const updated = parseTrustList(ctl(PUB)!);
      const pubRecords = updated.records.filter((r) => r.dnsName === PUB && (r.role === Role.CCM_TFTP || (r.role === Role.SAST && r.subjectName === cucmSubject(cm))));
      assert.equal(pubRecords.length, 2, 'SAST and CCM+TFTP carry the new CallManager');
      for (const r of pubRecords) assert.ok(r.certificate!.equals(derOf(cm)));
      assert.ok(ctl(SUB)!.equals(ctl(PUB)!));
      assert.ok(verifyTrustList(ctl(PUB)!, await own(pub, 'ITLRecovery')).ok);
    });

    it('following the documented order (regen CallManager, update CTLFile, restart) leaves the new certificate in the CTL', async () => {
      // itl-ctl.md §4: a new CallManager certificate goes into the CTL with utils ctl update CTLFile, and
      // the services restart. The hint printed right after the regeneration asks for the update then, so
      // doing as told must not leave the CTL with the certificate the node stops using at the restart.
      await mixedMode();
      const out = await regen(pub, 'CallManager');
      assert.ok(out.includes(CTL_HINT), out);
      await dialog(pub, 'utils ctl update CTLFile', [['(y/n):', 'y']]);
      await restart(pub, 'Cisco CallManager');
      const cm = await own(pub, 'CallManager');
      const ccmTftp = parseTrustList(ctl(PUB)!).records.find((r) => r.role === Role.CCM_TFTP && r.dnsName === PUB)!;
      assert.ok(ccmTftp.certificate!.equals(derOf(cm)), 'the CTL names the CallManager certificate the node now uses');
    });

    it('regenerating ITLRecovery points to utils ctl reset localkey as the next step', async () => {
      // cli.md §5.5 (mixed mode): regenerate ITLRecovery, then utils ctl reset localkey (CTL signed by
      // CallManager, carrying the new ITLRecovery), reset phones, and only then utils ctl update CTLFile.
      // Updating the CTL first would sign it with a key the phones do not know yet.
      await mixedMode();
      const out = await regen(pub, 'ITLRecovery');
      assert.ok(out.includes('utils ctl reset localkey'), out);
    });

    it('regenerating ITLRecovery leaves the CTL alone; utils ctl reset localkey then carries the new ITLRecovery', async () => {
      await mixedMode();
      const c = ctl(PUB)!;
      const out = await regen(pub, 'ITLRecovery');
      assert.ok(out.includes('Successfully Regenerated Certificate for ITLRecovery.') && !out.includes(FAILURE), out);
      assert.ok(ctl(PUB)!.equals(c));
      const next = await own(pub, 'ITLRecovery');
      await dialog(pub, 'utils ctl reset localkey', [['(y/n):', 'y']]);
      const list = parseTrustList(ctl(PUB)!);
      assert.ok(list.records[0].certificate!.equals(derOf(next)), 'the reset CTL carries the new ITLRecovery');
      assert.ok(verifyTrustList(ctl(PUB)!, await own(pub, 'CallManager')).ok, 'signed by CallManager');
    });
  });
});
