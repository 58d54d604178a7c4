// Moving phones from `old` (12.5) to `new` (14.0) as seed 002 describes: Bulk Certificate Management
// through the lab SFTP server, DHCP option 150, the BAT copy, and the phones asking the old cluster's
// TVS to vouch for the new ITL. Every step goes through the CLI over SSH (in-process ssh2).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { startSimulator, LAB_SFTP, type Simulator } from '../../src/simulator';
import { labDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';
import { waitUntil } from '../helpers/wait';
import { phoneModel } from '../../src/phones/models';
import type { PhoneRow } from '../../src/phones/phone';
import { askTvs } from '../helpers/tvs';

const FAILURE = 'Executed command unsuccessfully';

describe('integration: moving phones between clusters (seed 002)', function () {
  this.timeout(180000);
  let sim: Simulator;
  let dataDir: string;
  const shells: Shell[] = [];
  let oldPub: Shell;
  let newPub: Shell;

  const login = async (node: string) => {
    const sh = await Shell.open({ port: sim.ssh.get(node)!.port });
    shells.push(sh);
    await sh.run('set cli pagination off');
    return sh;
  };
  const lab = () => sim.app.lab;
  const sftpDir = () => path.join(dataDir, LAB_SFTP.dir);
  const sbd = (p: PhoneRow) => phoneModel(p.model).sbd;
  const movedPhones = () => lab().fleetOf('new').phones();
  const itlOf = (cluster: string, node: string) => lab().cluster(cluster).tftp.file(node, 'ITLFile.tlv')!.content;
  const heldItl = (p: PhoneRow) => lab().fleetOf(p.cluster).installed(p).itl;

  /** Types a command and answers its questions in order; returns everything up to the next prompt. */
  async function dialog(sh: Shell, line: string, answers: [string, string][]): Promise<string> {
    const start = sh.mark();
    sh.send(line + '\r');
    let from = start + line.length;
    for (const [prompt, answer] of answers) {
      from = (await sh.waitFor(prompt, from, 10000)) + prompt.length;
      sh.send(answer + '\r');
    }
    const at = await sh.waitFor('\r\nadmin:', from, 30000);
    return sh.text.slice(start, at);
  }

  const settings = (sh: Shell, o: { port?: number; password?: string; dir?: string } = {}) =>
    dialog(sh, 'sim bulk-certificate settings', [
      ['IP Address', '127.0.0.1'], ['Port', String(o.port ?? sim.sftp!.port)], ['User ID', LAB_SFTP.username],
      ['Password: ', o.password ?? LAB_SFTP.password], ['Directory', o.dir ?? '/'],
    ]);

  async function ok(sh: Shell, line: string): Promise<string> {
    const out = await sh.run(line, 30000);
    assert.ok(!out.includes(FAILURE), out);
    return out;
  }

  /** Resets the phones a publisher's cluster holds, and waits until every boot is over. */
  async function resetAndSettle(sh: Shell, cluster: string): Promise<void> {
    await ok(sh, 'sim phone reset all');
    await waitUntil(() => lab().fleetOf(cluster).phones().every((p) => p.reboot_until === null), 30000, 'the boots to be over');
  }

  async function bulkExchange(opts: { importOnOld?: boolean; importOnNew?: boolean } = {}): Promise<void> {
    await settings(newPub);
    assert.match(await ok(newPub, 'sim bulk-certificate export'), /Exported new_new-pub_tftp\.p12/);
    await settings(oldPub);
    await ok(oldPub, 'sim bulk-certificate export TFTP');
    assert.match(await ok(oldPub, 'sim bulk-certificate consolidate'), /Consolidated TFTP certificates of clusters new, old into consolidated_tftp\.p12/);
    if (opts.importOnOld ?? true) assert.match(await ok(oldPub, 'sim bulk-certificate import'), /from new into CallManager-trust, Phone-SAST-trust\./);
    if (opts.importOnNew ?? true) assert.match(await ok(newPub, 'sim bulk-certificate import'), /from old into CallManager-trust, Phone-SAST-trust\./);
  }

  /** BAT copy to new, DHCP option 150 to new's TFTP nodes, reset. */
  async function movePhones(): Promise<void> {
    assert.match(await ok(oldPub, 'sim phone copy all new'), /24 devices copied to cluster new \(device pool DP-HQ\)/);
    assert.match(await ok(newPub, 'sim phone set-tftp all new-pub,new-sub1'), /24 devices now use TFTP 10\.10\.30\.11,10\.10\.30\.12/);
    await resetAndSettle(newPub, 'new');
  }

  function assertAllOnNew(): void {
    const phones = movedPhones();
    assert.equal(phones.length, 24);
    assert.equal(lab().fleetOf('old').phones().length, 0);
    for (const p of phones) {
      assert.equal(p.reg_state, 'reg', `${p.name}: ${p.status}`);
      assert.match(p.reg_node ?? '', /^new-/, p.name);
      if (sbd(p)) assert.ok(heldItl(p)!.equals(itlOf('new', 'new-pub')), `${p.name} trusts new's ITL`);
    }
  }

  function assertLockedOut(): PhoneRow[] {
    const locked = movedPhones().filter(sbd);
    assert.ok(locked.length > 10);
    for (const p of locked) {
      assert.equal(p.reg_state, 'unr', `${p.name} is not registered`);
      assert.ok(!heldItl(p)!.equals(itlOf('new', 'new-pub')), `${p.name} keeps its old ITL`);
      assert.equal(p.status, 'Trust List update failed', p.name);
    }
    return locked;
  }

  beforeEach(async () => {
    dataDir = await labDataDir();
    sim = await startSimulator({ dataDir, host: '127.0.0.1', basePort: 0, sftpPort: 0, tvsPort: 0, timeScale: 0, authFailDelayMs: 50 });
    oldPub = await login('old-pub');
    newPub = await login('new-pub');
    // Every phone of old registers on old first.
    await waitUntil(() => lab().fleetOf('old').phones().every((p) => p.reg_state === 'reg' && !p.reboot_until), 30000, 'old phones registered');
  });
  afterEach(async () => {
    await Promise.all(shells.splice(0).map((s) => s.close()));
    await sim.close();
  });

  it('seed 002 step by step: every phone of old ends registered on new, trusting new\'s ITL, vouched for by old\'s TVS', async () => {
    const tvsPort = sim.listeners.find((l) => l.node === 'old-sub1' && l.kind === 'tvs')!.port;
    const sha = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
    const newSigner = lab().cluster('new').certificates.find('new-pub', 'ITLRecovery')!.cert_pem;
    assert.equal(await askTvs(tvsPort, `VOUCH ${sha(newSigner)} SAST`), 'NO', 'unknown before the bulk exchange');
    await bulkExchange();
    // Old's TVS listener on 2445 now vouches for new's ITL signer, as a phone will ask it.
    assert.equal(await askTvs(tvsPort, `VOUCH ${sha(newSigner)} SAST`), 'YES CCM,TFTP,CCM+TFTP,SAST');
    // show cert list trust on every node of old shows new's TFTP certificates; old's TVS vouches for them.
    for (const node of ['old-pub', 'old-sub1']) {
      const sh = await login(node);
      const list = await ok(sh, 'show cert list trust');
      assert.match(list, /Phone-SAST-trust\/ITLRECOVERY_new-pub\.new\.example\.com\.pem/);
      assert.match(list, /CallManager-trust\/new-sub1\.new\.example\.com\.pem|CallManager-trust\/new-sub1/);
    }
    await movePhones();
    assertAllOnNew();
    // Reports per cluster: the moved phones appear on new.
    const risdb = await ok(newPub, 'show risdb query phone');
    assert.match(risdb, /Total count: [1-9]/);
    assert.match(await ok(newPub, 'sim report itl-file-status'), /MisMatch: 0, Not Installed: 0/);
    assert.match(await ok(oldPub, 'sim report itl-file-status'), /Match: 0, MisMatch: 0, Not Installed: 0, Unknown: 0/);
    const name = movedPhones().find(sbd)!.name;
    const show = await ok(newPub, `sim phone show ${name}`);
    assert.match(show, /Cluster\s+: new/);
    assert.match(show, /TFTP Server\s+: 10\.10\.30\.11 \(new-pub, cluster new\)/);
    assert.match(show, /ITL File\s+: [0-9a-f]+ \(signed by ITLRECOVERY_new-pub\.new\.example\.com\)/);
    assert.doesNotMatch(show, /Locked Out/);
    const kinds = lab().recentEvents(200).map((e) => e.kind);
    for (const k of ['bulk-certificate-sftp-saved', 'bulk-certificate-exported', 'bulk-certificate-consolidated', 'bulk-certificate-imported', 'phones-copied-out', 'phones-copied-in', 'phones-tftp-set']) {
      assert.ok(kinds.includes(k as never), k);
    }
  });

  it('the exported files are certificates-only PKCS#12 that openssl reads', async () => {
    await bulkExchange({ importOnOld: false, importOnNew: false });
    const files = fs.readdirSync(sftpDir()).sort();
    assert.deepEqual(files, ['consolidated_tftp.p12', 'new_new-pub_tftp.p12', 'new_new-sub1_tftp.p12', 'old_old-pub_tftp.p12', 'old_old-sub1_tftp.p12']);
    const read = (f: string) => execFileSync('openssl', ['pkcs12', '-in', path.join(sftpDir(), f), '-nokeys', '-passin', 'pass:'], { encoding: 'utf8' });
    const pub = read('old_old-pub_tftp.p12');
    assert.doesNotMatch(pub, /PRIVATE KEY/);
    const pems = pub.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!;
    const old = lab().cluster('old').certificates;
    const expected = ['CallManager', 'CallManager-ECDSA', 'CAPF', 'ITLRecovery'].map((u) => old.find('old-pub', u)).filter((c) => c).map((c) => new X509Certificate(c!.cert_pem).fingerprint256);
    assert.equal(expected.length, 4);
    assert.deepEqual(pems.map((p) => new X509Certificate(p).fingerprint256).sort(), expected.sort());
    assert.match(pub, /friendlyName: old:old-pub:CallManager/);
    const merged = read('consolidated_tftp.p12').match(/BEGIN CERTIFICATE/g)!.length;
    assert.ok(merged >= 8, `consolidated holds both clusters (${merged})`);
  });

  it('refusals change nothing: unreachable, wrong password, missing directory, nothing consolidated, one cluster only, garbled file, rollback on the source', async () => {
    const trustBefore = () => JSON.stringify(lab().cluster('old').certificates.trust('old-sub1').map((t) => t.file));
    const before = trustBefore();
    const refused = async (line: string, re: RegExp) => {
      const out = await oldPub.run(line, 30000);
      assert.match(out, re);
      assert.match(out, new RegExp(FAILURE));
    };
    assert.match(await (await login('old-sub1')).run('sim bulk-certificate export'), /publisher \(old-pub\) only/);
    await refused('sim bulk-certificate export', /No SFTP server is saved/);
    await settings(oldPub, { port: 1 });
    await refused('sim bulk-certificate export', /Unable to reach the SFTP server 127\.0\.0\.1 on port 1/);
    await settings(oldPub, { password: 'wrong-one' });
    await refused('sim bulk-certificate export', /Authentication failed on the SFTP server 127\.0\.0\.1/);
    await settings(oldPub, { dir: '/no/such/dir' });
    await refused('sim bulk-certificate export', /The directory \/no\/such\/dir does not exist/);
    assert.deepEqual(fs.readdirSync(sftpDir()), []);
    await settings(oldPub);
    await refused('sim bulk-certificate import', /Nothing has been consolidated in \/ for TFTP/);
    await ok(oldPub, 'sim bulk-certificate export');
    await refused('sim bulk-certificate consolidate', /at least two clusters must be exported .*TFTP: old/);
    await refused('sim bulk-certificate export Bogus', /Invalid certificate type Bogus/);
    // A garbled consolidated file: import refused, trust stores untouched.
    fs.writeFileSync(path.join(sftpDir(), 'consolidated_tftp.p12'), Buffer.from('this is not PKCS#12'));
    await refused('sim bulk-certificate import', /consolidated_tftp\.p12 in \/ is not a valid PKCS#12 certificate file/);
    assert.equal(trustBefore(), before);
    // Rollback to pre-8.0 True on the source: export refused.
    await ok(oldPub, 'sim enterprise-parameter set Prepare Cluster for Rollback to pre-8.0 True');
    await refused('sim bulk-certificate export', /Prepare Cluster for Rollback to pre-8\.0 is True on this cluster/);
    assert.ok(!lab().recentEvents(100).some((e) => e.kind === 'bulk-certificate-imported'));
    const show = await ok(oldPub, 'sim bulk-certificate show');
    assert.match(show, /Port\s+: \d+/);
    assert.doesNotMatch(show, new RegExp(LAB_SFTP.password));
  });

  it('phones pointed at new before any bulk import are locked out; finishing the import and a reset brings them back', async () => {
    await movePhones();
    const locked = assertLockedOut();
    const show = await ok(newPub, `sim phone show ${locked[0].name}`);
    assert.match(show, /Locked Out\s+: the new ITL's signer is not in the phone's ITL, and the TVS of its configuration \(old-/);
    assert.match(show, /ITL File\s+: [0-9a-f]+ \(signed by ITLRECOVERY_old-pub\.old\.example\.com\)/);
    assert.match(await ok(newPub, 'sim report itl-file-status'), /Unknown: 2[0-9]|Unknown: 1[0-9]/);
    await bulkExchange();
    await resetAndSettle(newPub, 'new');
    assertAllOnNew();
  });

  it('old taken offline before the phones moved locks them out; bringing old back and a reset recovers', async () => {
    await bulkExchange();
    await ok(oldPub, 'sim phone copy all new');
    await ok(newPub, 'sim phone set-tftp all new-pub,new-sub1');
    assert.match(await ok(newPub, 'sim cluster old offline'), /Cluster old is offline\./);
    await resetAndSettle(newPub, 'new');
    assertLockedOut();
    await ok(newPub, 'sim cluster old online');
    await resetAndSettle(newPub, 'new');
    assertAllOnNew();
  });

  it('old\'s TVS stopped on every node while the phones move locks them out; started again, a reset recovers', async () => {
    await bulkExchange();
    const oldSub = await login('old-sub1');
    for (const sh of [oldPub, oldSub]) assert.match(await ok(sh, 'utils service stop Cisco Trust Verification Service'), /STOPPED/);
    await movePhones();
    assertLockedOut();
    for (const sh of [oldPub, oldSub]) await ok(sh, 'utils service start Cisco Trust Verification Service');
    await resetAndSettle(newPub, 'new');
    assertAllOnNew();
  });

  it('the import done only on the destination locks phones out; sim phone delete-trust-list recovers them one by one', async () => {
    await bulkExchange({ importOnOld: false });
    await movePhones();
    const locked = assertLockedOut();
    const out = await ok(newPub, `sim phone delete-trust-list ${locked[0].name}`);
    assert.match(out, /Erasing CTL and ITL files on 1 device/);
    await waitUntil(() => lab().fleetOf('new').phone(locked[0].name).reboot_until === null, 30000, 'the phone to boot');
    const p = lab().fleetOf('new').phone(locked[0].name);
    assert.equal(p.reg_state, 'reg', p.status);
    assert.ok(heldItl(p)!.equals(itlOf('new', 'new-pub')));
    await ok(newPub, 'sim phone delete-trust-list all');
    await waitUntil(() => movedPhones().every((x) => x.reboot_until === null), 30000, 'the boots to be over');
    assertAllOnNew();
  });

  it('old under Prepare Cluster for Rollback to pre-8.0: phones hold the empty ITL and accept new\'s ITL and configuration without any bulk exchange', async () => {
    await ok(oldPub, 'sim enterprise-parameter set Prepare Cluster for Rollback to pre-8.0 True');
    await waitUntil(() => lab().fleetOf('old').phones().every((p) => p.reboot_until === null && p.reg_state === 'reg'), 30000, 'phones back on old with the empty ITL');
    await movePhones();
    assertAllOnNew();
  });

  it('auto-registration on new: unknown phones pointed at it register with XMLDefault.cnf.xml (.sgn for Security By Default phones)', async () => {
    await bulkExchange();
    await ok(newPub, 'sim enterprise-parameter set Auto-registration True');
    await ok(oldPub, 'sim phone set-tftp all new-pub');
    await resetAndSettle(oldPub, 'old');
    await waitUntil(() => movedPhones().length === 24 && movedPhones().every((p) => p.reboot_until === null), 30000, 'every phone auto-registered');
    assertAllOnNew();
    for (const p of movedPhones()) {
      const cfg = lab().fleetOf('new').installed(p).config!.toString('utf8');
      assert.match(cfg, /<deviceName>XMLDefault<\/deviceName>/, p.name);
      assert.equal(p.device_pool, 'DP-HQ');
    }
    const events = lab().recentEvents(100).filter((x) => x.kind === 'phones-auto-registered');
    assert.ok(events.every((e) => e.cluster === 'new'));
    assert.equal(events.reduce((n, e) => n + (e.payload as { phones: number }).phones, 0), 24);
  });

  it('without auto-registration, phones pointed at new whose devices new does not know do not register there', async () => {
    await bulkExchange();
    await ok(oldPub, 'sim phone set-tftp all new-pub');
    await resetAndSettle(oldPub, 'old');
    assert.equal(movedPhones().length, 0);
    assert.ok(lab().fleetOf('old').phones().every((p) => !(p.reg_node ?? '').startsWith('new-')));
  });

  it('set-tftp and copy refuse what the lab does not have, and change nothing', async () => {
    assert.match(await oldPub.run('sim phone set-tftp all nowhere-pub'), /There is no node named nowhere-pub in the lab\.\r\nExecuted command unsuccessfully/);
    assert.match(await oldPub.run('sim phone copy all elsewhere'), /There is no cluster named elsewhere\.\r\nExecuted command unsuccessfully/);
    assert.match(await oldPub.run('sim phone copy all old'), /already in cluster old/);
    assert.equal(lab().fleetOf('old').phones().length, 24);
    assert.match(await ok(oldPub, 'sim phone set-tftp DP-Branch old-pub'), /12 devices now use TFTP 10\.10\.20\.11/);
  });
});
