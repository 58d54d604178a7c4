// Pure rules behind the ITL, the CTL and certificate regeneration: what each version profile puts in
// the files and who signs them (itl-ctl.md §2, §4), when a file must be rebuilt (planKey), and the key
// lengths, hashes and validity periods a certificate unit may be given (keyrules).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { planItl, planCtl, planKey, buildTrustFile, ITL_SIZE_LIMIT, type TrustState, type CertRef, type KeyPair, type TrustFilePlan } from '../../src/cluster/trustfiles';
import { versionProfile, type VersionProfile } from '../../src/cluster/versions';
import { unitDefinition, type UnitDefinition } from '../../src/cluster/units';
import {
  resolveRegenSpec, ecHashes, validityEnd, defaultValidityYears, KeyRuleError, RSA_KEY_SIZES, EC_KEY_SIZES, type RegenChoice,
} from '../../src/cluster/keyrules';
import { Role, parseTrustList, verifyTrustList } from '../../src/tlv';
import { createSelfSigned, type HashName } from '../../src/pki';

const VERSIONS: Record<VersionProfile['release'], string> = {
  '10.5': '10.5.2.10000-5',
  '11.5': '11.5.1.10000-6',
  '12.5': '12.5.1.10000-22',
  '14': '14.0.1.13900-155',
  '15': '15.0.1.10000-10',
};
const MODERN = ['12.5', '14', '15'] as const;
const LEGACY = ['10.5', '11.5'] as const;

const profile = (release: VersionProfile['release']) => versionProfile(VERSIONS[release]);
const def = (unit: string): UnitDefinition => unitDefinition(unit)!;

/** A two-node cluster as a fresh install activates it: TFTP, CallManager and TVS on both, CAPF on. */
function state(release: VersionProfile['release'], over: Partial<TrustState> = {}): TrustState {
  return {
    profile: profile(release),
    publisher: 'cucm-pub',
    nodes: [
      { name: 'cucm-pub', ip: '10.10.10.11', tftp: true, callManager: true, tvs: true },
      { name: 'cucm-sub1', ip: '10.10.10.12', tftp: true, callManager: true, tvs: true },
    ],
    capfActive: true,
    mixedMode: false,
    rollback: false,
    ...over,
  };
}

/** Records as [role, server, "node/unit" or null] for compact comparison. */
const shape = (p: TrustFilePlan) => p.records.map((r) => [r.role, r.server, r.cert ? `${r.cert.node}/${r.cert.unit}` : null]);
const signer = (p: TrustFilePlan) => `${p.signer.node}/${p.signer.unit}`;

describe('trust file plans (ITL and CTL contents per version profile)', () => {
  describe('planItl', () => {
    for (const release of MODERN) {
      it(`${release}: signed by ITLRecovery, whose SAST record comes first, then the node's CallManager as SAST and TFTP, CAPF, one TVS per node`, () => {
        for (const node of ['cucm-pub', 'cucm-sub1']) {
          const p = planItl(state(release), node);
          assert.equal(p.fileName, 'ITLFile.tlv');
          assert.equal(signer(p), 'cucm-pub/ITLRecovery', 'ITLRecovery lives on the publisher and signs every node\'s ITL');
          assert.deepEqual(shape(p), [
            [Role.SAST, 'cucm-pub', 'cucm-pub/ITLRecovery'],
            [Role.SAST, node, `${node}/CallManager`],
            [Role.TFTP, node, `${node}/CallManager`],
            [Role.TFTP, node, `${node}/CallManager-ECDSA`],
            [Role.CAPF, 'cucm-pub', 'cucm-pub/CAPF'],
            [Role.TVS, 'cucm-pub', 'cucm-pub/TVS'],
            [Role.TVS, 'cucm-sub1', 'cucm-sub1/TVS'],
          ]);
        }
      });
    }

    for (const release of LEGACY) {
      it(`${release}: signed by the node's own CallManager key, whose SAST record comes first`, () => {
        for (const node of ['cucm-pub', 'cucm-sub1']) {
          const p = planItl(state(release), node);
          assert.equal(signer(p), `${node}/CallManager`);
          assert.deepEqual(shape(p).slice(0, 3), [
            [Role.SAST, node, `${node}/CallManager`],
            [Role.SAST, 'cucm-pub', 'cucm-pub/ITLRecovery'],
            [Role.TFTP, node, `${node}/CallManager`],
          ]);
          // 11.0 added CallManager-ECDSA to the ITL; 10.5 has none.
          const ec = release === '10.5' ? [] : [Role.TFTP];
          assert.deepEqual(shape(p).slice(3).map((r) => r[0]), [...ec, Role.CAPF, Role.TVS, Role.TVS]);
        }
      });
    }

    for (const release of [...LEGACY, ...MODERN]) {
      it(`${release}: the TFTP record is TFTP in non-secure mode and CCM+TFTP in mixed mode`, () => {
        const tftpRecord = (mixedMode: boolean) =>
          planItl(state(release, { mixedMode }), 'cucm-sub1').records.find((r) => r.role === Role.TFTP || r.role === Role.CCM_TFTP)!;
        assert.deepEqual(tftpRecord(false), { role: Role.TFTP, server: 'cucm-sub1', cert: { node: 'cucm-sub1', unit: 'CallManager' } });
        assert.deepEqual(tftpRecord(true), { role: Role.CCM_TFTP, server: 'cucm-sub1', cert: { node: 'cucm-sub1', unit: 'CallManager' } });
      });
    }

    it('carries the node\'s CallManager-ECDSA in the TFTP role (CCM+TFTP in mixed mode) from 11.5, not on 10.5 nor under rollback', () => {
      const ec = (release: VersionProfile['release'], opts: Partial<TrustState> = {}) =>
        planItl(state(release, opts), 'cucm-sub1').records.filter((r) => r.cert?.unit === 'CallManager-ECDSA');
      assert.deepEqual(ec('14'), [{ role: Role.TFTP, server: 'cucm-sub1', cert: { node: 'cucm-sub1', unit: 'CallManager-ECDSA' } }]);
      assert.deepEqual(ec('11.5', { mixedMode: true }).map((r) => r.role), [Role.CCM_TFTP]);
      assert.deepEqual(ec('10.5'), []);
      assert.deepEqual(ec('14', { rollback: true }), []);
    });

    it('has a CAPF record only while CAPF is active on the publisher', () => {
      assert.equal(planItl(state('14'), 'cucm-pub').records.filter((r) => r.role === Role.CAPF).length, 1);
      assert.equal(planItl(state('14', { capfActive: false }), 'cucm-pub').records.filter((r) => r.role === Role.CAPF).length, 0);
    });

    it('has one TVS record per node running TVS, naming that node\'s TVS certificate', () => {
      const s = state('14');
      s.nodes[1].tvs = false;
      assert.deepEqual(planItl(s, 'cucm-sub1').records.filter((r) => r.role === Role.TVS), [
        { role: Role.TVS, server: 'cucm-pub', cert: { node: 'cucm-pub', unit: 'TVS' } },
      ]);
      const three = state('14');
      three.nodes.push({ name: 'cucm-sub2', ip: '10.10.10.13', tftp: false, callManager: true, tvs: true });
      assert.deepEqual(
        planItl(three, 'cucm-pub').records.filter((r) => r.role === Role.TVS).map((r) => r.cert),
        ['cucm-pub', 'cucm-sub1', 'cucm-sub2'].map((node) => ({ node, unit: 'TVS' })),
      );
    });

    for (const release of ['10.5', '14'] as const) {
      it(`${release}: rollback to pre-8.0 leaves the TFTP and TVS records empty and keeps the SAST anchors`, () => {
        const p = planItl(state(release, { rollback: true }), 'cucm-sub1');
        const sast = p.records.filter((r) => r.role === Role.SAST);
        assert.equal(sast.length, 2);
        assert.ok(sast.every((r) => r.cert), 'the SAST records still carry their certificates');
        const tftp = p.records.filter((r) => r.role === Role.TFTP || r.role === Role.CCM_TFTP);
        assert.deepEqual(tftp, [{ role: Role.TFTP, server: 'cucm-sub1' }]);
        const tvs = p.records.filter((r) => r.role === Role.TVS);
        assert.deepEqual(tvs, [{ role: Role.TVS, server: 'cucm-pub' }, { role: Role.TVS, server: 'cucm-sub1' }]);
        assert.ok(p.records.filter((r) => r.role !== Role.SAST).every((r) => !r.cert), 'no certificate outside the SAST records');
      });
    }
  });

  describe('planCtl', () => {
    for (const release of MODERN) {
      it(`${release}: signed by ITLRecovery; SAST ITLRecovery then publisher CallManager, CCM+TFTP publisher, CAPF, CCM+TFTP others, no TVS`, () => {
        const p = planCtl(state(release, { mixedMode: true }), true);
        assert.equal(p.fileName, 'CTLFile.tlv');
        assert.equal(signer(p), 'cucm-pub/ITLRecovery');
        assert.deepEqual(shape(p), [
          [Role.SAST, 'cucm-pub', 'cucm-pub/ITLRecovery'],
          [Role.SAST, 'cucm-pub', 'cucm-pub/CallManager'],
          [Role.CCM_TFTP, 'cucm-pub', 'cucm-pub/CallManager'],
          [Role.CAPF, 'cucm-pub', 'cucm-pub/CAPF'],
          [Role.CCM_TFTP, 'cucm-sub1', 'cucm-sub1/CallManager'],
        ]);
      });
    }

    for (const release of LEGACY) {
      it(`${release}: tokenless CTL signed by the publisher CallManager, its SAST record first, no ITLRecovery`, () => {
        const p = planCtl(state(release, { mixedMode: true }), true);
        assert.equal(signer(p), 'cucm-pub/CallManager');
        assert.deepEqual(shape(p)[0], [Role.SAST, 'cucm-pub', 'cucm-pub/CallManager']);
        assert.ok(!p.records.some((r) => r.cert?.unit === 'ITLRecovery'));
        assert.deepEqual(p.records.filter((r) => r.role === Role.CCM_TFTP).map((r) => r.server), ['cucm-pub', 'cucm-sub1']);
        assert.ok(!p.records.some((r) => r.role === Role.TVS));
      });
    }

    for (const release of ['10.5', '14', '15'] as const) {
      it(`${release}: non-secure mode leaves every CCM+TFTP record without a certificate`, () => {
        const p = planCtl(state(release), false);
        const servers = p.records.filter((r) => r.role === Role.CCM_TFTP);
        assert.deepEqual(servers, [{ role: Role.CCM_TFTP, server: 'cucm-pub' }, { role: Role.CCM_TFTP, server: 'cucm-sub1' }]);
        assert.ok(p.records.filter((r) => r.role === Role.SAST).every((r) => r.cert), 'the SAST anchors stay');
      });
    }

    it('has a CAPF record only while CAPF is active', () => {
      assert.equal(planCtl(state('14'), true).records.filter((r) => r.role === Role.CAPF).length, 1);
      assert.equal(planCtl(state('14', { capfActive: false }), true).records.filter((r) => r.role === Role.CAPF).length, 0);
    });
  });

  describe('planKey', () => {
    const pems: Record<string, string> = {};
    const fake = (r: CertRef): KeyPair => ({ certPem: pems[`${r.node}/${r.unit}`] ?? `cert of ${r.node}/${r.unit}`, keyPem: 'key' });

    it('is stable for an unchanged plan and changes when any certificate the plan names changes', () => {
      const p = planItl(state('14'), 'cucm-sub1');
      const before = planKey(p, fake);
      assert.equal(planKey(planItl(state('14'), 'cucm-sub1'), fake), before, 'same plan, same certificates: same key');
      for (const named of ['cucm-pub/ITLRecovery', 'cucm-sub1/CallManager', 'cucm-pub/CAPF', 'cucm-pub/TVS', 'cucm-sub1/TVS']) {
        pems[named] = `new cert of ${named}`;
        assert.notEqual(planKey(p, fake), before, `${named} changed`);
        delete pems[named];
      }
      assert.equal(planKey(p, fake), before);
    });

    it('does not change when a certificate the plan does not name changes', () => {
      const p = planItl(state('14'), 'cucm-sub1');
      const before = planKey(p, fake);
      for (const other of ['cucm-pub/CallManager', 'cucm-sub1/tomcat', 'cucm-pub/ipsec']) {
        pems[other] = `new cert of ${other}`;
        assert.equal(planKey(p, fake), before, `${other} is not in cucm-sub1's ITL`);
        delete pems[other];
      }
    });

    it('changes with the security mode, the signer and the records', () => {
      const base = planKey(planItl(state('14'), 'cucm-pub'), fake);
      assert.notEqual(planKey(planItl(state('14', { mixedMode: true }), 'cucm-pub'), fake), base);
      assert.notEqual(planKey(planItl(state('14', { capfActive: false }), 'cucm-pub'), fake), base);
      assert.notEqual(planKey(planItl(state('14', { rollback: true }), 'cucm-pub'), fake), base);
      const p = planItl(state('14'), 'cucm-pub');
      assert.notEqual(planKey({ ...p, signer: { node: 'cucm-pub', unit: 'CallManager' } }, fake), base);
    });
  });

  describe('buildTrustFile', function () {
    this.timeout(30000);
    let certs: Record<string, KeyPair>;

    before(async () => {
      const now = new Date();
      const make = async (cn: string, keyType: 'RSA' | 'EC' = 'RSA') => {
        const c = await createSelfSigned({
          keyType, keySize: keyType === 'EC' ? 256 : 2048, hash: 'SHA256', subject: { CN: cn, OU: 'TAC', O: 'Cisco', L: 'RTP', ST: 'NC', C: 'US' },
          notBefore: now, notAfter: new Date(now.getTime() + 86400_000), purpose: 'CallManager',
        });
        return { certPem: c.certPem, keyPem: c.keyPem };
      };
      const [itlr, cm, ec] = await Promise.all([make('ITLRECOVERY_cucm-pub.example.com'), make('cucm-pub.example.com'), make('cucm-pub-EC.example.com', 'EC')]);
      certs = { ITLRecovery: itlr, CallManager: cm, CAPF: cm, TVS: cm, 'CallManager-ECDSA': ec };
    });

    const ips: Record<string, string> = { 'cucm-pub': '10.10.10.11', 'cucm-sub1': '10.10.10.12' };

    it('writes a non-secure CTL whose CCM+TFTP records hold only RECORDLENGTH, DNSNAME, FUNCTION and IPADDRESS', () => {
      const plan = planCtl(state('14'), false);
      const buf = buildTrustFile(plan, (r) => certs[r.unit], (s) => ips[s], new Date());
      assert.ok(verifyTrustList(buf, certs.ITLRecovery.certPem).ok);
      const empties = parseTrustList(buf).records.filter((r) => r.role === Role.CCM_TFTP);
      assert.equal(empties.length, 2);
      for (const r of empties) {
        assert.deepEqual(r.items.map((i) => i.name), ['RECORDLENGTH', 'DNSNAME', 'FUNCTION', 'IPADDRESS']);
        assert.equal(r.length, 5 + (3 + r.dnsName!.length + 1) + 5 + 7);
        assert.equal(r.ipAddress, ips[r.dnsName!]);
      }
    });

    it('writes the CallManager-ECDSA record with its 65-byte X9.62 point; record and header lengths add up to the file and it verifies', () => {
      const buf = buildTrustFile(planItl(state('14'), 'cucm-pub'), (r) => certs[r.unit], (s) => ips[s], new Date());
      const list = parseTrustList(buf);
      const ec = list.records.find((r) => r.certificate?.equals(new X509Certificate(certs['CallManager-ECDSA'].certPem).raw))!;
      assert.equal(ec.role, Role.TFTP);
      assert.equal(ec.publicKey!.length, 65);
      assert.equal(ec.publicKey![0], 4, 'uncompressed point');
      assert.equal(list.header.headerLength + list.records.reduce((n, r) => n + r.length, 0), buf.length);
      assert.ok(verifyTrustList(buf, certs.ITLRecovery.certPem).ok);
      assert.ok(buf.length < ITL_SIZE_LIMIT);
    });

    it('signs with the plan\'s signer, or with an explicitly given key pair', () => {
      const plan = planItl(state('14'), 'cucm-pub');
      const normal = buildTrustFile(plan, (r) => certs[r.unit], (s) => ips[s], new Date());
      assert.ok(verifyTrustList(normal, certs.ITLRecovery.certPem).ok);
      assert.ok(!verifyTrustList(normal, certs.CallManager.certPem).ok);
      const other = buildTrustFile(plan, (r) => certs[r.unit], (s) => ips[s], new Date(), certs.CallManager);
      assert.ok(verifyTrustList(other, certs.CallManager.certPem).ok);
      assert.ok(verifyTrustList(other).ok, 'the CallManager SAST record verifies it');
    });
  });
});

describe('certificate key rules (keyrules)', () => {
  const p14 = profile('14');
  const p15 = profile('15');
  const resolve = (unit: string, choice?: RegenChoice, opts: { fips?: boolean; release?: VersionProfile['release'] } = {}) =>
    resolveRegenSpec(def(unit), profile(opts.release ?? '14'), opts.fips ?? false, choice);
  const refused = (f: () => unknown, re?: RegExp) => assert.throws(f, (e: unknown) => e instanceof KeyRuleError && (!re || re.test((e as Error).message)));

  it('offers RSA 1024/2048/3072/4096 and EC 256/384', () => {
    assert.deepEqual(RSA_KEY_SIZES, [1024, 2048, 3072, 4096]);
    assert.deepEqual(EC_KEY_SIZES, [256, 384]);
    for (const keySize of [1024, 2048, 3072, 4096]) {
      for (const unit of ['tomcat', 'ipsec', 'CallManager', 'CAPF', 'TVS', 'ITLRecovery']) assert.equal(resolve(unit, { keySize }).keySize, keySize);
    }
    for (const keySize of [256, 384]) for (const unit of ['tomcat-ECDSA', 'CallManager-ECDSA']) assert.equal(resolve(unit, { keySize }).keySize, keySize);
  });

  it('refuses other key lengths, and EC lengths for RSA units and the reverse', () => {
    for (const keySize of [512, 1536, 8192, 256, 384]) refused(() => resolve('CallManager', { keySize }), /key length/);
    for (const keySize of [1024, 2048, 521, 192]) refused(() => resolve('tomcat-ECDSA', { keySize }), /key length/);
  });

  it('limits the hash by the EC key length: 256 takes SHA256/384/512, 384 takes SHA384/512', () => {
    assert.deepEqual(ecHashes(256), ['SHA256', 'SHA384', 'SHA512']);
    assert.deepEqual(ecHashes(384), ['SHA384', 'SHA512']);
    for (const hash of ['SHA256', 'SHA384', 'SHA512'] as HashName[]) assert.equal(resolve('tomcat-ECDSA', { keySize: 256, hash }).hash, hash);
    for (const hash of ['SHA384', 'SHA512'] as HashName[]) assert.equal(resolve('CallManager-ECDSA', { keySize: 384, hash }).hash, hash);
    refused(() => resolve('tomcat-ECDSA', { keySize: 384, hash: 'SHA256' }), /SHA384, SHA512/);
    refused(() => resolve('tomcat-ECDSA', { keySize: 256, hash: 'SHA1' }));
  });

  it('gives each unit its default key, hash and validity', () => {
    assert.deepEqual(resolve('tomcat'), { keySize: 2048, hash: 'SHA256', validityYears: 5 });
    assert.deepEqual(resolve('tomcat-ECDSA'), { keySize: 256, hash: 'SHA256', validityYears: 5 });
    assert.equal(resolve('tomcat-ECDSA', { keySize: 384 }).hash, 'SHA384', 'an EC-384 key defaults to the smallest hash it may take');
    assert.deepEqual(resolve('ITLRecovery'), { keySize: 2048, hash: 'SHA256', validityYears: 20 }, '14 regenerates ITLRecovery for 20 years');
    assert.equal(resolve('ITLRecovery', {}, { release: '15' }).validityYears, 5, '15 defaults to 5 years');
    assert.equal(defaultValidityYears(def('ITLRecovery'), p14), 20);
    assert.equal(defaultValidityYears(def('ITLRecovery'), p15), 5);
    assert.equal(defaultValidityYears(def('CallManager'), p15), 5);
  });

  it('RSA units take SHA256, SHA384 and SHA512', () => {
    for (const hash of ['SHA256', 'SHA384', 'SHA512'] as HashName[]) assert.equal(resolve('CallManager', { keySize: 4096, hash }).hash, hash);
    refused(() => resolve('CallManager', { hash: 'SHA1' }));
  });

  it('FIPS mode forces SHA256', () => {
    assert.equal(resolve('CallManager', {}, { fips: true }).hash, 'SHA256');
    assert.equal(resolve('tomcat-ECDSA', {}, { fips: true }).hash, 'SHA256');
    assert.equal(resolve('CallManager', { keySize: 4096, hash: 'SHA256' }, { fips: true }).hash, 'SHA256');
    refused(() => resolve('CallManager', { hash: 'SHA384' }, { fips: true }), /FIPS/);
    refused(() => resolve('tomcat-ECDSA', { hash: 'SHA512' }, { fips: true }), /FIPS/);
  });

  it('a choice of validity only for ITLRecovery on 15.x, and only 5/10/15/20 years', () => {
    for (const validityYears of [5, 10, 15, 20]) {
      assert.equal(resolve('ITLRecovery', { validityYears }, { release: '15' }).validityYears, validityYears);
    }
    for (const validityYears of [1, 3, 7, 25, 0]) refused(() => resolve('ITLRecovery', { validityYears }, { release: '15' }), /5, 10, 15, 20/);
    for (const release of ['10.5', '11.5', '12.5', '14'] as const) {
      refused(() => resolve('ITLRecovery', { validityYears: 10 }, { release }), /15\.x/);
    }
    for (const unit of ['tomcat', 'CallManager', 'CAPF', 'TVS', 'tomcat-ECDSA']) refused(() => resolve(unit, { validityYears: 10 }, { release: '15' }), /ITLRecovery/);
  });

  it('validity ends one second before the anniversary of 365-day years', () => {
    const from = new Date('2025-01-01T00:00:00Z');
    assert.equal(validityEnd(from, 5).toISOString(), new Date(from.getTime() + 5 * 365 * 86400_000 - 1000).toISOString());
    assert.equal(validityEnd(from, 20).getTime() - from.getTime(), 20 * 365 * 86400_000 - 1000);
  });
});
