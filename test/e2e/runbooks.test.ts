// The expect runbooks in examples/runbooks, run with the real expect and ssh against a simulator.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startSimulator, LAB_SFTP, type Simulator } from '../../src/simulator';
import { freshDataDir, labDataDir } from '../helpers/cluster';
import { ITL_FILE } from '../../src/cluster/trustfiles';
import { parseTrustList } from '../../src/tlv';

const RUNBOOKS = path.resolve(__dirname, '..', '..', '..', 'examples', 'runbooks');

function expectScript(script: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('expect', [path.join(RUNBOOKS, script), ...args], { timeout: 120000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: stdout + stderr });
    });
  });
}

describe('e2e: expect runbooks', function () {
  this.timeout(180000);
  let sim: Simulator;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await freshDataDir();
    sim = await startSimulator({ dataDir, host: '127.0.0.1', basePort: 0, sftpPort: 0, timeScale: 0, authFailDelayMs: 50 });
  });
  afterEach(() => sim.close());

  it('itl-bulk-reset.exp leaves every phone registered with the ITL signed by ITLRecovery', async () => {
    const { code, output } = await expectScript('itl-bulk-reset.exp', ['127.0.0.1', String(sim.ssh.get('cucm-pub')!.port), String(sim.ssh.get('cucm-sub1')!.port)]);
    assert.equal(code, 0, output);
    assert.match(output, /ITL bulk reset completed/);
    for (const node of ['cucm-pub', 'cucm-sub1']) {
      const itl = parseTrustList(sim.app.cluster.tftp.file(node, ITL_FILE)!.content);
      assert.match(itl.header.signerName, /^CN=ITLRECOVERY_/);
    }
    const phones = sim.app.fleet.phones();
    assert.ok(phones.every((p) => p.reg_state === 'reg'), 'every phone registered');
    for (const p of phones.filter((x) => x.itl_hash)) {
      const pool = sim.app.cluster.settings.devicePool(p.device_pool);
      assert.deepEqual(sim.app.fleet.installed(p).itl, sim.app.cluster.tftp.file(pool.tftp, ITL_FILE)!.content, `${p.name} holds its TFTP node's ITL`);
    }
  });

  it('itlrecovery-export.exp puts ITLRecovery.p12 on the lab SFTP server', async () => {
    const lab = sim.sftp!;
    const { code, output } = await expectScript('itlrecovery-export.exp', [
      '127.0.0.1', String(sim.ssh.get('cucm-pub')!.port), '127.0.0.1', String(lab.port), LAB_SFTP.username, LAB_SFTP.password, 'p12secret',
    ]);
    assert.equal(code, 0, output);
    assert.ok(fs.statSync(path.join(dataDir, LAB_SFTP.dir, 'ITLRecovery.p12')).size > 1000);
  });

  it('cert-renewal-precheck.exp checks health, regenerates CallManager and leaves a DRS backup on the lab SFTP server', async () => {
    const lab = sim.sftp!;
    const before = sim.app.cluster.certificates.find('cucm-pub', 'CallManager')!.cert_pem;
    const { code, output } = await expectScript('cert-renewal-precheck.exp', [
      '127.0.0.1', String(sim.ssh.get('cucm-pub')!.port), '127.0.0.1', String(lab.port), LAB_SFTP.username, LAB_SFTP.password,
    ]);
    assert.equal(code, 0, output);
    assert.match(output, /Health checks passed\./);
    assert.match(output, /Certificate regenerated and backed up in \d{4}(-\d\d){5}\.tar\./);
    const pending = sim.app.lab.recentEvents(200).filter((e) => e.kind === 'certificate-regenerated');
    assert.ok(pending.length >= 1 && sim.app.cluster.certificates.find('cucm-pub', 'CallManager')!.cert_pem !== before, 'regenerated: the store shows the new certificate');
    const files = fs.readdirSync(path.join(dataDir, LAB_SFTP.dir));
    assert.ok(files.some((f) => f.endsWith('_CUCM-PUB_UCM_PLATFORM.tar')), files.join(' '));
  });

  it('cert-renewal-precheck.exp stops before touching certificates when replication is bad', async () => {
    sim.app.lab.setOnline(sim.app.cluster, { node: 'cucm-pub', user: 'admin', command: 'sim cluster offline' }, false);
    const { code, output } = await expectScript('cert-renewal-precheck.exp', [
      '127.0.0.1', String(sim.ssh.get('cucm-pub')!.port), '127.0.0.1', String(sim.sftp!.port), LAB_SFTP.username, LAB_SFTP.password,
    ]);
    assert.equal(code, 5, output);
    assert.ok(!sim.app.lab.recentEvents(200).some((e) => e.kind === 'certificate-regenerated'));
  });

  it('a runbook stops with a non-zero status when the CLI reports a failure', async () => {
    // a wrong password for the admin account: the runbook cannot log in
    const { code } = await expectScript('itl-bulk-reset.exp', ['127.0.0.1', String(sim.ssh.get('cucm-pub')!.port), String(sim.ssh.get('cucm-sub1')!.port), 'wrong-password']);
    assert.notEqual(code, 0);
  });

  describe('on the two-cluster lab', () => {
    let labSim: Simulator;
    let labDir: string;
    beforeEach(async () => {
      labDir = await labDataDir();
      labSim = await startSimulator({ dataDir: labDir, host: '127.0.0.1', basePort: 0, sftpPort: 0, timeScale: 0, authFailDelayMs: 50 });
    });
    afterEach(() => labSim.close());

    it('move-phones.exp performs seed 002: every phone of old ends registered on new, trusting new\'s ITL', async () => {
      const lab = labSim.app.lab;
      const { code, output } = await expectScript('move-phones.exp', [
        '127.0.0.1', String(labSim.ssh.get('old-pub')!.port), String(labSim.ssh.get('new-pub')!.port),
        '127.0.0.1', String(labSim.sftp!.port), LAB_SFTP.username, LAB_SFTP.password,
      ]);
      assert.equal(code, 0, output);
      assert.match(output, /All 24 phones moved to new and registered\./);
      assert.equal(lab.fleetOf('old').phones().length, 0);
      const newItl = lab.cluster('new').tftp.file('new-pub', ITL_FILE)!.content;
      for (const p of lab.fleetOf('new').phones()) {
        assert.equal(p.reg_state, 'reg', p.name);
        const itl = lab.fleetOf('new').installed(p).itl;
        if (itl) assert.ok(itl.equals(newItl), `${p.name} trusts new's ITL`);
      }
      assert.ok(fs.existsSync(path.join(labDir, LAB_SFTP.dir, 'consolidated_tftp.p12')));
    });
  });
});
