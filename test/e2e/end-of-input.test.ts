// End of input, as scripts meet it: `printf ... | sshpass ssh -T` and `printf ... | ucmsim shell`
// must run every line (dialog answers included) and then exit with status 0.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { App } from '../../src/app';
import { startSimulator, type Simulator } from '../../src/simulator';
import { freshDataDir } from '../helpers/cluster';
import { sshArgs, SSH_BIN, ADMIN_PASSWORD } from '../helpers/openssh';
import { BIN } from '../helpers/serve-process';

/** Runs a command with `input` on its stdin; resolves with its exit status and output (bounded in time). */
function pipe(cmd: string, args: string[], input: string, ms = 30000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C' } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} did not exit within ${ms} ms; output:\n${JSON.stringify(out.slice(-2000))}`));
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
    child.stdin.end(input);
  });
}

describe('e2e: end of input', function () {
  this.timeout(90000);

  describe('ssh -T (no pty) through sshpass', function () {
    let sim: Simulator;
    before(function () {
      if (!fs.existsSync(SSH_BIN) || !fs.existsSync('/usr/bin/sshpass')) this.skip();
    });
    beforeEach(async () => {
      sim = await startSimulator({ dataDir: await freshDataDir(), host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50 });
    });
    afterEach(() => sim.close());
    const ssh = (input: string) => pipe('/usr/bin/sshpass', ['-p', ADMIN_PASSWORD, SSH_BIN, '-T', ...sshArgs(sim.ssh.get('cucm-pub')!.port)], input);

    it('runs the command, then exits with status 0 at the end of input', async () => {
      const r = await ssh('show myself\n');
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Machine Name    : cucm-pub\r\naccount name    : admin\r\n/);
    });

    it('runs every queued line and answers its dialog from the input, without a pager', async () => {
      const r = await ssh('utils service restart Cisco Tftp\nset cli session timeout 50\ny\nutils service list\nshow cli session timeout\n');
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Cisco Tftp\[STARTED\]/);
      assert.match(r.out, /CLI session timeout is set to 50 minutes\.[\s\S]*CLI session timeout is set to 50 minutes\./);
      assert.ok(!r.out.includes('Press <enter>'), 'no pager without a terminal');
    });
  });

  describe('ucmsim shell with piped stdin', function () {
    it('finishes a service restart and the lines after it, then exits 0', async () => {
      const dir = await freshDataDir();
      const r = await pipe(process.execPath, [BIN, 'shell', '--data', dir, '--time-scale', '0'], 'utils service restart Cisco Tftp\nshow myself\n');
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Cisco Tftp\[STOPPING\][\s\S]*Cisco Tftp\[STARTED\][\s\S]*Machine Name    : cucm-pub/);
    });

    it('answers a dialog from the input: set cert regen ITLRecovery then yes regenerates', async () => {
      const dir = await freshDataDir();
      const pem = () => {
        const app = new App({ dataDir: dir, timeScale: 0 });
        try {
          return app.cluster.certificates.find('cucm-pub', 'ITLRecovery')!.cert_pem;
        } finally {
          app.close();
        }
      };
      const before = pem();
      const r = await pipe(process.execPath, [BIN, 'shell', '--data', dir, '--time-scale', '0'], 'set cert regen ITLRecovery\nyes\n');
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /Successfully Regenerated Certificate for ITLRecovery\./);
      assert.notEqual(pem(), before);
    });

    it('pages nothing when stdin is not a terminal', async () => {
      const dir = await freshDataDir();
      const r = await pipe(process.execPath, [BIN, 'shell', '--data', dir, '--time-scale', '0'], 'utils service list\nshow cert list trust\n');
      assert.equal(r.code, 0, r.out);
      assert.ok(!r.out.includes('Press <enter>'), r.out);
      assert.match(r.out, /tomcat-trust\/cucm-sub1-EC\.example\.com\.pem/);
    });
  });
});
