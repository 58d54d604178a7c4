// `ucmsim serve` and `ucmsim init` as a user runs them, on what they expose: which passwords keep it on
// loopback, the modes of the files that hold the keys, and a stop that does not wait on silent peers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { App } from '../../src/app';
import { hashPassword, DEFAULT_PASSWORD } from '../../src/cluster/passwords';
import { STORE_FILE } from '../../src/store/store';
import { LOCK_FILE } from '../../src/store/lock';
import { HOST_KEY_FILE } from '../../src/ssh/hostkey';
import { freshDataDir, TEST_USERS } from '../helpers/cluster';
import { ServeProcess, BIN } from '../helpers/serve-process';
import { Shell } from '../helpers/ssh2-shell';
import { within } from '../helpers/wait';

const STRONG = 'correct-horse-battery';

function setPasswords(dir: string, passwords: Record<string, string>): void {
  const app = new App({ dataDir: dir, timeScale: 0 });
  try {
    for (const [user, pw] of Object.entries(passwords)) app.cluster.accounts.setPassword(null, user, hashPassword(pw));
  } finally {
    app.close();
  }
}

/** A data directory whose accounts all have chosen passwords, and a file with a chosen lab SFTP password. */
async function hardened(): Promise<{ dir: string; sftpFile: string }> {
  const dir = await freshDataDir();
  setPasswords(dir, { admin: STRONG });
  const sftpFile = path.join(dir, 'sftp-password');
  fs.writeFileSync(sftpFile, 'lab-secret-1234\n', { mode: 0o600 });
  return { dir, sftpFile };
}

const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('e2e: ucmsim serve and init security', function () {
  this.timeout(60000);
  const procs: ServeProcess[] = [];
  const shells: Shell[] = [];
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(shells.splice(0).map((s) => s.close()));
    await Promise.all(procs.splice(0).map((p) => p.stop()));
  });

  function serve(dir: string, extra: string[]): ServeProcess {
    const p = ServeProcess.serve(dir, extra);
    procs.push(p);
    return p;
  }

  /** Runs a serve that must refuse; returns its one stderr line. */
  async function refused(dir: string, extra: string[]): Promise<string> {
    const p = serve(dir, ['--listen', '0.0.0.0', ...extra]);
    const closed = new Promise<void>((r) => p.child.once('close', () => r())); // all output is in
    const exit = await p.waitExit(20000);
    await within(closed, 5000, 'the output to end');
    assert.equal(exit.code, 2, p.stderr.text);
    assert.doesNotMatch(p.stdout.text, /listening/);
    const lines = p.stderr.text.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `one line: ${JSON.stringify(p.stderr.text)}`);
    assert.match(lines[0], /^ucmsim: refusing to listen on 0\.0\.0\.0: /);
    return lines[0];
  }

  describe('listening off loopback', function () {
    it('is refused while another account than admin still has the default password', async () => {
      const { dir, sftpFile } = await hardened();
      setPasswords(dir, { [TEST_USERS.operator.name]: DEFAULT_PASSWORD });
      const line = await refused(dir, ['--sftp-password-file', sftpFile]);
      assert.match(line, /account operator still has a default password \(change it: ucmsim passwd --data \S+ operator\)/);
      assert.doesNotMatch(line, /admin|SFTP/);
    });

    it('is refused while the lab SFTP server has its well-known password, given or not', async () => {
      const { dir } = await hardened();
      for (const extra of [[], ['--sftp-password', 'labsftp']]) {
        const line = await refused(dir, extra);
        assert.match(line, /the lab SFTP user lab has the well-known password labsftp \(set another: --sftp-password-file FILE\)$/);
        assert.doesNotMatch(line, /account/);
      }
    });

    it('names every weak account and the lab SFTP password together', async () => {
      const dir = await freshDataDir(); // admin still has the default
      setPasswords(dir, { [TEST_USERS.reader.name]: DEFAULT_PASSWORD });
      const line = await refused(dir, []);
      assert.match(line, /accounts admin, reader still have a default password \(change it: ucmsim passwd --data \S+ USER\); the lab SFTP user/);
    });

    it('starts once every password is changed, and does not print the chosen SFTP password', async () => {
      const { dir, sftpFile } = await hardened();
      const p = serve(dir, ['--listen', '0.0.0.0', '--sftp-password-file', sftpFile]);
      await p.stdout.waitFor(/log in: ssh -p \d+ admin@0\.0\.0\.0\n/, 0, 20000);
      assert.match(p.stdout.text, /ssh listening on 0\.0\.0\.0:\d+ \(node cucm-pub\)/);
      assert.match(p.stdout.text, /lab sftp listening on 0\.0\.0\.0:\d+ \(user lab, password as given, files in /);
      assert.doesNotMatch(p.stdout.text + p.stderr.text, /lab-secret-1234|ciscopsdt|labsftp/);
      p.child.kill('SIGTERM');
      assert.deepEqual(await p.waitExit(10000), { code: 0, signal: null });
    });

    it('on loopback, prints the default lab SFTP password but not a chosen one', async () => {
      const dir = await freshDataDir();
      const a = serve(dir, []);
      await a.stdout.waitFor(/lab sftp listening on 127\.0\.0\.1:\d+ \(user lab, password labsftp, files in /, 0, 20000);
      a.child.kill('SIGTERM');
      await a.waitExit(10000);
      const b = serve(dir, ['--sftp-password', 'lab-secret-5678']);
      await b.stdout.waitFor(/lab sftp listening on 127\.0\.0\.1:\d+ \(user lab, password as given, files in /, 0, 20000);
      assert.doesNotMatch(b.stdout.text, /lab-secret-5678/);
    });
  });

  describe('file modes', function () {
    it('init creates the data directory 0700 and the store 0600', async () => {
      const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-modes-'));
      try {
        const dir = path.join(parent, 'data');
        const child = spawn(process.execPath, [BIN, 'init', '--data', dir], { stdio: 'ignore' });
        const code = await within(new Promise<number | null>((r) => child.on('exit', (c) => r(c))), 30000, 'init');
        assert.equal(code, 0);
        assert.equal(mode(dir).toString(8), '700');
        for (const f of fs.readdirSync(dir)) assert.equal(mode(path.join(dir, f)).toString(8), '600', f);
        assert.ok(fs.existsSync(path.join(dir, STORE_FILE)));
      } finally {
        fs.rmSync(parent, { recursive: true, force: true });
      }
    });

    it('serve tightens a data directory made 0755 with 0644 files: directory, store, WAL, SHM, host key, lock', async () => {
      const dir = await freshDataDir();
      fs.chmodSync(dir, 0o755);
      for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
      const p = serve(dir, []);
      await p.ports(['cucm-pub']);
      assert.equal(mode(dir).toString(8), '700');
      const files = [STORE_FILE, `${STORE_FILE}-wal`, `${STORE_FILE}-shm`, HOST_KEY_FILE, LOCK_FILE];
      for (const f of files) assert.equal(mode(path.join(dir, f)).toString(8), '600', f);
      for (const f of fs.readdirSync(dir)) {
        const st = fs.statSync(path.join(dir, f));
        if (st.isFile()) assert.equal((st.mode & 0o077).toString(8), '0', `${f} is private`);
      }
    });
  });

  describe('stopping', function () {
    it('SIGTERM exits 0 within 5 s while a silent peer and a logged-in session hold connections', async () => {
      const dir = await freshDataDir();
      const p = serve(dir, []);
      const port = (await p.ports(['cucm-pub'])).get('cucm-pub')!;
      // A peer that sends its identification line, then nothing, and never closes its side.
      const silent = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      sockets.push(silent);
      silent.on('error', () => undefined);
      silent.write('SSH-2.0-Silent_1.0\r\n');
      await within(new Promise((r) => silent.once('data', r)), 10000, 'the server identification');
      const sh = await Shell.open({ port });
      shells.push(sh);
      assert.match(await sh.run('show myself'), /Machine Name/);
      const t0 = Date.now();
      p.child.kill('SIGTERM');
      const exit = await p.waitExit(5000);
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.ok(Date.now() - t0 < 5000);
      assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)), 'the lock file is removed');
    });
  });
});
