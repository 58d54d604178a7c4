// The lab SFTP server and the SFTP client CLI commands use: round trips, atomic replace, the failure
// kinds a CLI reports (no directory, no file, bad password, nothing listening, too large, timeout),
// confinement to the served root, the real OpenSSH `sftp` client, and concurrent uploads.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, utils, type SFTPWrapper } from 'ssh2';
import { generateHostKey } from '../../src/ssh/hostkey';
import { startLabSftpServer, type LabSftpServer, type LabSftpOptions } from '../../src/net/sftp-server';
import { sftpDownload, sftpUpload, SftpError, type SftpFailure, type SftpTarget } from '../../src/net/sftp-client';
import { within } from '../helpers/wait';

const USER = 'lab';
const PASS = 'lab-secret';
const hostKey = Buffer.from(generateHostKey());

async function rejectsWith(p: Promise<unknown>, kind: SftpFailure, message?: RegExp): Promise<SftpError> {
  const err = await p.then(
    () => assert.fail(`expected an SftpError '${kind}', but it succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof SftpError, `expected SftpError, got ${String(err)}`);
  assert.equal(err.kind, kind, err.message);
  if (message) assert.match(err.message, message);
  return err;
}

function which(bin: string): string | null {
  try {
    return execFileSync('which', [bin], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** A plain ssh2 connection, for what the SFTP client API does not expose. */
function connectRaw(port: number): Promise<Client> {
  const conn = new Client();
  return new Promise((resolve, reject) => {
    conn.once('ready', () => resolve(conn)).once('error', reject);
    conn.connect({ host: '127.0.0.1', port, username: USER, password: PASS, hostVerifier: () => true, readyTimeout: 10000 });
  });
}

/** Runs the real OpenSSH `sftp` in batch mode: through sshpass when installed, else under a pty that
 *  answers the password prompt itself. Resolves with what sftp printed. */
async function runOpenSshSftp(port: number, batchFile: string, cwd: string): Promise<string> {
  const args = [
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'PubkeyAuthentication=no',
    '-o', 'LogLevel=ERROR',
    // -b implies BatchMode=yes, which forbids password prompts; we do answer them.
    '-o', 'BatchMode=no',
    '-P', String(port),
    '-b', batchFile,
    `${USER}@127.0.0.1`,
  ];
  if (which('sshpass')) {
    return new Promise((resolve, reject) => {
      execFile('sshpass', ['-p', PASS, 'sftp', ...args], { cwd, timeout: 20000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`sftp failed: ${err.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        else resolve(stdout + stderr);
      });
    });
  }
  const pty = await import('node-pty');
  return new Promise((resolve, reject) => {
    const proc = pty.spawn('sftp', args, { cwd, cols: 200, rows: 24, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir(), LANG: 'C' } });
    let out = '';
    let answered = false;
    const timer = setTimeout(() => {
      proc.kill();
      reject(new Error(`sftp timed out; output:\n${out}`));
    }, 20000);
    proc.onData((d) => {
      out += d;
      if (!answered && /password:\s*$/i.test(out)) {
        answered = true;
        proc.write(PASS + '\r');
      }
    });
    proc.onExit(({ exitCode }) => {
      clearTimeout(timer);
      if (exitCode === 0) resolve(out);
      else reject(new Error(`sftp exited with ${exitCode}; output:\n${out}`));
    });
  });
}

describe('integration: lab SFTP server and SFTP client', function () {
  this.timeout(30000);
  let base: string; // temp dir holding the served root and files that must stay out of reach
  let root: string;
  let server: LabSftpServer;
  let target: SftpTarget;
  const extra: LabSftpServer[] = [];

  async function start(opts: Partial<LabSftpOptions> = {}): Promise<LabSftpServer> {
    return startLabSftpServer({ root, host: '127.0.0.1', port: 0, username: USER, password: PASS, hostKey, authFailDelayMs: 20, ...opts });
  }

  beforeEach(async function () {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ucmsim-sftp-'));
    root = path.join(base, 'root'); // created by the server
    server = await start();
    target = { host: '127.0.0.1', port: server.port, username: USER, password: PASS, timeoutMs: 10000 };
  });

  afterEach(async function () {
    await within(Promise.all([server.close(), ...extra.splice(0).map((s) => s.close())]), 5000, 'closing SFTP servers');
    await fsp.rm(base, { recursive: true, force: true });
  });

  const listRoot = (sub = '') => fsp.readdir(path.join(root, sub));

  it('creates the served directory and round-trips a file through upload and download', async function () {
    await fsp.mkdir(path.join(root, 'exports'));
    const content = randomBytes(100_000); // several SFTP packets
    await sftpUpload(target, '/exports', 'ITLRecovery.p12', content);
    assert.deepEqual(await fsp.readFile(path.join(root, 'exports', 'ITLRecovery.p12')), content);
    assert.deepEqual(await sftpDownload(target, '/exports/ITLRecovery.p12'), content);
    assert.deepEqual(await listRoot('exports'), ['ITLRecovery.p12']);
  });

  it('uploads an empty file and downloads it back as empty', async function () {
    await sftpUpload(target, '/', 'empty.txt', Buffer.alloc(0));
    assert.equal((await sftpDownload(target, 'empty.txt')).length, 0);
  });

  it('replaces an existing file and leaves no partial .part- file behind', async function () {
    await fsp.mkdir(root, { recursive: true });
    await fsp.writeFile(path.join(root, 'cert.pem'), 'old contents that are longer than the new ones');
    await sftpUpload(target, '/', 'cert.pem', Buffer.from('new'));
    assert.equal(await fsp.readFile(path.join(root, 'cert.pem'), 'utf8'), 'new');
    assert.deepEqual(await listRoot(), ['cert.pem']);
  });

  it("reports 'no-such-directory' for a missing directory or a file in its place, writing nothing", async function () {
    await rejectsWith(sftpUpload(target, '/nope', 'a.txt', Buffer.from('x')), 'no-such-directory', /^directory \/nope does not exist on 127\.0\.0\.1$/);
    await fsp.writeFile(path.join(root, 'plain'), 'x');
    await rejectsWith(sftpUpload(target, '/plain', 'a.txt', Buffer.from('x')), 'no-such-directory', /\/plain on 127\.0\.0\.1 is not a directory/);
    assert.deepEqual(await listRoot(), ['plain']);
  });

  it("reports 'auth' for a wrong password and a wrong user", async function () {
    await rejectsWith(sftpUpload({ ...target, password: 'wrong' }, '/', 'a.txt', Buffer.from('x')), 'auth', /^authentication failed for user lab at 127\.0\.0\.1$/);
    await rejectsWith(sftpDownload({ ...target, username: 'admin' }, '/a.txt'), 'auth', /user admin/);
    assert.deepEqual(await listRoot(), []);
  });

  it("reports 'unreachable' when nothing listens on the port", async function () {
    const gone = await start();
    const port = gone.port;
    await gone.close();
    await rejectsWith(sftpDownload({ ...target, port }, '/x'), 'unreachable', new RegExp(`^could not connect to 127\\.0\\.0\\.1 port ${port} \\(connection refused\\)$`));
  });

  it("reports 'timeout' when the server never answers", async function () {
    const silent = net.createServer(() => undefined); // accepts and says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const started = Date.now();
      await rejectsWith(sftpDownload({ ...target, port, timeoutMs: 500 }, '/x'), 'timeout', /timed out/);
      assert.ok(Date.now() - started < 3000, 'the timeout bounds the whole operation');
    } finally {
      silent.close();
      // the client destroyed its socket; nothing keeps the silent server open
    }
  });

  it("reports 'no-such-file' for a missing file and for a directory", async function () {
    await rejectsWith(sftpDownload(target, '/x/ITLRecovery.p12'), 'no-such-file', /^file \/x\/ITLRecovery\.p12 does not exist on 127\.0\.0\.1$/);
    await rejectsWith(sftpDownload(target, '/'), 'no-such-file', /is a directory/);
  });

  it("reports 'too-large' for a download over the limit and refuses writes past maxFileBytes", async function () {
    await fsp.writeFile(path.join(root, 'big.bin'), randomBytes(5000));
    await rejectsWith(sftpDownload(target, '/big.bin', 4999), 'too-large', /larger than the 4999-byte limit/);
    assert.equal((await sftpDownload(target, '/big.bin', 5000)).length, 5000);

    const small = await start({ maxFileBytes: 1024 });
    extra.push(small);
    await rejectsWith(sftpUpload({ ...target, port: small.port }, '/', 'huge.bin', randomBytes(4096)), 'other', /writing \/huge\.bin on 127\.0\.0\.1 failed \(File would exceed the 1024-byte limit\)/);
    assert.deepEqual((await listRoot()).sort(), ['big.bin'], 'no partial file left after the refused write');
  });

  it('never reaches outside the served root, through .. or through a symlink', async function () {
    await fsp.writeFile(path.join(base, 'secret.txt'), 'outside');
    await fsp.symlink(base, path.join(root, 'escape'));
    await fsp.symlink(path.join(base, 'planted.txt'), path.join(root, 'dangling'));
    for (const p of ['../../etc/passwd', '/../secret.txt', '../secret.txt', 'a/../../secret.txt', '/escape/secret.txt']) {
      const err = await rejectsWith(sftpDownload(target, p), 'other', /permission denied/);
      assert.doesNotMatch(err.message, /outside/);
    }
    await rejectsWith(sftpUpload(target, '/..', 'planted.txt', Buffer.from('x')), 'other', /permission denied/);
    await rejectsWith(sftpUpload(target, '/escape', 'planted.txt', Buffer.from('x')), 'other', /permission denied/);
    // Opening a dangling symlink for writing would create the file where it points: refused.
    const conn = await connectRaw(server.port);
    try {
      const sftp = await new Promise<SFTPWrapper>((res, rej) => conn.sftp((e, s) => (e ? rej(e) : res(s))));
      await assert.rejects(
        new Promise((res, rej) => sftp.open('/dangling', 'w', (e, h) => (e ? rej(e) : res(h)))),
        (e: { code?: number }) => e.code === utils.sftp.STATUS_CODE.PERMISSION_DENIED,
      );
    } finally {
      conn.end();
    }
    // An upload onto that name replaces the link itself, harmlessly.
    await sftpUpload(target, '/', 'dangling', Buffer.from('x'));
    assert.ok((await fsp.lstat(path.join(root, 'dangling'))).isFile());
    await assert.rejects(fsp.access(path.join(base, 'planted.txt')));
    assert.deepEqual((await fsp.readdir(base)).sort(), ['root', 'secret.txt']);
    assert.equal(await fsp.readFile(path.join(base, 'secret.txt'), 'utf8'), 'outside');
  });

  it('offers only the sftp subsystem: exec and shell are refused', async function () {
    const conn = await connectRaw(server.port);
    try {
      await assert.rejects(new Promise((res, rej) => conn.exec('id', (e, ch) => (e ? rej(e) : res(ch)))));
      await assert.rejects(new Promise((res, rej) => conn.shell((e, ch) => (e ? rej(e) : res(ch)))));
    } finally {
      conn.end();
    }
  });

  it('drops a connection that stays idle past idleTimeoutMs, and close() ends live ones', async function () {
    const idle = await start({ idleTimeoutMs: 200 });
    extra.push(idle);
    const conn = await connectRaw(idle.port);
    const started = Date.now();
    await within(new Promise((r) => conn.once('close', () => r(undefined))), 3000, 'idle connection dropped');
    assert.ok(Date.now() - started >= 150, 'not before the idle time');

    const live = await connectRaw(server.port);
    const closed = new Promise((r) => live.once('close', () => r(undefined)));
    await within(server.close(), 3000, 'close() with a connected client');
    await within(closed, 3000, 'client disconnected by close()');
  });

  it('works with the real OpenSSH sftp client: put, ls, get, rename, mkdir, rm', async function () {
    const local = path.join(base, 'local');
    await fsp.mkdir(path.join(local, 'got'), { recursive: true });
    const a = randomBytes(70_000);
    await fsp.writeFile(path.join(local, 'a.bin'), a);
    await fsp.writeFile(path.join(local, 'c.txt'), 'in a new directory\n');
    const batch = path.join(base, 'batch');
    await fsp.writeFile(
      batch,
      [
        'put a.bin a.bin',
        'mkdir newdir',
        'put c.txt newdir/c.txt',
        'ls -l',
        'get a.bin got/a.bin',
        'rename a.bin b.bin',
        'ls',
        'put c.txt gone.txt',
        'rm gone.txt',
        'ls newdir',
        '',
      ].join('\n'),
    );
    const out = await runOpenSshSftp(server.port, batch, local);
    assert.deepEqual(await fsp.readFile(path.join(local, 'got', 'a.bin')), a);
    assert.deepEqual((await listRoot()).sort(), ['b.bin', 'newdir']);
    assert.deepEqual(await fsp.readFile(path.join(root, 'b.bin')), a);
    assert.equal(await fsp.readFile(path.join(root, 'newdir', 'c.txt'), 'utf8'), 'in a new directory\n');
    assert.ok((await fsp.stat(path.join(root, 'newdir'))).isDirectory());
    assert.match(out, /^-rw-r--r-- +1 lab +lab +70000 \w{3} [ \d]\d \d\d:\d\d a\.bin$/m, out);
    assert.match(out, /^drwxr-xr-x +\d+ lab +lab +\d+ .* newdir$/m, out);
    assert.match(out, /newdir\/c\.txt/, out);
  });

  it('lands 20 concurrent uploads intact', async function () {
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `phone-${i}.cfg`, content: randomBytes(20_000 + i * 997) }));
    const started = Date.now();
    await Promise.all(files.map((f) => sftpUpload(target, '/', f.name, f.content)));
    const ms = Date.now() - started;
    for (const f of files) assert.deepEqual(await fsp.readFile(path.join(root, f.name)), f.content, f.name);
    assert.equal((await listRoot()).length, 20, 'no partial files left');
    assert.ok(ms < 10000, `20 uploads took ${ms} ms`);
  });
});

/** An ssh2 SFTP call as a promise. */
function call<T = void>(fn: (cb: (err: Error | null | undefined, result?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, result) => (err ? reject(err) : resolve(result as T))));
}

function openSftp(conn: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => conn.sftp((e, s) => (e ? reject(e) : resolve(s))));
}

const failsWith = (code: number, message?: RegExp) => (e: { code?: number; message?: string }) =>
  e.code === code && (!message || message.test(e.message ?? ''));

describe('integration: lab SFTP server limits', function () {
  this.timeout(30000);
  let base: string;
  let root: string;
  const servers: LabSftpServer[] = [];
  const conns: Client[] = [];
  const { STATUS_CODE } = utils.sftp;

  async function start(opts: Partial<LabSftpOptions> = {}): Promise<LabSftpServer> {
    const s = await startLabSftpServer({ root, host: '127.0.0.1', port: 0, username: USER, password: PASS, hostKey, authFailDelayMs: 20, ...opts });
    servers.push(s);
    return s;
  }
  async function connect(s: LabSftpServer): Promise<Client> {
    const c = await connectRaw(s.port);
    conns.push(c);
    return c;
  }
  const targetOf = (s: LabSftpServer): SftpTarget => ({ host: '127.0.0.1', port: s.port, username: USER, password: PASS, timeoutMs: 10000 });
  const modeOf = (name: string) => (statSync(path.join(root, name)).mode & 0o7777).toString(8);

  beforeEach(async function () {
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'ucmsim-sftp-limits-'));
    root = path.join(base, 'root');
  });

  afterEach(async function () {
    conns.splice(0).forEach((c) => c.end());
    await within(Promise.all(servers.splice(0).map((s) => s.close())), 5000, 'closing SFTP servers');
    await fsp.rm(base, { recursive: true, force: true });
  });

  it('drops setuid, setgid, sticky and world-write bits from every mode a client sets', async function () {
    const s = await start();
    const sftp = await openSftp(await connect(s));
    await sftpUpload(targetOf(s), '/', 'a.bin', Buffer.from('x'));
    // SETSTAT by path
    await call((cb) => sftp.chmod('/a.bin', 0o4755, cb));
    assert.equal(modeOf('a.bin'), '755');
    await call((cb) => sftp.chmod('/a.bin', 0o777, cb));
    assert.equal(modeOf('a.bin'), '775');
    await call((cb) => sftp.chmod('a.bin', 0o7777, cb));
    assert.equal(modeOf('a.bin'), '775');
    // FSETSTAT on an open handle
    const h = await call<Buffer>((cb) => sftp.open('/a.bin', 'r+', cb));
    await call((cb) => sftp.fchmod(h, 0o6777, cb));
    await call((cb) => sftp.close(h, cb));
    assert.equal(modeOf('a.bin'), '775');
    // OPEN creating a file with attributes, and MKDIR
    const h2 = await call<Buffer>((cb) => sftp.open('/b.bin', 'w', { mode: 0o7777 }, cb));
    await call((cb) => sftp.close(h2, cb));
    assert.equal(Number.parseInt(modeOf('b.bin'), 8) & 0o7002, 0, modeOf('b.bin'));
    await call((cb) => sftp.mkdir('/d', { mode: 0o1777 }, cb));
    assert.equal(Number.parseInt(modeOf('d'), 8) & 0o7002, 0, modeOf('d'));
  });

  it('drops them for the real OpenSSH sftp client too', async function () {
    const s = await start();
    const local = path.join(base, 'local');
    await fsp.mkdir(local);
    await fsp.writeFile(path.join(local, 'tool'), '#!/bin/sh\n');
    const batch = path.join(base, 'batch');
    await fsp.writeFile(batch, ['put tool tool', 'chmod 4755 tool', 'chmod 0777 tool', ''].join('\n'));
    await runOpenSshSftp(s.port, batch, local);
    const mode = statSync(path.join(root, 'tool')).mode;
    assert.equal(mode & 0o7000, 0, mode.toString(8));
    assert.equal(mode & 0o002, 0, mode.toString(8));
  });

  it('refuses SETSTAT on the served root', async function () {
    const s = await start();
    const before = statSync(root).mode;
    const sftp = await openSftp(await connect(s));
    for (const p of ['/', '.', '', 'x/..']) {
      await assert.rejects(call((cb) => sftp.chmod(p, 0o777, cb)), failsWith(STATUS_CODE.PERMISSION_DENIED), JSON.stringify(p));
      await assert.rejects(call((cb) => sftp.utimes(p, 0, 0, cb)), failsWith(STATUS_CODE.PERMISSION_DENIED), JSON.stringify(p));
    }
    assert.equal(statSync(root).mode, before);
  });

  it('refuses an upload past maxTotalBytes with "Quota exceeded", keeping the directory within it', async function () {
    const quota = 64 * 1024;
    const s = await start({ maxTotalBytes: quota });
    const target = targetOf(s);
    await sftpUpload(target, '/', 'first.bin', randomBytes(40 * 1024));
    await rejectsWith(sftpUpload(target, '/', 'second.bin', randomBytes(40 * 1024)), 'other', /failed \(Quota exceeded \(65536 bytes\)\)/);
    assert.deepEqual(await fsp.readdir(root), ['first.bin'], 'no partial file left');
    // The real client pipelines many writes at once: still nothing lands beyond the quota.
    const local = path.join(base, 'local');
    await fsp.mkdir(local);
    await fsp.writeFile(path.join(local, 'big.bin'), randomBytes(1024 * 1024));
    const batch = path.join(base, 'batch');
    await fsp.writeFile(batch, ['put big.bin big.bin', ''].join('\n'));
    await assert.rejects(runOpenSshSftp(s.port, batch, local));
    const used = (await fsp.readdir(root)).reduce((n, f) => n + statSync(path.join(root, f)).size, 0);
    assert.ok(used <= quota, `${used} bytes on disk, quota ${quota}`);
    // Removing files gives the room back.
    const sftp = await openSftp(await connect(s));
    for (const f of await fsp.readdir(root)) await call((cb) => sftp.unlink('/' + f, cb));
    await sftpUpload(target, '/', 'second.bin', randomBytes(60 * 1024));
    assert.deepEqual(await fsp.readdir(root), ['second.bin']);
  });

  it('counts what the directory held at start against the quota', async function () {
    await fsp.mkdir(root, { recursive: true });
    await fsp.writeFile(path.join(root, 'old.bin'), randomBytes(50 * 1024));
    const s = await start({ maxTotalBytes: 64 * 1024 });
    await rejectsWith(sftpUpload(targetOf(s), '/', 'new.bin', randomBytes(20 * 1024)), 'other', /Quota exceeded/);
    assert.deepEqual(await fsp.readdir(root), ['old.bin']);
  });

  it('refuses a file or directory past maxEntries', async function () {
    const s = await start({ maxEntries: 3 });
    const target = targetOf(s);
    for (const name of ['a', 'b', 'c']) await sftpUpload(target, '/', name, Buffer.from(name));
    await rejectsWith(sftpUpload(target, '/', 'd', Buffer.from('d')), 'other', /failed \(Quota exceeded \(3 files\)\)/);
    const sftp = await openSftp(await connect(s));
    await assert.rejects(call((cb) => sftp.mkdir('/dir', cb)), failsWith(STATUS_CODE.FAILURE, /^Quota exceeded \(3 files\)$/));
    // Rewriting an existing file needs no new entry.
    const h = await call<Buffer>((cb) => sftp.open('/a', 'w', cb));
    await call((cb) => sftp.write(h, Buffer.from('again'), 0, 5, 0, cb));
    await call((cb) => sftp.close(h, cb));
    assert.equal(await fsp.readFile(path.join(root, 'a'), 'utf8'), 'again');
    assert.deepEqual((await fsp.readdir(root)).sort(), ['a', 'b', 'c']);
  });

  it('caps open handles per connection, across all its sessions', async function () {
    const s = await start({ maxHandlesPerConnection: 4 });
    await sftpUpload(targetOf(s), '/', 'f', Buffer.from('x'));
    const conn = await connect(s);
    const [one, two] = [await openSftp(conn), await openSftp(conn)];
    const held: [SFTPWrapper, Buffer][] = [];
    for (const sftp of [one, two, one, two]) held.push([sftp, await call<Buffer>((cb) => sftp.open('/f', 'r', cb))]);
    for (const sftp of [one, two]) {
      await assert.rejects(call((cb) => sftp.open('/f', 'r', cb)), failsWith(STATUS_CODE.FAILURE, /^Too many open handles$/));
      await assert.rejects(call((cb) => sftp.opendir('/', cb)), failsWith(STATUS_CODE.FAILURE, /^Too many open handles$/));
    }
    // Another connection has its own allowance; a closed handle frees a place.
    const other = await openSftp(await connect(s));
    await call<Buffer>((cb) => other.open('/f', 'r', cb));
    const [sftp, h] = held.pop()!;
    await call((cb) => sftp.close(h, cb));
    await call<Buffer>((cb) => one.open('/f', 'r', cb));
    // Ending a session gives its handles back.
    one.end();
    await within(new Promise((r) => one.once('close', r)), 5000, 'session closed');
    for (let i = 0; i < 3; i++) await call<Buffer>((cb) => two.open('/f', 'r', cb));
  });

  it('caps sessions per connection', async function () {
    const s = await start({ maxSessionsPerConnection: 2 });
    const conn = await connect(s);
    const first = await openSftp(conn);
    await openSftp(conn);
    await assert.rejects(openSftp(conn));
    first.end();
    await within(new Promise((r) => first.once('close', r)), 5000, 'session closed');
    await openSftp(conn);
  });

  it('drops a connection that has not logged in within loginTimeoutMs', async function () {
    // The idle timeout is far off: only the login deadline can end this connection in time.
    const s = await start({ loginTimeoutMs: 300, idleTimeoutMs: 60_000 });
    const sock = net.connect(s.port, '127.0.0.1');
    const closed = new Promise((r) => sock.once('close', () => r(undefined)));
    sock.on('error', () => undefined);
    sock.resume(); // read what the server sends, so its closing is seen
    sock.write('SSH-2.0-never-logs-in\r\n');
    try {
      await within(closed, 5000, 'the unauthenticated connection dropped');
    } finally {
      sock.destroy();
    }
    // A client that logs in in time stays.
    const sftp = await openSftp(await connect(s));
    await call((cb) => sftp.mkdir('/kept', cb));
  });

  it('drops a connection that never sends a byte, so it cannot hold a place', async function () {
    const s = await start({ loginTimeoutMs: 300, idleTimeoutMs: 60_000, maxConnections: 1 });
    const sock = net.connect(s.port, '127.0.0.1');
    const closed = new Promise((r) => sock.once('close', () => r(undefined)));
    sock.on('error', () => undefined);
    sock.resume();
    try {
      await within(closed, 5000, 'the silent connection dropped');
    } finally {
      sock.destroy();
    }
    const sftp = await openSftp(await connect(s));
    await call((cb) => sftp.mkdir('/kept', cb));
  });

  it('caps connections overall', async function () {
    const s = await start({ maxConnections: 2 });
    const [a] = [await connect(s), await connect(s)];
    await assert.rejects(within(connectRaw(s.port), 10000, 'third connection'));
    a.end();
    await within(new Promise((r) => a.once('close', () => r(undefined))), 5000, 'first connection closed');
    // The server sees the close a moment after the client: bounded retries, no fixed sleep.
    let third: Client | null = null;
    for (let i = 0; i < 50 && !third; i++) third = await connectRaw(s.port).catch(() => null);
    assert.ok(third, 'a place freed by a closed connection is available again');
    conns.push(third);
  });
});
