// The pure boot decision of a simulated phone (src/phones/boot.ts) against the trust rules of
// itl-ctl.md §3: I1–I9 for the ITL, C1–C6 for the CTL, F1–F4 for the configuration file, and the
// registration outcome. Real keys, real signatures; the TVS is a stub that behaves as the fleet's
// does (reachable only over TLS the phone can check against the TVS records of its installed ITL).
import assert from 'node:assert/strict';
import { createSelfSigned, type IssuedCertificate } from '../../src/pki';
import { buildTrustList, buildSignedFile, recordFromCertificate, parseTrustList, cucmName, Role, type TrustRecord, type ParsedTrustList } from '../../src/tlv';
import { bootPhone, isRollbackItl, type BootEnvironment, type InstalledTrust, type TvsQuery } from '../../src/phones/boot';
import { ITL_SIZE_LIMIT as ITL_LIMIT } from '../../src/cluster/trustfiles';
import { phoneModel, type PhoneModel } from '../../src/phones/models';
import { X509Certificate } from 'node:crypto';

const DEVICE = 'SEP00AA00000001';
const CONFIG = `${DEVICE}.cnf.xml`;
const IP = '10.10.10.11';
const T0 = 1_700_000_000;

type Key = IssuedCertificate;
const keys: Record<string, Key> = {};

async function key(cn: string, bits = 2048): Promise<Key> {
  const now = new Date();
  return createSelfSigned({
    keyType: 'RSA', keySize: bits, hash: 'SHA256', purpose: 'CallManager',
    subject: { CN: cn, OU: 'Collaboration', O: 'Example Corp', L: 'Raleigh', ST: 'North Carolina', C: 'US' },
    notBefore: now, notAfter: new Date(now.getTime() + 365 * 86400_000),
  });
}

const rec = (k: Key, role: number, dns = 'cucm-pub'): TrustRecord => recordFromCertificate(k.certPem, role, dns, IP);
const empty = (role: number, dns = 'cucm-pub'): TrustRecord => ({ role, dnsName: dns, ipAddress: IP });

function trustList(fileName: string, signer: Key, records: TrustRecord[], timestamp = T0): Buffer {
  return buildTrustList({ fileName, signerCertPem: signer.certPem, signerKeyPem: signer.keyPem, timestamp, records });
}
const itlFile = (signer: Key, records: TrustRecord[], ts?: number) => trustList('ITLFile.tlv', signer, records, ts);
const ctlFile = (signer: Key, records: TrustRecord[], ts?: number) => trustList('CTLFile.tlv', signer, records, ts);

/** A 14.x-style ITL: ITLRecovery and CallManager as SAST, CallManager as TFTP, one TVS; signed by ITLRecovery. */
const normalItl = (o: { rec?: Key; cm?: Key; tvs?: Key; signer?: Key; ts?: number } = {}) => {
  const r = o.rec ?? keys.recA;
  const cm = o.cm ?? keys.cmA;
  return itlFile(o.signer ?? r, [rec(r, Role.SAST), rec(cm, Role.SAST), rec(cm, Role.TFTP), rec(o.tvs ?? keys.tvsA, Role.TVS)], o.ts);
};
/** A tokenless mixed-mode CTL: ITLRecovery and CallManager as SAST, CallManager as CCM+TFTP. */
const mixedCtl = (o: { rec?: Key; cm?: Key; signer?: Key; ts?: number } = {}) => {
  const r = o.rec ?? keys.recA;
  const cm = o.cm ?? keys.cmA;
  return ctlFile(o.signer ?? r, [rec(r, Role.SAST), rec(cm, Role.SAST), rec(cm, Role.CCM_TFTP)], o.ts);
};
const rollbackItl = (o: { rec?: Key; cm?: Key } = {}) =>
  itlFile(o.rec ?? keys.recA, [rec(o.rec ?? keys.recA, Role.SAST), rec(o.cm ?? keys.cmA, Role.SAST), empty(Role.TFTP), empty(Role.TVS)]);

const XML = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<device><deviceName>${DEVICE}</deviceName></device>\n`);
const XML_OLD = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<device><deviceName>${DEVICE}</deviceName><old/></device>\n`);
const signedConfig = (signer: Key, body = XML) =>
  buildSignedFile({ fileName: `${CONFIG}.sgn`, body, signerCertPem: signer.certPem, signerKeyPem: signer.keyPem, timestamp: T0 });

interface TvsCall {
  issuer: string;
  serial: Buffer;
  list: ParsedTrustList | null;
}

/**
 * A TVS that knows `known` certificates (with roles) and whose own certificate is `tvsCert`: the
 * phone reaches it only when that certificate is a TVS record of the list it passes (T1).
 */
function tvsStub(tvsCert: Key, known: [Key, number[]][], calls: TvsCall[]): TvsQuery {
  return (issuer, serial, list) => {
    calls.push({ issuer, serial, list });
    const der = new X509Certificate(tvsCert.certPem).raw;
    if (!list || !list.records.some((r) => r.role === Role.TVS && r.certificate?.equals(der))) return null;
    for (const [k, roles] of known) {
      const c = new X509Certificate(k.certPem);
      if (cucmName(c.issuer) === issuer && Buffer.from(c.serialNumber, 'hex').equals(serial)) return { certPem: k.certPem, roles };
    }
    return null;
  };
}

interface Env extends BootEnvironment {
  downloads: string[];
  tvsCalls: TvsCall[];
}

function env(o: {
  files?: Record<string, Buffer | null>;
  model?: string | PhoneModel;
  tvs?: TvsQuery;
  known?: [Key, number[]][];
  tvsCert?: Key;
  tftpServing?: boolean;
  rsaBits?: number | null;
  noCallManager?: boolean;
} = {}): Env {
  const downloads: string[] = [];
  const tvsCalls: TvsCall[] = [];
  const files = o.files ?? {};
  const model = typeof o.model === 'object' ? o.model : phoneModel(o.model ?? 'CP-8841');
  return {
    model,
    deviceName: DEVICE,
    tftpServing: o.tftpServing ?? true,
    download(name) {
      downloads.push(name);
      if (name in files) return files[name];
      // by default TFTP serves the configuration signed by the CallManager of normalItl/mixedCtl
      return name === CONFIG ? XML : name === `${CONFIG}.sgn` ? signedConfig(keys.cmA) : null;
    },
    tvs: o.tvs ?? tvsStub(o.tvsCert ?? keys.tvsA, o.known ?? [], tvsCalls),
    callManager: o.noCallManager ? null : { node: 'cucm-pub', rsaBits: o.rsaBits === undefined ? 2048 : o.rsaBits },
    downloads,
    tvsCalls,
  };
}

const fresh: InstalledTrust = { status: 'No Trust List installed', ctl: null, itl: null, config: null };
const holding = (t: Partial<InstalledTrust>): InstalledTrust => ({ status: 'ITL installed', ctl: null, itl: null, config: XML_OLD, ...t });

describe('phone boot decision (src/phones/boot.ts)', function () {
  this.timeout(60000);

  before(async () => {
    const names = ['recA', 'recB', 'cmA', 'cmB', 'cmC', 'tvsA', 'tvsB', 'foreign'];
    const made = await Promise.all(names.map((n) => key(`${n}.example.com`)));
    names.forEach((n, i) => (keys[n] = made[i]));
  });

  // ------------------------------------------------------------------------------------------
  describe('boot order, transport, registration', () => {
    it('TFTP Timeout: nothing downloaded, nothing changed, unregistered', () => {
      const e = env({ tftpServing: false });
      const before = holding({ itl: normalItl() });
      const out = bootPhone(e, before);
      assert.equal(out.status, 'TFTP Timeout');
      assert.equal(out.reg, 'unr');
      assert.equal(out.regNode, null);
      assert.deepEqual(e.downloads, []);
      assert.equal(out.itl, before.itl);
      assert.equal(out.config, before.config);
    });

    it('B1: an SBD phone asks for CTLFile.tlv, then ITLFile.tlv, then the signed configuration once it holds a trust list', () => {
      const e = env({ files: { 'ITLFile.tlv': normalItl(), [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      bootPhone(e, fresh);
      assert.deepEqual(e.downloads, ['CTLFile.tlv', 'ITLFile.tlv', `${CONFIG}.sgn`]);
    });

    it('B5: a phone without SBD never asks for the ITL and takes the unsigned configuration', () => {
      for (const model of ['CP-7960', 'Jabber']) {
        const e = env({ model, files: { 'ITLFile.tlv': normalItl(), [`${CONFIG}.sgn`]: signedConfig(keys.foreign) } });
        const out = bootPhone(e, fresh);
        assert.ok(!e.downloads.includes('ITLFile.tlv'), `${model}: ${e.downloads}`);
        assert.ok(!e.downloads.includes(`${CONFIG}.sgn`), `${model}: ${e.downloads}`);
        assert.equal(out.itl, null);
        assert.equal(out.config?.toString(), XML.toString());
        assert.equal(out.reg, 'reg');
        assert.equal(out.status, 'No Trust List installed');
      }
    });

    it('without a running CallManager in its group the phone stays unregistered', () => {
      const out = bootPhone(env({ noCallManager: true, model: 'CP-7960' }), fresh);
      assert.equal(out.reg, 'unr');
      assert.equal(out.config?.toString(), XML.toString());
    });

    it('a CallManager key above 2048 bits: SBD models without support are rejected, the others register', () => {
      const files = { 'ITLFile.tlv': normalItl(), [`${CONFIG}.sgn`]: signedConfig(keys.cmA) };
      const known: [Key, number[]][] = [[keys.cmA, [Role.TFTP]]];
      for (const [model, reg] of [['CP-9971', 'rej'], ['CP-7965', 'rej'], ['CP-8841', 'reg'], ['CP-7960', 'reg'], ['Jabber', 'reg']] as const) {
        const out = bootPhone(env({ model, files, known, rsaBits: 4096 }), fresh);
        assert.equal(out.reg, reg, model);
        assert.equal(out.regNode, 'cucm-pub');
        if (reg === 'rej') assert.match(out.status, /Registration rejected: CallManager certificate key length not supported/);
      }
      assert.equal(bootPhone(env({ model: 'CP-9971', files, known, rsaBits: 2048 }), fresh).reg, 'reg');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('ITL rules I1–I9', () => {
    it('I1: with no CTL and no ITL the first ITL is installed unchecked (even a signer nobody vouches for)', () => {
      const itl = normalItl({ signer: keys.foreign });
      const e = env({ files: { 'ITLFile.tlv': itl }, known: [[keys.cmA, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      const out = bootPhone(e, fresh);
      assert.ok(out.itl?.equals(itl));
      assert.equal(out.status, 'ITL installed');
      assert.ok(!e.tvsCalls.some((c) => c.serial.equals(parseTrustList(itl).header.serialNumber)), 'TVS not asked about the ITL signer');
    });

    it('I1: first ITL and a configuration the new ITL vouches for → "ITL installed", registered', () => {
      const out = bootPhone(env({ files: { 'ITLFile.tlv': normalItl(), [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.TFTP]]] }), fresh);
      assert.equal(out.status, 'ITL installed');
      assert.equal(out.reg, 'reg');
      assert.equal(out.config?.toString(), XML.toString());
    });

    it('I2: with a CTL installed, a new ITL must be signed by a SAST of the CTL', () => {
      const ctl = mixedCtl();
      const installedItl = normalItl();
      // signed by the CallManager: SAST in the CTL → accepted
      const byCm = normalItl({ signer: keys.cmA, ts: T0 + 1 });
      let out = bootPhone(env({ files: { 'CTLFile.tlv': ctl, 'ITLFile.tlv': byCm } }), holding({ ctl, itl: installedItl }));
      assert.ok(out.itl?.equals(byCm), out.status);
      // a new ITLRecovery is SAST in the installed ITL's successor only, not in the CTL → refused, even though TVS knows it
      const byRecB = itlFile(keys.recB, [rec(keys.recB, Role.SAST), rec(keys.cmA, Role.SAST), rec(keys.cmA, Role.CCM_TFTP), rec(keys.tvsA, Role.TVS)]);
      out = bootPhone(env({ files: { 'CTLFile.tlv': ctl, 'ITLFile.tlv': byRecB }, known: [[keys.recB, [Role.SAST]]] }), holding({ ctl, itl: installedItl }));
      assert.ok(out.itl?.equals(installedItl));
      assert.equal(out.status, 'Trust List update failed');
    });

    it('I3: the same ITL again changes nothing and leaves the last status', () => {
      const itl = normalItl();
      const before = holding({ itl, status: 'Trust List updated' });
      const e = env({ files: { 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.TFTP]]] });
      const out = bootPhone(e, before);
      assert.equal(out.itl, itl);
      assert.equal(out.status, 'Trust List updated');
    });

    it('I4: a new ITL signed by a SAST of the installed ITL replaces it without asking TVS', () => {
      const next = normalItl({ tvs: keys.tvsB, ts: T0 + 5 });
      // (the TVS was regenerated: it now presents tvsB, the record of the new ITL)
      const e = env({ files: { 'ITLFile.tlv': next }, tvsCert: keys.tvsB, known: [[keys.cmA, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      const out = bootPhone(e, holding({ itl: normalItl() }));
      assert.ok(out.itl?.equals(next));
      assert.equal(out.status, 'Trust List updated');
      assert.ok(!e.tvsCalls.some((c) => c.serial.equals(parseTrustList(next).header.serialNumber)), 'no TVS query about the signer');
      // signed by the CallManager SAST anchor (a reset ITL) → accepted as well
      const reset = normalItl({ signer: keys.cmA, ts: T0 + 6 });
      assert.ok(bootPhone(env({ files: { 'ITLFile.tlv': reset } }), holding({ itl: normalItl() })).itl?.equals(reset));
    });

    it('I4 is about SAST records only: a signer present as TFTP or TVS in the installed ITL is unknown (→ TVS)', () => {
      const installedItl = normalItl();
      for (const signer of [keys.tvsA]) {
        const next = normalItl({ signer, ts: T0 + 7 });
        // the signer is no SAST of `next` either: nothing can vouch, TVS unreachable (tvsB not in the ITL)
        const out = bootPhone(env({ files: { 'ITLFile.tlv': next }, tvsCert: keys.tvsB }), holding({ itl: installedItl }));
        assert.ok(out.itl?.equals(installedItl));
        assert.equal(out.status, 'Trust List update failed');
      }
    });

    it('I5: an unknown signer is accepted when TVS, reached through the installed ITL, vouches for it', () => {
      const installedItl = normalItl();
      // 11.5-style: the ITL signed by a new CallManager that is its first SAST record
      const next = itlFile(keys.cmB, [rec(keys.cmB, Role.SAST), rec(keys.recA, Role.SAST), rec(keys.cmB, Role.TFTP), rec(keys.tvsA, Role.TVS)]);
      const e = env({ files: { 'ITLFile.tlv': next, [`${CONFIG}.sgn`]: signedConfig(keys.cmB) }, known: [[keys.cmB, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      const out = bootPhone(e, holding({ itl: installedItl }));
      assert.ok(out.itl?.equals(next), out.status);
      assert.equal(out.status, 'Trust List updated');
      assert.equal(out.reg, 'reg');
      const q = e.tvsCalls[0];
      assert.ok(q.serial.equals(parseTrustList(next).header.serialNumber), 'TVS was asked about the new signer');
      assert.ok(q.list && q.list.records.some((r) => r.role === Role.TVS), 'over the installed ITL');
    });

    it('I5: TVS answering with another certificate (the signature does not verify) is no help', () => {
      const next = itlFile(keys.cmB, [rec(keys.cmB, Role.SAST), rec(keys.cmB, Role.TFTP), rec(keys.tvsA, Role.TVS)]);
      const lying: TvsQuery = () => ({ certPem: keys.cmC.certPem, roles: [Role.CCM, Role.TFTP] });
      const out = bootPhone(env({ files: { 'ITLFile.tlv': next }, tvs: lying }), holding({ itl: normalItl() }));
      assert.equal(out.status, 'Trust List update failed');
    });

    it('I5 needs TVS support: an SBD model without it refuses an unknown signer', () => {
      const noTvs: PhoneModel = { ...phoneModel('CP-8841'), name: 'SBD-no-TVS', tvs: false };
      const next = itlFile(keys.cmB, [rec(keys.cmB, Role.SAST), rec(keys.cmB, Role.TFTP), rec(keys.tvsA, Role.TVS)]);
      const e = env({ model: noTvs, files: { 'ITLFile.tlv': next }, known: [[keys.cmB, [Role.TFTP]]] });
      const out = bootPhone(e, holding({ itl: normalItl() }));
      assert.equal(out.status, 'Trust List update failed');
      assert.equal(e.tvsCalls.length, 0);
    });

    it('I6: unknown signer and no TVS that can vouch → old ITL kept, "Trust List update failed", still registered on a good config', () => {
      const installedItl = normalItl();
      const next = normalItl({ rec: keys.recB, ts: T0 + 9 }); // a new ITLRecovery: TVS never knows ITLRecovery
      const out = bootPhone(env({ files: { 'ITLFile.tlv': next, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.TFTP]]] }), holding({ itl: installedItl }));
      assert.ok(out.itl?.equals(installedItl));
      assert.equal(out.status, 'Trust List update failed');
      assert.equal(out.reg, 'reg');
    });

    it('I6: TLS to TVS fails when its certificate is not a TVS record of the installed ITL', () => {
      const next = itlFile(keys.cmB, [rec(keys.cmB, Role.SAST), rec(keys.cmB, Role.TFTP), rec(keys.tvsB, Role.TVS)]);
      const out = bootPhone(env({ files: { 'ITLFile.tlv': next }, tvsCert: keys.tvsB, known: [[keys.cmB, [Role.TFTP]]] }), holding({ itl: normalItl() }));
      assert.match(out.status, /Trust List update failed/);
    });

    it('I6 stays visible when the configuration no longer verifies either (the locked-out phone of §4)', () => {
      // CallManager and TVS changed together on an 11.5 node: unknown ITL signer, unreachable TVS, config by the new key
      const next = itlFile(keys.cmB, [rec(keys.cmB, Role.SAST), rec(keys.cmB, Role.TFTP), rec(keys.tvsB, Role.TVS)]);
      const before = holding({ itl: normalItl() });
      const out = bootPhone(env({ files: { 'ITLFile.tlv': next, [`${CONFIG}.sgn`]: signedConfig(keys.cmB) }, tvsCert: keys.tvsB, known: [[keys.cmB, [Role.TFTP]]] }), before);
      assert.ok(out.itl?.equals(before.itl!));
      assert.equal(out.config, before.config, 'the last good configuration is kept (F3)');
      assert.match(out.status, /Trust List update failed/);
    });

    it('I7: over a rollback ITL any new ITL is accepted, without TVS', () => {
      const installedItl = rollbackItl();
      assert.ok(isRollbackItl(parseTrustList(installedItl)));
      assert.ok(!isRollbackItl(parseTrustList(normalItl())));
      const next = normalItl({ rec: keys.recB, cm: keys.cmB, signer: keys.foreign });
      const e = env({ files: { 'ITLFile.tlv': next }, known: [[keys.cmA, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      const out = bootPhone(e, holding({ itl: installedItl }));
      assert.ok(out.itl?.equals(next));
      assert.equal(out.status, 'Trust List updated');
      assert.ok(!e.tvsCalls.some((c) => c.serial.equals(parseTrustList(next).header.serialNumber)));
    });

    describe('I8: an ITL over 64 KiB', () => {
      /** An ITL of exactly `size` bytes, signed by recA, with as many TVS records as it takes. */
      function itlOfSize(size: number): Buffer {
        const base = [rec(keys.recA, Role.SAST), rec(keys.cmA, Role.SAST), rec(keys.cmA, Role.TFTP)];
        const tvs = (i: number, pad = 0) => ({ ...rec(keys.tvsA, Role.TVS), dnsName: `tvs${i}${'x'.repeat(pad)}` });
        let n = 0;
        while (itlFile(keys.recA, [...base, ...Array.from({ length: n + 1 }, (_, i) => tvs(i))]).length <= size) n++;
        const records = [...base, ...Array.from({ length: n }, (_, i) => tvs(i))];
        const short = size - itlFile(keys.recA, records).length;
        records[records.length - 1] = tvs(n - 1, short);
        const out = itlFile(keys.recA, records);
        assert.equal(out.length, size);
        return out;
      }

      it('is not loaded: the old ITL stays, the phone does not register', () => {
        const big = itlOfSize(ITL_LIMIT + 1);
        const certs = parseTrustList(big).records.length;
        assert.ok(certs >= 36 && certs <= 40, `${certs} records of 2048-bit certificates make 64 KiB`);
        const installedItl = normalItl();
        const out = bootPhone(env({ files: { 'ITLFile.tlv': big, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.TFTP]]] }), holding({ itl: installedItl }));
        assert.ok(out.itl?.equals(installedItl), 'not installed');
        assert.equal(out.reg, 'unr');
        assert.match(out.status, /failed/);
      });

      it('is not loaded on first boot either (I8 before I1)', () => {
        const out = bootPhone(env({ files: { 'ITLFile.tlv': itlOfSize(70000) } }), fresh);
        assert.equal(out.itl, null);
        assert.equal(out.reg, 'unr');
      });

      it('64 KiB exactly is still loaded', () => {
        const edge = itlOfSize(ITL_LIMIT);
        const out = bootPhone(env({ files: { 'ITLFile.tlv': edge, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.TFTP]]] }), holding({ itl: normalItl() }));
        assert.ok(out.itl?.equals(edge));
        assert.equal(out.reg, 'reg');
      });
    });

    it('I9: a phone whose trust list was erased is back at I1', () => {
      const next = normalItl({ rec: keys.recB, cm: keys.cmB, tvs: keys.tvsB });
      const out = bootPhone(env({ files: { 'ITLFile.tlv': next } }), { status: 'Erasing CTL and ITL files', ctl: null, itl: null, config: XML_OLD });
      assert.ok(out.itl?.equals(next));
    });

    it('an unreadable ITL is refused without harm: the old one stays, the phone registers', () => {
      const installedItl = normalItl();
      const out = bootPhone(env({ files: { 'ITLFile.tlv': Buffer.from('not a trust list'), [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.TFTP]]] }), holding({ itl: installedItl }));
      assert.ok(out.itl?.equals(installedItl));
      assert.equal(out.status, 'Trust List update failed');
      assert.equal(out.reg, 'reg');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('CTL rules C1–C6', () => {
    it('C1: the first CTL is installed unchecked; with the first ITL the phone says "CTL and ITL installed"', () => {
      const ctl = mixedCtl({ signer: keys.foreign });
      const itl = normalItl();
      const out = bootPhone(env({ files: { 'CTLFile.tlv': ctl, 'ITLFile.tlv': normalItl({ signer: keys.foreign }) } }), fresh);
      assert.ok(out.ctl?.equals(ctl));
      // the ITL is checked against the CTL just installed (I2): foreign is no SAST of it
      assert.equal(out.itl, null);
      const both = bootPhone(env({ files: { 'CTLFile.tlv': mixedCtl(), 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) } }), fresh);
      assert.ok(both.ctl && both.itl?.equals(itl));
      assert.match(both.status, /^CTL and ITL installed$|^File auth error/);
    });

    it('C2: a CTL signed by a SAST of the installed CTL replaces it (ctl reset localkey: signed by CallManager)', () => {
      const installedCtl = mixedCtl();
      const reset = mixedCtl({ rec: keys.recB, signer: keys.cmA, ts: T0 + 3 });
      const out = bootPhone(env({ files: { 'CTLFile.tlv': reset } }), holding({ ctl: installedCtl, itl: normalItl() }));
      assert.ok(out.ctl?.equals(reset));
      // and then the ITL signed by the new ITLRecovery is accepted against the new CTL (I2)
      const itl2 = normalItl({ rec: keys.recB, ts: T0 + 4 });
      const next = bootPhone(env({ files: { 'CTLFile.tlv': reset, 'ITLFile.tlv': itl2 } }), holding({ ctl: reset, itl: normalItl() }));
      assert.ok(next.itl?.equals(itl2), next.status);
    });

    it('C3: an unknown CTL signer is accepted when TVS vouches for it (SBD phone)', () => {
      const installedCtl = mixedCtl();
      const next = mixedCtl({ rec: keys.recB, signer: keys.recB });
      const e = env({ files: { 'CTLFile.tlv': next }, known: [[keys.recB, [Role.SAST]]] });
      const out = bootPhone(e, holding({ ctl: installedCtl, itl: normalItl() }));
      assert.ok(out.ctl?.equals(next), out.status);
      assert.ok(e.tvsCalls[0].list?.records.some((r) => r.role === Role.TVS), 'TVS reached over the ITL');
    });

    it('C4: an unknown CTL signer is refused by a phone that cannot ask TVS', () => {
      const noTvs: PhoneModel = { ...phoneModel('CP-8841'), name: 'SBD-no-TVS', tvs: false };
      const installedCtl = mixedCtl();
      const next = mixedCtl({ rec: keys.recB, signer: keys.recB });
      const out = bootPhone(env({ model: noTvs, files: { 'CTLFile.tlv': next }, known: [[keys.recB, [Role.SAST]]] }), holding({ ctl: installedCtl, itl: normalItl() }));
      assert.ok(out.ctl?.equals(installedCtl));
      assert.equal(out.status, 'CTL update failed');
    });

    it('C5: both anchors changed before the phone saw them → CTL update failed, old CTL kept', () => {
      const installedCtl = mixedCtl();
      const next = mixedCtl({ rec: keys.recB, cm: keys.cmB, signer: keys.recB });
      const out = bootPhone(env({ files: { 'CTLFile.tlv': next } }), holding({ ctl: installedCtl, itl: normalItl() }));
      assert.ok(out.ctl?.equals(installedCtl));
      assert.equal(out.status, 'CTL update failed');
    });

    it('C6: a CTL with empty CCM+TFTP records (non-secure after mixed) → the phone registers on its new configuration', () => {
      const nonSecure = ctlFile(keys.recA, [rec(keys.recA, Role.SAST), rec(keys.cmA, Role.SAST), empty(Role.CCM_TFTP)]);
      const itl = normalItl();
      const e = env({ files: { 'CTLFile.tlv': nonSecure, 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, known: [[keys.cmA, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      const out = bootPhone(e, holding({ ctl: mixedCtl(), itl }));
      assert.ok(out.ctl?.equals(nonSecure));
      assert.equal(out.reg, 'reg');
      assert.equal(out.config?.toString(), XML.toString(), `takes the new configuration (status "${out.status}")`);
    });

    it('C1/C4 for phones without SBD: they ask for the CTL too (B1), install the first, refuse an unknown signer', () => {
      const ctl = mixedCtl();
      const e = env({ model: 'CP-7960', files: { 'CTLFile.tlv': ctl } });
      const out = bootPhone(e, fresh);
      assert.ok(e.downloads.includes('CTLFile.tlv'), `downloads: ${e.downloads}`);
      assert.ok(out.ctl?.equals(ctl), 'C1');
      const next = mixedCtl({ rec: keys.recB, cm: keys.cmB, signer: keys.recB });
      const again = bootPhone(env({ model: 'CP-7960', files: { 'CTLFile.tlv': next } }), { ...fresh, ctl });
      assert.ok(again.ctl?.equals(ctl), 'C4');
      assert.equal(again.status, 'CTL update failed');
    });
  });

  // ------------------------------------------------------------------------------------------
  describe('configuration rules F1–F4', () => {
    it('F1: a configuration signed by the TFTP record of the installed ITL is taken without TVS', () => {
      const e = env({ files: { 'ITLFile.tlv': normalItl(), [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, tvs: () => null });
      const out = bootPhone(e, holding({ itl: normalItl() }));
      assert.equal(out.config?.toString(), XML.toString(), `status "${out.status}"`);
      assert.equal(out.reg, 'reg');
    });

    it('F1: with a CTL, a configuration signed by its CCM+TFTP record is taken without TVS', () => {
      const ctl = mixedCtl();
      const itl = normalItl({ signer: keys.recA });
      const out = bootPhone(env({ files: { 'CTLFile.tlv': ctl, 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmA) }, tvs: () => null }), holding({ ctl, itl }));
      assert.equal(out.config?.toString(), XML.toString(), `status "${out.status}"`);
    });

    it('F1: a SAST-only certificate (ITLRecovery) does not sign configurations', () => {
      const out = bootPhone(env({ files: { 'ITLFile.tlv': normalItl(), [`${CONFIG}.sgn`]: signedConfig(keys.recA) }, tvs: () => null }), holding({ itl: normalItl() }));
      assert.equal(out.config?.toString(), XML_OLD.toString());
      assert.equal(out.status, `File auth error: ${CONFIG}.sgn`);
    });

    it('F2: a signer outside the list is taken when TVS gives it the TFTP (or CCM+TFTP) role, not another role', () => {
      const itl = normalItl();
      const ok = bootPhone(env({ files: { 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmB) }, known: [[keys.cmB, [Role.CCM_TFTP]]] }), holding({ itl }));
      assert.equal(ok.config?.toString(), XML.toString());
      for (const roles of [[Role.APP_SERVER], [Role.SAST], [Role.TVS]]) {
        const no = bootPhone(env({ files: { 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmB) }, known: [[keys.cmB, roles]] }), holding({ itl }));
        assert.equal(no.config?.toString(), XML_OLD.toString(), `roles ${roles}`);
      }
    });

    it('F2 with a CTL installed: TVS is still reached through the TVS records of the ITL (the CTL has none)', () => {
      const ctl = mixedCtl();
      const itl = normalItl();
      const e = env({ files: { 'CTLFile.tlv': ctl, 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.cmB) }, known: [[keys.cmB, [Role.CCM, Role.TFTP, Role.CCM_TFTP]]] });
      const out = bootPhone(e, holding({ ctl, itl }));
      assert.equal(out.config?.toString(), XML.toString(), `status "${out.status}"`);
    });

    it('F3: a configuration that does not verify is ignored; the phone keeps its last good one and says File auth error', () => {
      const itl = normalItl();
      const out = bootPhone(env({ files: { 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.foreign) } }), holding({ itl }));
      assert.equal(out.config?.toString(), XML_OLD.toString());
      assert.equal(out.status, `File auth error: ${CONFIG}.sgn`);
      assert.equal(out.reg, 'reg');
      // never had one: cannot register
      const first = bootPhone(env({ files: { 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: signedConfig(keys.foreign) } }), { ...fresh });
      assert.equal(first.config, null);
      assert.equal(first.reg, 'unr');
      // a missing or corrupt .sgn is the same
      const corrupt = bootPhone(env({ files: { 'ITLFile.tlv': itl, [`${CONFIG}.sgn`]: Buffer.from('junk') } }), holding({ itl }));
      assert.equal(corrupt.config?.toString(), XML_OLD.toString());
    });

    it('F4: over a rollback ITL the phone takes the unsigned configuration and never asks for the .sgn', () => {
      const itl = rollbackItl();
      const e = env({ files: { 'ITLFile.tlv': itl } });
      const out = bootPhone(e, holding({ itl }));
      assert.equal(out.config?.toString(), XML.toString());
      assert.ok(e.downloads.includes(CONFIG) && !e.downloads.includes(`${CONFIG}.sgn`), `${e.downloads}`);
      assert.equal(out.reg, 'reg');
    });
  });
});
