// The file service through ordinary clients: curl (TFTP, HTTP, HTTPS), tftp, checked against what
// the admin: CLI says (show itl checksums, show cert own certificates).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../src/simulator';
import { freshDataDir } from '../helpers/cluster';
import { openTestSession } from '../helpers/terminal';

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'buffer', timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr: stderr.toString() });
    });
  });
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

describe('e2e: TFTP, HTTP and HTTPS file service with real clients', function () {
  this.timeout(120000);
  let sim: Simulator;
  let tmp: string;
  const port = (node: string, kind: string) => sim.listeners.find((l) => l.node === node && l.kind === kind)!.port;

  beforeEach(async () => {
    sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, tftpPort: 0, httpPort: 0, timeScale: 0, authFailDelayMs: 50 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-files-'));
  });
  afterEach(async () => {
    await sim.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Runs CLI lines on a node through a session of the running simulator's app. */
  async function cli(node: string, line: string): Promise<string> {
    return openTestSession(sim.app, { node }).run(line);
  }

  it('curl tftp:// and http:// return the ITL whose MD5 show itl prints, on each node', async () => {
    for (const node of ['cucm-pub', 'cucm-sub1']) {
      const shown = /([0-9a-f]{32})\(MD5\)/.exec(await cli(node, 'show itl'))![1];
      const tftp = await run('curl', ['-sS', `tftp://127.0.0.1:${port(node, 'tftp')}/ITLFile.tlv`]);
      assert.equal(tftp.code, 0, tftp.stderr);
      assert.equal(md5(tftp.stdout), shown, `${node} over TFTP`);
      const http = await run('curl', ['-sS', '--fail', `http://127.0.0.1:${port(node, 'http')}/ITLFile.tlv`]);
      assert.equal(md5(http.stdout), shown, `${node} over HTTP`);
    }
  });

  it('the tftp client gets the same bytes; nothing is served while Cisco Tftp is stopped', async () => {
    const p = port('cucm-pub', 'tftp');
    const out = path.join(tmp, 'ITLFile.tlv');
    const got = await run('tftp', ['127.0.0.1', String(p), '-m', 'binary', '-c', 'get', 'ITLFile.tlv', out]);
    assert.equal(got.code, 0, got.stderr);
    assert.ok(fs.readFileSync(out).equals(sim.app.cluster.tftp.file('cucm-pub', 'ITLFile.tlv')!.content));
    await cli('cucm-pub', 'utils service stop Cisco Tftp');
    assert.notEqual((await run('curl', ['-sS', `tftp://127.0.0.1:${p}/ITLFile.tlv`])).code, 0);
    const http = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port('cucm-pub', 'http')}/ITLFile.tlv`]);
    assert.equal(http.stdout.toString(), '503');
    assert.notEqual((await run('curl', ['-sS', `tftp://127.0.0.1:${p}/../etc/passwd`, '--path-as-is'])).code, 0);
  });

  it('HTTPS 6971 and 6972 present the CallManager and tomcat certificates show cert own prints, and change only after the Cisco Tftp restart', async () => {
    const pemOf = async (unit: string) => {
      const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(await cli('cucm-pub', `show cert own ${unit}`))![0];
      const file = path.join(tmp, `${unit}-${Date.now()}.pem`);
      fs.writeFileSync(file, pem.replace(/\r\n/g, '\n') + '\n');
      return file;
    };
    const fetch = (kind: string, ca: string) =>
      run('curl', ['-sS', '--fail', '--cacert', ca, '--resolve', `cucm-pub.example.com:${port('cucm-pub', kind)}:127.0.0.1`, `https://cucm-pub.example.com:${port('cucm-pub', kind)}/ITLFile.tlv`]);
    const cm = await pemOf('CallManager');
    const tomcat = await pemOf('tomcat');
    assert.equal((await fetch('https-callmanager', cm)).code, 0);
    assert.equal((await fetch('https-tomcat', tomcat)).code, 0);
    assert.notEqual((await fetch('https-tomcat', cm)).code, 0, '6972 is not the CallManager certificate');

    const t = openTestSession(sim.app);
    const m = t.mark();
    t.type('set cert regen tomcat\r');
    await t.term.waitFor('(yes|no)? ', m);
    t.type('yes\r');
    await t.term.waitFor('become active.', m);
    assert.equal((await fetch('https-tomcat', tomcat)).code, 0, 'the old certificate until Cisco Tftp restarts');
    await cli('cucm-pub', 'utils service restart Cisco Tomcat');
    assert.equal((await fetch('https-tomcat', tomcat)).code, 0, '6972 belongs to Cisco Tftp: a Tomcat restart changes nothing there');
    await cli('cucm-pub', 'utils service restart Cisco Tftp');
    assert.notEqual((await fetch('https-tomcat', tomcat)).code, 0, 'the old certificate no longer');
    assert.equal((await fetch('https-tomcat', await pemOf('tomcat'))).code, 0, 'the new one');
  });

  it('a phone and curl get byte-identical configuration files', async () => {
    const phone = sim.app.fleet.phones().find((p) => p.model === 'CP-8841')!;
    const pool = sim.app.cluster.settings.devicePool(phone.device_pool);
    const got = await run('curl', ['-sS', `tftp://127.0.0.1:${port(pool.tftp, 'tftp')}/${phone.name}.cnf.xml.sgn`]);
    assert.equal(got.code, 0, got.stderr);
    const accepted = sim.app.fleet.installed(phone).config!;
    assert.ok(got.stdout.subarray(got.stdout.length - accepted.length).equals(accepted), 'the .sgn body is the configuration the phone accepted');
    assert.ok(got.stdout.equals(sim.app.files.read(pool.tftp, `${phone.name}.cnf.xml.sgn`)!));
  });
});

