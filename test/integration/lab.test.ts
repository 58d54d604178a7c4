// The lab of several clusters: both clusters served at once, a TVS on TLS per node, phones that boot
// on their own as simulated time passes, reachability through the network, `sim events`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash, X509Certificate } from 'node:crypto';
import { startSimulator, type Simulator } from '../../src/simulator';
import { labDataDir } from '../helpers/cluster';
import { Shell } from '../helpers/ssh2-shell';
import { waitUntil } from '../helpers/wait';
import { askTvs } from '../helpers/tvs';

describe('integration: a lab of two clusters (etc/labs/two-clusters.yaml)', function () {
  this.timeout(120000);
  let sim: Simulator;
  const shells: Shell[] = [];
  const port = (node: string, kind: string) => sim.listeners.find((l) => l.node === node && l.kind === kind)!.port;
  const login = async (node: string) => {
    const sh = await Shell.open({ port: port(node, 'ssh') });
    shells.push(sh);
    await sh.run('set cli pagination off');
    return sh;
  };

  beforeEach(async () => {
    sim = await startSimulator({ dataDir: await labDataDir(), host: '127.0.0.1', basePort: 0, tftpPort: 0, httpPort: 0, tvsPort: 0, timeScale: 0.01, authFailDelayMs: 50 });
  });
  afterEach(async () => {
    await Promise.all(shells.splice(0).map((s) => s.close()));
    await sim.close();
  });

  it('serves every node of both clusters, and each publisher answers show itl with its own ITL', async () => {
    for (const node of ['old-pub', 'old-sub1', 'new-pub', 'new-sub1']) {
      for (const kind of ['ssh', 'tftp', 'http', 'https-callmanager', 'https-tomcat', 'tvs']) {
        assert.ok(sim.listeners.some((l) => l.node === node && l.kind === kind), `${kind} on ${node}`);
      }
    }
    const oldItl = await (await login('old-pub')).run('show itl');
    const newItl = await (await login('new-pub')).run('show itl');
    assert.match(oldItl, /ITLRECOVERY_old-pub\.old\.example\.com/);
    assert.match(newItl, /ITLRECOVERY_new-pub\.new\.example\.com/);
    assert.doesNotMatch(oldItl, /new\.example\.com/);
  });

  it('openssl s_client to a TVS port shows that node\'s TVS certificate', async () => {
    for (const node of ['old-pub', 'new-sub1']) {
      // Asynchronously: the server runs in this process.
      const child = promisify(execFile)('openssl', ['s_client', '-connect', `127.0.0.1:${port(node, 'tvs')}`, '-showcerts'], { encoding: 'utf8', timeout: 10000 });
      child.child.stdin!.end();
      const { stdout: out } = await child;
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)![0];
      const cluster = sim.app.lab.clusterOf(node);
      assert.equal(new X509Certificate(pem).serialNumber, new X509Certificate(cluster.certificates.find(node, 'TVS')!.cert_pem).serialNumber, node);
    }
  });

  it('a TVS vouches for its own cluster\'s certificates in their role only, and refuses strangers and garbage', async () => {
    const old = sim.app.lab.cluster('old');
    const fresh = sim.app.lab.cluster('new');
    const sha = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
    const tvs = port('old-pub', 'tvs');
    assert.equal(await askTvs(tvs, `VOUCH ${sha(old.certificates.find('old-sub1', 'CallManager')!.cert_pem)} CCM`), 'YES CCM,TFTP,CCM+TFTP');
    assert.equal(await askTvs(tvs, `VOUCH ${sha(old.certificates.find('old-sub1', 'CallManager')!.cert_pem)} TVS`), 'NO');
    assert.equal(await askTvs(tvs, `VOUCH ${sha(fresh.certificates.find('new-pub', 'CallManager')!.cert_pem)} CCM`), 'NO', 'the other cluster is unknown before a bulk import');
    assert.match((await askTvs(tvs, 'HELLO'))!, /^ERROR /);
    assert.match((await askTvs(tvs, 'x'.repeat(5000)))!, /^ERROR request line too long/);
  });

  it('a TVS that is stopped, or whose cluster is offline, does not answer; online again, it does', async () => {
    const sh = await login('old-pub');
    const tvs = port('old-pub', 'tvs');
    const cm = sim.app.lab.cluster('old').certificates.find('old-pub', 'CallManager')!.cert_pem;
    const ask = () => askTvs(tvs, `VOUCH ${createHash('sha256').update(new X509Certificate(cm).raw).digest('hex')} CCM`);
    assert.match(await sh.run('utils service stop Cisco Trust Verification Service'), /STOPPED/);
    assert.equal(await ask(), null);
    await sh.run('utils service start Cisco Trust Verification Service');
    assert.match((await ask())!, /^YES/);
    assert.match(await sh.run('sim cluster old offline'), /Cluster old is offline\./);
    assert.equal(await ask(), null);
    assert.match(await sh.run('sim network show'), /old\s+old-pub\s+10\.10\.20\.11\s+down\s+down\s+down/);
    await sh.run('sim cluster old online');
    assert.match((await ask())!, /^YES/);
  });

  it('after sim phone reset all on old, with nobody typing, every phone registers again on its own', async () => {
    const sh = await login('old-pub');
    const lab = sim.app.lab;
    const fleet = lab.fleetOf('old');
    const total = fleet.phones().length;
    assert.equal(total, 24);
    const before = lab.recentEvents(1)[0].id;
    assert.match(await sh.run('sim phone reset all'), /24 devices/);
    assert.ok(fleet.phones().every((p) => p.reboot_until !== null), 'every phone is rebooting right after the reset');
    // Boots take 30-90 simulated seconds: under a second of wall time at scale 0.01. Wait on the
    // event log, as a trainee would watch sim events, typing nothing.
    await waitUntil(() => lab.recentEvents(50).some((e) => e.id > before && e.kind === 'phones-booted' && (e.payload as { fleet: { registered: number } }).fleet.registered === total), 20000, 'every phone of old registered again');
    const events = await sh.run('sim events 10');
    assert.match(events, /old - -  phones-booted  \d+ booted: .*\(now 24 of 24 registered, 0 rebooting\)/);
    assert.equal(lab.fleetOf('new').phones().length, 0, 'the other cluster has no phones');
  });

  it('phones whose TFTP cluster is offline time out and stay unregistered until it is back', async () => {
    const sh = await login('old-pub');
    await sh.run('sim cluster old offline');
    await sh.run('sim phone reset all');
    const fleet = sim.app.lab.fleetOf('old');
    await waitUntil(() => fleet.phones().every((p) => p.reboot_until === null), 20000, 'the boots to be over');
    assert.ok(fleet.phones().every((p) => p.reg_state === 'unr' && p.status === 'TFTP Timeout'), fleet.phones().map((p) => p.status).join(','));
    await sh.run('sim cluster old online');
    await sh.run('sim phone reset all');
    await waitUntil(() => fleet.phones().every((p) => p.reboot_until === null && p.reg_state === 'reg'), 20000, 'every phone registered again');
  });

  it('CAPF is publisher-only by one rule: on 12.5 a subscriber has its own, on 14 it does not', async () => {
    const old = await login('old-sub1');
    assert.match(await old.run('set csr gen CAPF'), /Successfully Generated CSR for CAPF\./);
    const fresh = await login('new-sub1');
    const refused = await fresh.run('set csr gen CAPF');
    assert.match(refused, /can be run only on the publisher \(new-pub\)/);
    assert.match(await fresh.run('set cert regen CAPF'), /can be run only on the publisher \(new-pub\)/);
  });

  it('sim events refuses absurd counts and changes nothing', async () => {
    const sh = await login('new-pub');
    for (const bad of ['0', '1001', '99999999999999999999', 'ten']) {
      assert.match(await sh.run(`sim events ${bad}`), /Invalid count .*\r\nExecuted command unsuccessfully\r\nadmin:$/);
    }
  });
});
