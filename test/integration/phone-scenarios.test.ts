// The recovery procedures trainees practise, end to end through the admin: CLI, judged by what the
// simulated phones end up holding: done right, every Security-By-Default phone is registered and
// its installed ITL is byte for byte the current ITLFile.tlv of its TFTP node; done wrong, the
// failure the reference documents (itl-ctl.md §3, §4; cli.md §4, §5.4–5.5, §9, §17.1).
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { App } from '../../src/app';
import { parseTrustList, verifyTrustList, Role } from '../../src/tlv';
import { phoneModel } from '../../src/phones/models';
import { readPhoneConfig } from '../../src/phones/config-file';
import type { PhoneRow } from '../../src/store/repository';
import { freshDataDir } from '../helpers/cluster';
import { customDataDir, SINGLE_TVS_115 } from '../helpers/custom-cluster';
import { openTestSession, type TestSession, dialog } from '../helpers/terminal';

const PUB = 'cucm-pub';
const SUB = 'cucm-sub1';
const FAILURE = 'Executed command unsuccessfully';
const MIXED_QUESTION = 'This operation will set the cluster to Mixed mode. Do you want to continue? (y/n):';
const NON_SECURE_QUESTION = 'This operation will set the cluster to non secure mode. Do you want to continue? (y/n):';
const UPDATE_QUESTION = 'This operation will update the CTLFile. Do you want to continue? (y/n):';
const CTL_RESET_QUESTION = 'Do you want to continue? (y/n):';
const REGEN_QUESTION = 'Proceed with regeneration (yes|no)? ';
const ROLLBACK = 'Prepare Cluster for Rollback to pre-8.0';


/** The CN of the certificate that signed a trust list (its header SIGNERNAME). */
const signerCn = (file: Buffer) => /CN=([^;]*)/.exec(parseTrustList(file).header.signerName)?.[1];
const lines = (out: string) => out.split('\r\n');

describe('integration: phone recovery scenarios through the admin: CLI', function () {
  this.timeout(120000);
  let app: App;
  let pub: TestSession;
  let sub: TestSession;

  async function open(dataDir: string, timeScale = 0): Promise<void> {
    app = new App({ dataDir, timeScale });
    pub = openTestSession(app);
    sub = openTestSession(app, { node: SUB });
  }
  afterEach(() => app?.close());

  // --- what a phone holds -------------------------------------------------------------------

  const phones = () => app.fleet.phones();
  const sbd = (p: PhoneRow) => phoneModel(p.model).sbd;
  const tftpNode = (p: PhoneRow) => app.cluster.settings.devicePool(p.device_pool).tftp;
  const currentItl = (node: string) => app.cluster.tftp.file(node, 'ITLFile.tlv')!.content;
  const currentCtl = (node: string) => app.cluster.tftp.file(node, 'CTLFile.tlv')?.content;
  const installed = (p: PhoneRow) => app.fleet.installed(p);
  const pick = (model: string, pool?: string) => {
    const p = phones().find((x) => x.model === model && (!pool || x.device_pool === pool));
    assert.ok(p, `a ${model} phone${pool ? ` in ${pool}` : ''}`);
    return p;
  };
  const cert = (node: string, unit: string) => app.cluster.certificates.find(node, unit)!.cert_pem;
  const describe1 = (p: PhoneRow) => `${p.name} (${p.model}, ${p.device_pool}): ${p.reg_state}, "${p.status}"`;

  /**
   * Configuration files a phone should have taken and did not (F1/F2), noted by assertAllTrustCurrent
   * and checked at the end of each scenario, so a scenario still walks all its steps when they fail.
   */
  let configIssues: string[] = [];
  beforeEach(() => {
    configIssues = [];
  });
  const scenario = (title: string, fn: () => Promise<void> | void) =>
    it(title, async () => {
      await fn();
      const n = configIssues.length;
      assert.ok(n === 0, `every phone should run on the configuration its TFTP node serves now; ${n} do not, e.g.\n${configIssues.slice(0, 3).join('\n')}`);
    });

  /** Done right: every phone registered; SBD phones hold the current ITL (and CTL) of their TFTP node. */
  function assertAllTrustCurrent(opts: { ctl?: boolean } = {}): void {
    const all = phones();
    assert.ok(all.length > 0);
    for (const p of all) {
      assert.equal(p.reboot_until, null, `${p.name} has finished booting`);
      assert.equal(p.reg_state, 'reg', describe1(p));
      const t = installed(p);
      const served = app.files.read(tftpNode(p), `${p.name}.cnf.xml`)!;
      if (!t.config?.equals(served) || /File auth error/.test(p.status)) {
        const issue = `${describe1(p)}: not on the current configuration`;
        if (!configIssues.includes(issue)) configIssues.push(issue);
      }
      if (!sbd(p)) continue;
      assert.ok(t.itl, `${describe1(p)} holds an ITL`);
      assert.ok(t.itl.equals(currentItl(tftpNode(p))), `${describe1(p)} holds the current ITL of ${tftpNode(p)}`);
      if (opts.ctl) {
        assert.ok(t.ctl && t.ctl.equals(currentCtl(tftpNode(p))!), `${describe1(p)} holds the current CTL`);
      }
    }
  }

  /** Every SBD phone failed to take the new ITL and still holds the one it had in `before`. */
  function assertItlRefused(before: Map<string, Buffer | null>): void {
    for (const p of phones().filter(sbd)) {
      assert.match(p.status, /Trust List update failed/, describe1(p));
      const t = installed(p);
      assert.ok(t.itl && t.itl.equals(before.get(p.name)!), `${describe1(p)} keeps its old ITL`);
      assert.ok(!t.itl.equals(currentItl(tftpNode(p))), `${describe1(p)} does not hold the new ITL`);
    }
  }
  const snapshotItls = () => new Map(phones().map((p) => [p.name, installed(p).itl]));

  async function resetAll(): Promise<void> {
    const out = await pub.run('sim phone reset all');
    assert.match(out, /\d+ devices reset/);
    phones(); // reboots finish (time scale 0)
  }

  async function restart(t: TestSession, service: string): Promise<string> {
    const out = await t.run(`utils service restart ${service}`);
    assert.ok(!out.includes(FAILURE), out);
    assert.match(out, new RegExp(`${service}\\[STARTED\\]`), out);
    return out;
  }
  const restartTftpEverywhere = async () => {
    for (const node of app.cluster.services.activeTftpNodes()) await restart(node === PUB ? pub : sub, 'Cisco Tftp');
  };
  /** A service restart in the model, without ServM's polling (for time scales where it is slow). */
  const restartNow = (node: string, service: string) => {
    const plan = app.cluster.services.apply({ node, user: 'administrator', command: `utils service restart ${service}` }, service, 'restart');
    assert.equal(plan.outcome, 'change');
  };
  const regen = (t: TestSession, unit: string) => dialog(t, `set cert regen ${unit}`, [[REGEN_QUESTION, 'yes']]);

  // =============================================================================================

  describe('14.x two-node cluster (etc/cluster.yaml)', () => {
    beforeEach(async () => open(await freshDataDir()));

    scenario('after the first boot every SBD phone installed its TFTP node\'s ITL (I1) and registered', () => {
      assertAllTrustCurrent();
      for (const p of phones().filter(sbd)) assert.equal(p.status, 'ITL installed');
    });

    // ---------------------------------------------------------------------------------------- a
    describe('a. bulk ITL reset (utils itl reset localkey)', () => {
      scenario('localkey → reset → restart Tftp on every TFTP node → reset: all registered, ITL signed by ITLRecovery again', async () => {
        const out = await pub.run('utils itl reset localkey');
        assert.ok(!out.includes(FAILURE), out);
        for (const node of [PUB, SUB]) assert.ok(out.includes(`Successfully transferred reset ITL to node ${node}`), out);
        for (const node of [PUB, SUB]) {
          assert.equal(signerCn(currentItl(node)), `${PUB}.example.com`, `${node}: the reset ITL is signed by the publisher's CallManager`);
          assert.ok(verifyTrustList(currentItl(node), cert(PUB, 'CallManager')).ok);
        }

        await resetAll();
        assertAllTrustCurrent();
        for (const p of phones().filter(sbd)) {
          assert.equal(p.status, 'Trust List updated', describe1(p));
          assert.equal(signerCn(installed(p).itl!), `${PUB}.example.com`);
        }

        await restartTftpEverywhere();
        for (const node of [PUB, SUB]) {
          assert.ok(verifyTrustList(currentItl(node), cert(PUB, 'ITLRecovery')).ok, `${node}: restarting Tftp signs with ITLRecovery again`);
        }
        await resetAll();
        assertAllTrustCurrent();
        for (const p of phones().filter(sbd)) assert.match(signerCn(installed(p).itl!)!, /^ITLRECOVERY_/);
      });

      scenario('done wrong: on a subscriber it is refused; without the Tftp restart the ITL stays signed by CallManager', async () => {
        const out = await sub.run('utils itl reset localkey');
        assert.ok(out.includes(FAILURE), out);
        assert.match(out, /only on the publisher/);
        await pub.run('utils itl reset localkey');
        await resetAll();
        await resetAll();
        for (const node of [PUB, SUB]) assert.equal(signerCn(currentItl(node)), `${PUB}.example.com`, 'no rollback without a Tftp restart');
        assertAllTrustCurrent();
      });
    });

    // ---------------------------------------------------------------------------------------- b
    describe('b. ITLRecovery regeneration', () => {
      scenario('non-secure, done right: regen → itl reset localkey → reset → restart Tftp → reset: all trust the new ITLRecovery', async () => {
        const oldRecovery = cert(PUB, 'ITLRecovery');
        const out = await regen(pub, 'ITLRecovery');
        assert.match(out, /Successfully Regenerated Certificate for ITLRecovery\./);
        const newRecovery = cert(PUB, 'ITLRecovery');
        assert.notEqual(newRecovery, oldRecovery);

        assert.ok(!(await pub.run('utils itl reset localkey')).includes(FAILURE));
        await resetAll();
        assertAllTrustCurrent();
        await restartTftpEverywhere();
        await resetAll();
        assertAllTrustCurrent();
        const newDer = new X509Certificate(newRecovery).raw;
        for (const p of phones().filter(sbd)) {
          const itl = installed(p).itl!;
          assert.ok(verifyTrustList(itl, newRecovery).ok, `${describe1(p)}: ITL signed by the new ITLRecovery`);
          const sast = parseTrustList(itl).records.filter((r) => r.role === Role.SAST);
          assert.ok(sast.some((r) => r.certificate?.equals(newDer)), `${p.name}: the new ITLRecovery is a SAST anchor`);
        }
      });

      scenario('non-secure, done wrong: regen and restart Tftp without localkey → Trust List update failed, old ITL kept; the localkey step then recovers', async () => {
        const before = snapshotItls();
        await regen(pub, 'ITLRecovery');
        await resetAll();
        assertAllTrustCurrent(); // nothing changes before the Tftp restart
        await restartTftpEverywhere();
        await resetAll();
        assertItlRefused(before);
        // TVS does not vouch for ITLRecovery, so nothing else helps; the phones still register.
        for (const p of phones()) assert.equal(p.reg_state, 'reg', describe1(p));

        await pub.run('utils itl reset localkey');
        await resetAll();
        assertAllTrustCurrent();
        await restartTftpEverywhere();
        await resetAll();
        assertAllTrustCurrent();
      });

      scenario('mixed mode, done right: mixed-mode → reset → regen → ctl reset localkey → reset → update CTLFile → reset: CTL signed by the new ITLRecovery', async () => {
        await dialog(pub, 'utils ctl set-cluster mixed-mode', [[MIXED_QUESTION, 'y']]);
        assert.ok(app.cluster.settings.mixedMode);
        await resetAll();
        assertAllTrustCurrent({ ctl: true });

        await regen(pub, 'ITLRecovery');
        const newRecovery = cert(PUB, 'ITLRecovery');
        const out = await dialog(pub, 'utils ctl reset localkey', [[CTL_RESET_QUESTION, 'y']]);
        assert.ok(!out.includes(FAILURE), out);
        assert.equal(signerCn(currentCtl(PUB)!), `${PUB}.example.com`, 'the reset CTL is signed by CallManager');
        await resetAll();
        assertAllTrustCurrent({ ctl: true });

        await dialog(pub, 'utils ctl update CTLFile', [[UPDATE_QUESTION, 'y']]);
        assert.ok(verifyTrustList(currentCtl(PUB)!, newRecovery).ok, 'update CTLFile signs with the new ITLRecovery');
        await resetAll();
        assertAllTrustCurrent({ ctl: true });
        for (const p of phones().filter(sbd)) {
          assert.ok(verifyTrustList(installed(p).ctl!, newRecovery).ok, `${describe1(p)}: CTL signed by the new ITLRecovery`);
        }
      });

      it('mixed mode, done wrong: regen then update CTLFile without ctl reset localkey → CTL update failed, old CTL kept', async () => {
        await dialog(pub, 'utils ctl set-cluster mixed-mode', [[MIXED_QUESTION, 'y']]);
        await resetAll();
        const oldCtl = currentCtl(PUB)!;
        await regen(pub, 'ITLRecovery');
        await dialog(pub, 'utils ctl update CTLFile', [[UPDATE_QUESTION, 'y']]);
        await resetAll();
        for (const p of phones().filter(sbd)) {
          assert.match(p.status, /update failed/, describe1(p));
          assert.ok(installed(p).ctl!.equals(oldCtl), `${p.name} keeps the old CTL (C5: no anchor it knows signed the new one)`);
        }
      });
    });

    // ---------------------------------------------------------------------------------------- c
    scenario('c. TVS first, phones settle, then CallManager + restart CallManager and Tftp, reset: recoverable (14.x)', async () => {
      await regen(pub, 'TVS');
      await resetAll();
      assertAllTrustCurrent();
      await regen(pub, 'CallManager');
      await restart(pub, 'Cisco CallManager');
      await restart(pub, 'Cisco Tftp');
      await resetAll();
      assertAllTrustCurrent();
      const cm = new X509Certificate(cert(PUB, 'CallManager')).raw;
      const hq = pick('CP-8841', 'DP-HQ');
      assert.ok(parseTrustList(installed(hq).itl!).records.some((r) => r.role === Role.TFTP && r.certificate?.equals(cm)), 'the new CallManager is the TFTP record');
    });

    scenario('c. on 14.x even TVS and CallManager together are recoverable: the ITL signer (ITLRecovery) does not change', async () => {
      await regen(pub, 'TVS');
      await regen(pub, 'CallManager');
      await restart(pub, 'Cisco CallManager');
      await restart(pub, 'Cisco Tftp');
      await resetAll();
      assertAllTrustCurrent();
      for (const p of phones().filter(sbd)) assert.equal(p.status, 'Trust List updated', describe1(p));
    });

    // ---------------------------------------------------------------------------------------- d
    scenario('d. rollback to pre-8.0: phones reset by themselves, take the empty ITL and unsigned configs, HTTPS services stop; False restores SBD', async () => {
      const hq = pick('CP-8841', 'DP-HQ').name;
      assert.match(await pub.run(`sim phone search-directory ${hq} user`), /\r\n24 matches\r\n/);

      const out = await pub.run(`sim enterprise-parameter set ${ROLLBACK} True`);
      assert.match(out, /24 devices are being reset\./);
      for (const node of [PUB, SUB]) {
        const list = parseTrustList(currentItl(node));
        assert.ok(!list.records.some((r) => (r.role === Role.TVS || r.role === Role.TFTP || r.role === Role.CCM_TFTP) && r.certificate), `${node}: no TVS/TFTP certificates`);
      }
      assertAllTrustCurrent();
      for (const p of phones().filter(sbd)) {
        const list = parseTrustList(installed(p).itl!);
        // No TFTP certificate to check a signature with and no TVS to reach: the config it runs on is unsigned.
        assert.ok(!list.records.some((r) => r.role !== Role.SAST && r.role !== Role.CAPF && r.certificate), `${p.name}: rollback ITL`);
        assert.equal(installed(p).config!.subarray(0, 5).toString(), '<?xml', `${p.name}: plain configuration`);
      }
      const failed = await pub.run(`sim phone search-directory ${hq} user`);
      assert.ok(failed.includes('Host not found') && failed.includes(FAILURE), failed);

      const back = await pub.run(`sim enterprise-parameter set ${ROLLBACK} False`);
      assert.match(back, /24 devices are being reset\./);
      assertAllTrustCurrent();
      for (const p of phones().filter(sbd)) {
        assert.equal(p.status, 'Trust List updated', describe1(p));
        assert.ok(parseTrustList(installed(p).itl!).records.some((r) => r.role === Role.TVS && r.certificate), `${p.name}: TVS records back (I7)`);
      }
      assert.match(await pub.run(`sim phone search-directory ${hq} user`), /\r\n24 matches\r\n/);
    });

    scenario('d. the rollback ITL lets the phones accept an ITL whose signer they never knew (I7)', async () => {
      await pub.run(`sim enterprise-parameter set ${ROLLBACK} True`);
      assertAllTrustCurrent();
      // A new ITLRecovery: unknown to the rollback ITL and to TVS; only I7 can accept it.
      await regen(pub, 'ITLRecovery');
      await restartTftpEverywhere(); // the Tftp restart signs the ITL with it
      await pub.run(`sim enterprise-parameter set ${ROLLBACK} False`);
      assertAllTrustCurrent();
      for (const p of phones().filter(sbd)) assert.ok(verifyTrustList(installed(p).itl!, cert(PUB, 'ITLRecovery')).ok);
    });

    // ---------------------------------------------------------------------------------------- f
    it('f. CallManager with a 4096-bit key: models without RSA > 2048 are rejected, the others register', async () => {
      const out = await dialog(pub, 'sim cert regen CallManager key-length 4096 hash SHA256', [[REGEN_QUESTION, 'yes']]);
      assert.match(out, /Successfully Regenerated Certificate for CallManager\./);
      // only the publisher's CallManager changes: the subscriber keeps its 2048-bit key
      await restart(pub, 'Cisco CallManager');
      await restart(pub, 'Cisco Tftp');
      assert.equal(new X509Certificate(cert(PUB, 'CallManager')).publicKey.asymmetricKeyDetails!.modulusLength, 4096);
      await resetAll();
      for (const p of phones()) {
        const primary = app.cluster.settings.devicePool(p.device_pool).cmGroup[0];
        const m = phoneModel(p.model);
        if (primary === PUB && m.sbd && !m.rsaOver2048) {
          assert.equal(p.reg_state, 'rej', describe1(p));
          assert.equal(p.reg_node, PUB);
          assert.match(p.status, /key length not supported/, describe1(p));
        } else {
          assert.equal(p.reg_state, 'reg', describe1(p));
        }
        if (m.sbd) assert.ok(installed(p).itl!.equals(currentItl(tftpNode(p))), `${p.name} took the new ITL`);
      }
      const risdb = await pub.run('show risdb query phone');
      assert.match(risdb, /, rej, SIP, 493, /, 'a CP-9971 row is rej');
      assert.match(risdb, /, rej, SIP, 436, /, 'a CP-7965 row is rej');
      const shown = await pub.run(`sim phone show ${pick('CP-9971', 'DP-HQ').name}`);
      assert.match(shown, /Registration    : Rejected \(cucm-pub\)/);
    });

    // ---------------------------------------------------------------------------------------- g
    it('g. contact search authentication: enable on every node, reset → 8841 authenticated on 9443, 9971 refused; disable keeps 9443 until the URL parameter and a reset', async () => {
      const p8841 = pick('CP-8841', 'DP-HQ').name;
      const b8841 = pick('CP-8841', 'DP-Branch').name;
      const p9971 = pick('CP-9971', 'DP-HQ').name;
      const operator = openTestSession(app, { user: 'operator', privilege: 1 });
      const refused = await operator.run('utils contactsearchauthentication enable');
      assert.ok(refused.includes('Incomplete command entered') && refused.includes(FAILURE), `privilege 4 needed: ${refused}`);
      assert.equal(app.cluster.settings.contactSearchAuth(PUB), false);

      for (const t of [pub, sub]) {
        const out = await t.run('utils contactsearchauthentication enable');
        assert.ok(!out.includes(FAILURE), out);
        assert.match(await t.run('utils contactsearchauthentication status'), /Security for contact search is enabled/);
      }
      // Not reset yet: the phones still search the old way.
      let out = await pub.run(`sim phone search-directory ${p8841} user`);
      assert.ok(out.includes('URL: https://cucm-pub.example.com:8443/cucm-uds/users?name=user') && out.includes('Authenticated: no') && !out.includes(FAILURE), out);

      await resetAll();
      const cfg = readPhoneConfig(installed(app.fleet.phone(p8841)).config!.toString());
      assert.deepEqual({ secureDirUrl: cfg.secureDirUrl, contactSearchAuth: cfg.contactSearchAuth }, { secureDirUrl: 'https://cucm-pub.example.com:9443/cucm-uds/users', contactSearchAuth: true });
      out = await pub.run(`sim phone search-directory ${p8841} user`);
      assert.ok(out.includes('URL: https://cucm-pub.example.com:9443/cucm-uds/users?name=user'), out);
      assert.ok(out.includes('Authenticated: yes') && out.includes('24 matches') && !out.includes(FAILURE), out);
      out = await pub.run(`sim phone search-directory ${b8841} user`);
      assert.ok(out.includes('URL: https://cucm-sub1.example.com:9443/') && out.includes('Authenticated: yes') && !out.includes(FAILURE), out);
      out = await pub.run(`sim phone search-directory ${p9971} user`);
      assert.ok(out.includes('Authenticated: no') && out.includes(FAILURE), `a CP-9971 cannot authenticate: ${out}`);

      for (const t of [pub, sub]) {
        const d = await t.run('utils contactsearchauthentication disable');
        assert.match(d, /The UDS port stays 9443/);
      }
      await resetAll();
      out = await pub.run(`sim phone search-directory ${p8841} user`);
      assert.ok(out.includes(':9443/cucm-uds/users') && out.includes('Authenticated: no'), `the URL keeps 9443: ${out}`);
      assert.ok(out.includes('Host not found') && out.includes(FAILURE), `nothing answers on 9443 any more: ${out}`);

      await pub.run('sim enterprise-parameter set Secure Contact Search URL https://cucm-pub.example.com:8443/cucm-uds/users');
      out = await pub.run(`sim phone search-directory ${p8841} user`);
      assert.ok(out.includes(':9443/'), `a phone sees the new URL only after a reset: ${out}`);
      await resetAll();
      for (const name of [p8841, b8841, p9971]) {
        out = await pub.run(`sim phone search-directory ${name} user`);
        assert.ok(out.includes('URL: https://cucm-pub.example.com:8443/cucm-uds/users?name=user') && out.includes('Authenticated: no') && !out.includes(FAILURE), out);
      }
    });

    // ---------------------------------------------------------------------------------- others
    scenario('Cisco Tftp stopped on a node: that pool\'s phones time out and stay unregistered; the other pool registers', async () => {
      const stop = await sub.run('utils service stop Cisco Tftp');
      assert.match(stop, /Cisco Tftp\[STOPPED\]/);
      await resetAll();
      for (const p of phones()) {
        if (tftpNode(p) === SUB) {
          assert.equal(p.reg_state, 'unr', describe1(p));
          assert.equal(p.status, 'TFTP Timeout', describe1(p));
        } else {
          assert.equal(p.reg_state, 'reg', describe1(p));
        }
      }
      const shown = await pub.run(`sim phone show ${pick('CP-8841', 'DP-Branch').name}`);
      assert.match(shown, /Registration    : Unregistered\r\nStatus          : TFTP Timeout/);
      const risdb = await sub.run('show risdb query phone');
      const rows = lines(risdb).filter((l) => /^(SEP|CSF)/.test(l));
      assert.ok(rows.length > 0 && rows.every((r) => r.split(', ')[7] === 'unr'), risdb);

      await sub.run('utils service start Cisco Tftp');
      await resetAll();
      assertAllTrustCurrent();
      for (const p of phones()) assert.notEqual(p.status, 'TFTP Timeout', `${describe1(p)}: registered again, the timeout is history`);
    });

    it('show risdb query phone: banner, header, reg/unr/rej rows and the total of this node', async () => {
      // one rejected (4096-bit CallManager on pub for a CP-9971), one unregistered (Tftp stopped on sub)
      await dialog(pub, 'sim cert regen CallManager key-length 4096 hash SHA256', [[REGEN_QUESTION, 'yes']]);
      await restart(pub, 'Cisco CallManager');
      await sub.run('utils service stop Cisco Tftp');
      await resetAll();
      for (const [t, node] of [[pub, PUB], [sub, SUB]] as const) {
        const out = await t.run('show risdb query phone');
        const l = lines(out);
        assert.equal(l[1], '----------- Phone Information -----------', out);
        const header = l.findIndex((x) => x.startsWith('DeviceName, Descr, Ipaddr'));
        assert.equal(header, 6, 'the header is the 5th line after the banner');
        assert.ok(l[header].split(', ').length === 26);
        const rows = l.slice(header + 1, l.indexOf('', header + 1));
        const mine = phones().filter((p) => p.reg_node === node);
        assert.equal(rows.length, mine.length);
        for (const p of mine) {
          const row = rows.find((r) => r.startsWith(`${p.name}, `));
          assert.ok(row, `${p.name} is listed on ${node}`);
          const f = row.split(', ');
          assert.equal(f[7], p.reg_state);
          assert.equal(f[9], String(phoneModel(p.model).enum));
          assert.equal(f[6], p.mac);
        }
        assert.ok(l.includes(`Total count: ${mine.length}`), out);
        const states = new Set(rows.map((r) => r.split(', ')[7]));
        assert.ok(states.has(node === PUB ? 'rej' : 'unr'), `${node}: ${[...states]}`);
        if (node === PUB) assert.ok(states.has('reg'));
      }
    });

    it('models without SBD (CP-7960, Jabber) register on an unsigned config and never install an ITL', async () => {
      await resetAll();
      const others = phones().filter((p) => !sbd(p));
      assert.deepEqual([...new Set(others.map((p) => p.model))].sort(), ['CP-7960', 'Jabber']);
      for (const p of others) {
        const t = installed(p);
        assert.equal(p.reg_state, 'reg', describe1(p));
        assert.equal(t.itl, null);
        assert.equal(t.ctl, null);
        assert.equal(p.status, 'No Trust List installed');
        assert.equal(t.config!.subarray(0, 5).toString(), '<?xml');
        const shown = await pub.run(`sim phone show ${p.name}`);
        assert.match(shown, /ITL File        : Not Installed/);
      }
      // a change of signer they never check leaves them registered
      await regen(pub, 'CallManager');
      await restart(pub, 'Cisco CallManager');
      await resetAll();
      for (const p of phones().filter((x) => !sbd(x))) assert.equal(p.reg_state, 'reg');
      const p7960 = pick('CP-7960').name;
      await pub.run(`sim phone delete-trust-list ${p7960}`);
      const after = app.fleet.phone(p7960);
      assert.equal(after.reg_state, 'reg');
      assert.notEqual(after.status, 'Erasing CTL and ITL files', 'the erase message is gone once the phone has booted');
    });

    it('sim report phone-feature-list Authenticated Contact Search lists every model in the cluster with Yes/No', async () => {
      const out = await pub.run('sim report phone-feature-list Authenticated Contact Search');
      const l = lines(out);
      assert.ok(l.includes('Feature: Authenticated Contact Search'), out);
      const expected: Record<string, string> = { 'CP-7841': 'Yes', 'CP-7960': 'No', 'CP-7965': 'No', 'CP-8841': 'Yes', 'CP-9971': 'No', Jabber: 'Yes' };
      for (const [model, yes] of Object.entries(expected)) {
        const row = l.find((x) => x.startsWith(model + ' '));
        assert.ok(row, `${model} listed: ${out}`);
        assert.equal(row.split(/\s+/)[1], yes, row);
        const count = phones().filter((p) => p.model === model).length;
        assert.equal(Number(row.split(/\s+/)[2]), count);
      }
      const bad = await pub.run('sim report phone-feature-list Teleportation');
      assert.ok(bad.includes('Unknown feature') && bad.includes(FAILURE), bad);
    });

    scenario('sim phone delete-trust-list: Erasing CTL and ITL files, then the phone installs the current ITL (I9 → I1)', async () => {
      const name = pick('CP-8841', 'DP-HQ').name;
      const out = await pub.run(`sim phone delete-trust-list ${name}`);
      assert.match(out, /Erasing CTL and ITL files on 1 device/);
      const p = app.fleet.phone(name);
      assert.equal(p.status, 'ITL installed');
      assert.equal(p.reg_state, 'reg');
      assert.ok(installed(p).itl!.equals(currentItl(PUB)));
    });

    // ------------------------------------------------------------- model gaps (expected behaviour)
    scenario('C6: after mixed → non-secure mode the phones keep the CTL with empty CCM+TFTP records and register non-secure on the new config', async () => {
      await dialog(pub, 'utils ctl set-cluster mixed-mode', [[MIXED_QUESTION, 'y']]);
      await resetAll();
      assertAllTrustCurrent({ ctl: true });
      await dialog(pub, 'utils ctl set-cluster non-secure-mode', [[NON_SECURE_QUESTION, 'y']]);
      await resetAll();
      for (const p of phones().filter(sbd)) {
        const t = installed(p);
        assert.ok(t.ctl && t.ctl.equals(currentCtl(tftpNode(p))!), `${describe1(p)} took the non-secure CTL`);
        assert.equal(p.reg_state, 'reg', describe1(p));
        assert.doesNotMatch(p.status, /File auth error|failed/, describe1(p));
        assert.match(t.config!.toString(), /<deviceSecurityMode>1<\/deviceSecurityMode>/, `${p.name} runs on the non-secure configuration`);
      }
    });

    it('B1/C1: in mixed mode the phones without SBD (CP-7960, Jabber) still download and install the CTL', async () => {
      await dialog(pub, 'utils ctl set-cluster mixed-mode', [[MIXED_QUESTION, 'y']]);
      await resetAll();
      for (const p of phones().filter((x) => !sbd(x))) {
        assert.equal(p.reg_state, 'reg', describe1(p));
        assert.equal(installed(p).itl, null, `${p.name}: never an ITL (B5)`);
        assert.ok(installed(p).ctl?.equals(currentCtl(tftpNode(p))!), `${describe1(p)}: CTL installed (C1)`);
      }
    });
  });

  // =============================================================================================

  describe('c. 11.5, one CallManager (and TVS) per device pool', () => {
    beforeEach(async () => open(await customDataDir(SINGLE_TVS_115)));

    scenario('the 11.5 ITL is signed by the TFTP node\'s own CallManager, and every phone trusts it', () => {
      for (const node of [PUB, SUB]) assert.ok(verifyTrustList(currentItl(node), cert(node, 'CallManager')).ok);
      assertAllTrustCurrent();
      for (const p of phones()) assert.deepEqual(app.cluster.settings.devicePool(p.device_pool).cmGroup.length, 1);
    });

    scenario('done right: TVS first, phones reset and settle, then CallManager + restarts, reset → registered on the new ITL (I5 via TVS)', async () => {
      await regen(pub, 'TVS');
      await resetAll();
      assertAllTrustCurrent();
      await regen(pub, 'CallManager');
      await restart(pub, 'Cisco CallManager');
      await restart(pub, 'Cisco Tftp');
      assert.ok(verifyTrustList(currentItl(PUB), cert(PUB, 'CallManager')).ok, 'the ITL is signed by the new CallManager');
      await resetAll();
      assertAllTrustCurrent();
    });

    scenario('done wrong: TVS and CallManager regenerated together → locked out (old ITL, Trust List update failed) until the trust list is deleted', async () => {
      // Time stands nearly still (scale 1000): the phones' own resets after the TVS change fall due
      // only when the clock is advanced, so the CallManager change comes before they took the new TVS.
      app.close();
      await open(await customDataDir(SINGLE_TVS_115), 1000);
      const before = snapshotItls();
      const configs = new Map(phones().map((p) => [p.name, installed(p).config]));
      await regen(pub, 'TVS');
      await regen(pub, 'CallManager');
      // ServM's polling takes simulated seconds, which this time scale makes long: restart in the model.
      restartNow(PUB, 'Cisco CallManager');
      restartNow(PUB, 'Cisco Tftp');
      // Nobody resets the phones: they restart on their own because their ITL changed.
      await pub.run('sim clock advance 10m');
      const locked = phones().filter((p) => sbd(p) && tftpNode(p) === PUB);
      assert.ok(locked.length > 0);
      for (const p of locked) {
        const t = installed(p);
        assert.ok(t.itl!.equals(before.get(p.name)!), `${describe1(p)} keeps the old ITL`);
        assert.ok(!t.itl!.equals(currentItl(PUB)));
        assert.ok(t.config!.equals(configs.get(p.name)!), `${p.name} runs on its last good configuration (F3)`);
        assert.match(p.status, /Trust List update failed/, describe1(p));
      }
      // What the simulator decides: with the last good configuration they still register (non-secure
      // SIP does not involve the certificates); only the trust side is locked.
      for (const p of locked) assert.equal(p.reg_state, 'reg', describe1(p));
      // the other pool has its own TVS and TFTP node: untouched
      for (const p of phones().filter((x) => tftpNode(x) === SUB)) assert.equal(p.reg_state, 'reg', describe1(p));

      const out = await pub.run('sim phone delete-trust-list all');
      assert.match(out, /Erasing CTL and ITL files on \d+ devices/);
      await pub.run('sim clock advance 10m');
      assertAllTrustCurrent();
      for (const p of locked) assert.equal(app.fleet.phone(p.name).status, 'ITL installed');
    });
  });

  // =============================================================================================

  describe('simulated time (time scale 1)', () => {
    let dataDir: string;
    beforeEach(async () => {
      dataDir = await freshDataDir();
      await open(dataDir, 1);
    });

    it('a reset whose deadline is in the future completes after sim clock advance 2m', async () => {
      const name = pick('CP-8841', 'DP-HQ').name;
      await pub.run(`sim phone reset ${name}`);
      let p = app.fleet.phone(name);
      assert.equal(p.reg_state, 'unr');
      assert.ok(p.reboot_until && Date.parse(p.reboot_until) > app.clock.now().getTime(), 'deadline in the future');
      assert.match(await pub.run(`sim phone show ${name}`), /Registration    : Rebooting \(until /);
      await pub.run('sim clock advance 2m');
      p = app.fleet.phone(name);
      assert.equal(p.reboot_until, null);
      assert.equal(p.reg_state, 'reg');
      assert.match(await pub.run(`sim phone show ${name}`), /Registration    : Registered \(cucm-pub\)/);
    });

    it('sim phone list filters on the State it prints: Rebooting', async () => {
      const name = pick('CP-8841', 'DP-HQ').name;
      await pub.run(`sim phone reset ${name}`);
      const out = await pub.run('sim phone list Rebooting');
      assert.ok(out.includes(`${name} `) && /Total: 1\r\n/.test(out), out);
    });

    it('a reset\'s deadline survives closing and reopening the App on the same data directory', async () => {
      const name = pick('CP-9971', 'DP-Branch').name;
      await pub.run(`sim phone reset ${name}`);
      const deadline = app.fleet.phone(name).reboot_until;
      assert.ok(deadline);
      app.close();
      await open(dataDir, 1);
      let p = app.fleet.phone(name);
      assert.equal(p.reboot_until, deadline, 'still rebooting with the same deadline');
      assert.equal(p.reg_state, 'unr');
      await pub.run('sim clock advance 2m');
      p = app.fleet.phone(name);
      assert.equal(p.reboot_until, null);
      assert.equal(p.reg_state, 'reg');
      // the clock offset was kept as well
      app.close();
      await open(dataDir, 1);
      assert.ok(app.clock.offset >= 120000);
      assert.equal(app.fleet.phone(name).reg_state, 'reg');
    });
  });
});
