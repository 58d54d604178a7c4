// DRS through the CLI: a network device on the lab SFTP server, a backup (real tar archives, keys
// encrypted), status and history, a crash (sim node rebuild) that strands the phones, and a restore
// that brings them back; a backup older than the last ITLRecovery regeneration does not.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../src/app';
import { startLabSftpServer, type LabSftpServer } from '../../src/net/sftp-server';
import { generateHostKey } from '../../src/ssh/hostkey';
import { readTar } from '../../src/cluster/tar';
import { labDataDir } from '../helpers/cluster';
import { openTestSession, dialog, type TestSession } from '../helpers/terminal';
import { within } from '../helpers/wait';

describe('utils disaster_recovery', function () {
  this.timeout(90000);
  let base: string;
  let root: string;
  let lab: LabSftpServer;
  let app: App;
  let t: TestSession;

  beforeEach(async () => {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ucmsim-drs-'));
    root = path.join(base, 'root');
    await fsp.mkdir(path.join(root, 'backups'), { recursive: true });
    lab = await startLabSftpServer({ root, host: '127.0.0.1', port: 0, username: 'lab', password: 'labpass', hostKey: Buffer.from(generateHostKey()), authFailDelayMs: 20 });
    app = new App({ dataDir: await labDataDir(), timeScale: 0 });
    t = openTestSession(app, { node: 'old-pub' });
  });
  afterEach(async () => {
    app.close();
    await within(lab.close(), 5000, 'closing the lab SFTP server');
    await fsp.rm(base, { recursive: true, force: true });
  });

  const lines = (out: string) => out.split('\r\n').slice(1, -1);
  /** Phones that hold an ITL, by status. */
  function statuses(): Record<string, number> {
    const m: Record<string, number> = {};
    for (const p of app.lab.fleetOf('old').phones()) if (p.itl_hash) m[p.status] = (m[p.status] ?? 0) + 1;
    return m;
  }
  /** Runs a command that restarts this node, then opens a new session. */
  async function restarting(cmd: string): Promise<string> {
    const from = t.mark();
    t.type(`${cmd}\r`);
    await t.term.waitClosed();
    const out = t.term.output.slice(from);
    t = openTestSession(app, { node: 'old-pub' });
    return out;
  }
  async function addDevice(): Promise<string> {
    return dialog(t, `utils disaster_recovery device add network dev1 /backups 127.0.0.1:${lab.port} lab 3`, [[`Please enter password to connect to network server 127.0.0.1:${lab.port}:`, 'labpass']]);
  }
  async function backupSet(): Promise<string> {
    assert.deepEqual(lines(await t.run('utils disaster_recovery backup network UCM dev1')), ["drfCliMsg: Backup initiated successfully. Please run 'utils disaster_recovery status backup' command to see the status"]);
    const status = lines(await t.run('utils disaster_recovery status backup'));
    return /^Tar Filename: (\S+)\.tar$/.exec(status[1])![1];
  }

  it('device, backup, status, history, show_backupfiles; the archive keeps no private key in clear', async () => {
    assert.deepEqual(lines(await t.run('utils disaster_recovery history backup')), ['drfCliMsg:  No history data is available']);
    assert.deepEqual(lines(await t.run('utils disaster_recovery status backup')), ['drfCliMsg: No backup status available']);
    const add = await addDevice();
    assert.ok(add.endsWith('\r\ndrfCliMsg: Backup Device has been saved successfully.\r\nadmin:'), add);
    assert.ok((await fsp.readdir(path.join(root, 'backups'))).includes('old-pub_dUmmI_Drf'));
    assert.deepEqual(lines(await t.run('utils disaster_recovery device list')), [
      'Device Name         Device Type     Device Path', '-'.repeat(56), 'dev1                NETWORK         /backups',
    ]);
    const ts = await backupSet();
    assert.match(ts, /^\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    const status = lines(await t.run('utils disaster_recovery status backup'));
    assert.deepEqual(status.slice(0, 5), ['Status: SUCCESS :Backup Completed...', `Tar Filename: ${ts}.tar`, 'Storage Location: NETWORK', 'Operation: BACKUP', 'Percentage Complete: 100']);
    assert.match(status[5], new RegExp(`^UCM OLD-PUB PLATFORM SUCCESS \\w{3} \\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d \\w+ \\d{4} activelog/platform/drf/log/${ts}_b_old-pub_ucm_platform\\.log$`));
    const history = lines(await t.run('utils disaster_recovery history backup'));
    assert.match(history[1], new RegExp(`^${ts}\\.tar dev1 +\\w{3} \\w{3} \\d\\d \\d\\d:\\d\\d:\\d\\d \\w+ \\d{4} +SUCCESS +MANUAL +UCM$`));
    assert.deepEqual(lines(await t.run('utils disaster_recovery show_backupfiles dev1')), [ts]);
    const files = (await fsp.readdir(path.join(root, 'backups'))).filter((f) => f.startsWith(ts)).sort();
    assert.deepEqual(files, [
      `${ts}_OLD-PUB_UCM_PLATFORM.tar`, `${ts}_OLD-PUB_UCM_TFTP.tar`, `${ts}_OLD-PUB_drfComponent.xml`,
      `${ts}_OLD-SUB1_UCM_PLATFORM.tar`, `${ts}_OLD-SUB1_UCM_TFTP.tar`, `${ts}_OLD-SUB1_drfComponent.xml`,
    ]);
    const platform = await fsp.readFile(path.join(root, 'backups', `${ts}_OLD-PUB_UCM_PLATFORM.tar`));
    assert.deepEqual(readTar(platform).map((e) => e.name), ['platform/certificates.enc']);
    assert.ok(!platform.includes('PRIVATE KEY') && !platform.includes('BEGIN CERTIFICATE'), 'keys and certificates are encrypted');
    assert.ok(readTar(await fsp.readFile(path.join(root, 'backups', `${ts}_OLD-PUB_UCM_TFTP.tar`))).some((e) => e.name === 'tftp/ITLFile.tlv'));
    // Wrong input changes nothing.
    assert.ok((await t.run('utils disaster_recovery backup network CDR dev1')).includes('Executed command unsuccessfully'));
    assert.ok((await t.run('utils disaster_recovery backup network UCM nodev')).includes('drfCliMsg: Backup device nodev does not exist'));
    assert.equal(lines(await t.run('utils disaster_recovery history backup')).length, 2);
    assert.ok((await openTestSession(app, { node: 'old-sub1' }).run('utils disaster_recovery backup network UCM dev1')).includes('publisher'));
  });

  it('a crashed node strands its phones; a restore from the last backup brings them back', async () => {
    await addDevice();
    const ts = await backupSet();
    const itlBefore = app.lab.cluster('old').tftp.file('old-pub', 'ITLFile.tlv')!.content;
    assert.deepEqual(statuses(), { 'ITL installed': 20 });
    await restarting('sim node rebuild old-pub');
    assert.ok((await t.run('sim node rebuild old-sub1')).includes('old-sub1 was reinstalled'));
    await t.run('sim phone reset all');
    assert.deepEqual(statuses(), { 'Trust List update failed': 20 }, 'the new ITL is signed by a key no phone knows');
    const out = await restarting(`utils disaster_recovery restore network old-pub ${ts} dev1`);
    assert.ok(out.includes("drfCliMsg: Restore initiated successfully. Please run 'utils disaster_recovery status restore' command to see the status"), out);
    await t.run(`utils disaster_recovery restore network old-sub1 ${ts}.tar dev1`);
    assert.equal(lines(await t.run('utils disaster_recovery status restore'))[0], 'Status: SUCCESS :Restore Completed...');
    await t.run('sim phone reset all');
    const after = statuses();
    assert.equal(after['Trust List update failed'], undefined, JSON.stringify(after));
    assert.equal(Object.values(after).reduce((a, b) => a + b, 0), 20);
    assert.ok(app.lab.cluster('old').tftp.file('old-pub', 'ITLFile.tlv')!.content.length > 0 && itlBefore.length > 0);
  });

  it('a backup older than the last ITLRecovery regeneration does not bring the phones back', async () => {
    await addDevice();
    const old = await backupSet();
    // The guide's workflow: regenerate, sign with the CallManager key, reset, restart TFTP, reset again.
    await dialog(t, 'set cert regen ITLRecovery', [['(yes|no)? ', 'yes']]);
    await t.run('utils itl reset localkey');
    await t.run('sim phone reset all');
    await t.run('utils service restart Cisco Tftp');
    await t.run('sim phone reset all');
    assert.equal(statuses()['Trust List update failed'], undefined, JSON.stringify(statuses()));
    await restarting('sim node rebuild old-pub');
    await t.run('sim phone reset all');
    await restarting(`utils disaster_recovery restore network old-pub ${old} dev1`);
    await t.run('sim phone reset all');
    assert.deepEqual(statuses(), { 'Trust List update failed': 20 });
  });
});
