// The Cisco Tftp file services as phones and admins reach them: TFTP (curl, tftp-hpa, atftp and a raw
// in-process client for what the tools hide: OACK contents, error codes, TIDs, retransmission), HTTP
// on the 6970 model and HTTPS on the 6971/6972 model (which certificate a client is shown, and that a
// new certificate shows on the next connection).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { promises as fsp, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { dataPacket, isAnswerable, negotiate, startTftpServer, type FileSource, type RunningTftpServer, type TftpServerOptions } from '../../src/net/tftp-server';
import { startConfigHttpServer, startConfigHttpsServer, type RunningHttpServer, type TlsIdentity } from '../../src/net/config-http';
import { waitUntil, within } from '../helpers/wait';

const HOST = '127.0.0.1';
const OP = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 };

/** A FileSource over a Map, with a switch for "Cisco Tftp stopped". */
class Files implements FileSource {
  readonly map = new Map<string, Buffer>();
  on = true;
  read(name: string): Buffer | null {
    return this.map.get(name) ?? null;
  }
  serving(): boolean {
    return this.on;
  }
}

function which(bin: string): boolean {
  try {
    execFileSync('which', [bin], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Ran {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs a client program with stdin at EOF (like `</dev/null`), killed after `timeoutMs`. */
function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

// ---- a raw TFTP client: one UDP socket, a queue of what arrives ----

interface Datagram {
  msg: Buffer;
  port: number;
}

class RawClient {
  private queue: Datagram[] = [];
  private waiter: (() => void) | null = null;
  private constructor(readonly sock: dgram.Socket) {
    sock.on('message', (msg, rinfo) => {
      this.queue.push({ msg, port: rinfo.port });
      this.waiter?.();
    });
  }

  /** Bound to `address` (any 127.0.0.x works on loopback, which lets a test play many clients). */
  static open(address = HOST): Promise<RawClient> {
    const sock = dgram.createSocket('udp4');
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(0, address, () => resolve(new RawClient(sock)));
    });
  }

  /** Resolves once the datagram has left: closing the socket before that would cancel it. */
  send(buf: Buffer, port: number): Promise<void> {
    return new Promise((resolve) => this.sock.send(buf, port, HOST, () => resolve()));
  }

  /** The next datagram; rejects after `ms` of silence. */
  next(ms = 3000): Promise<Datagram> {
    const got = this.queue.shift();
    if (got) return Promise.resolve(got);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no datagram within ${ms} ms`));
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(this.queue.shift()!);
      };
    });
  }

  /** Asserts that nothing arrives for `ms`. */
  async silence(ms: number): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    assert.equal(this.queue.length, 0, `expected silence, got ${this.queue.map((d) => show(d.msg)).join(', ')}`);
  }

  close(): void {
    this.sock.close();
  }
}

function request(op: number, name: string, mode: string, options: Record<string, string> = {}): Buffer {
  const fields = [name, mode, ...Object.entries(options).flat()];
  return Buffer.concat([Buffer.from([0, op]), Buffer.from(fields.map((f) => f + '\0').join(''), 'latin1')]);
}

function ack(block: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(OP.ACK, 0);
  b.writeUInt16BE(block & 0xffff, 2);
  return b;
}

function errorOf(msg: Buffer): { code: number; message: string } | null {
  if (msg.readUInt16BE(0) !== OP.ERROR) return null;
  return { code: msg.readUInt16BE(2), message: msg.toString('latin1', 4, msg.indexOf(0, 4)) };
}

function oackOf(msg: Buffer): Record<string, string> {
  const parts = msg.toString('latin1', 2, msg.length - 1).split('\0');
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) out[parts[i]] = parts[i + 1];
  return out;
}

function show(msg: Buffer): string {
  const op = msg.length >= 2 ? msg.readUInt16BE(0) : -1;
  if (op === OP.DATA) return `DATA ${msg.readUInt16BE(2)} (${msg.length - 4} bytes)`;
  if (op === OP.ERROR) return `ERROR ${JSON.stringify(errorOf(msg))}`;
  if (op === OP.OACK) return `OACK ${JSON.stringify(oackOf(msg))}`;
  return `op ${op}`;
}

interface Got {
  data: Buffer;
  oack?: Record<string, string>;
  error?: { code: number; message: string };
  /** DATA packets received, duplicates excluded */
  blocks: number;
  serverPort?: number;
}

/** Downloads like an RFC 1350/2347 client; `afterFirstReply` runs once the server's TID is known. */
async function rawGet(
  port: number,
  name: string,
  opts: { mode?: string; options?: Record<string, string>; afterFirstReply?: (serverPort: number) => Promise<void> } = {},
): Promise<Got> {
  const c = await RawClient.open();
  try {
    c.send(request(OP.RRQ, name, opts.mode ?? 'octet', opts.options), port);
    const parts: Buffer[] = [];
    let blksize = 512;
    let expected = 1;
    let server: number | undefined;
    let oack: Record<string, string> | undefined;
    for (let guard = 0; guard < 1_000_000; guard++) {
      const { msg, port: from } = await c.next(5000);
      if (server === undefined) {
        server = from;
        await opts.afterFirstReply?.(server);
      }
      assert.equal(from, server, 'every packet of a transfer comes from one TID');
      const error = errorOf(msg);
      if (error) return { data: Buffer.concat(parts), oack, error, blocks: parts.length, serverPort: server };
      const op = msg.readUInt16BE(0);
      if (op === OP.OACK) {
        oack = oackOf(msg);
        blksize = Number(oack.blksize ?? 512);
        c.send(ack(0), server);
        continue;
      }
      assert.equal(op, OP.DATA, show(msg));
      const n = msg.readUInt16BE(2);
      if (n !== (expected & 0xffff)) continue; // a retransmission we already have
      parts.push(msg.subarray(4));
      const acked = c.send(ack(n), server);
      if (msg.length - 4 < blksize) {
        // The final ACK must really go out, or the server keeps resending the last block to this port
        // after we closed it, and a later client that the OS gives the same port sees stray DATA.
        await acked;
        return { data: Buffer.concat(parts), oack, blocks: parts.length, serverPort: server };
      }
      expected++;
    }
    throw new Error('transfer never ended');
  } finally {
    c.close();
  }
}

/** Sends `payload` to 127.0.0.1:`port` from source port 0, which no ordinary socket can do: a raw
 *  socket (root only) writes the UDP header itself. Resolves false where that is not possible. */
function sendFromPortZero(port: number, payload: Buffer): Promise<boolean> {
  if (process.getuid?.() !== 0 || !which('python3')) return Promise.resolve(false);
  const script = [
    'import socket, struct, sys',
    'port, payload = int(sys.argv[1]), bytes.fromhex(sys.argv[2])',
    's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)',
    '# source port 0, no checksum (allowed over IPv4)',
    "s.sendto(struct.pack('!HHHH', 0, port, 8 + len(payload), 0) + payload, ('127.0.0.1', 0))",
  ].join('\n');
  return run('python3', ['-c', script, String(port), payload.toString('hex')], { timeoutMs: 10000 }).then((r) => {
    assert.equal(r.code, 0, r.stderr);
    return true;
  });
}

/** Sends one datagram to the server and returns the first answer. */
async function exchange(port: number, packet: Buffer): Promise<Buffer> {
  const c = await RawClient.open();
  try {
    c.send(packet, port);
    return (await c.next()).msg;
  } finally {
    c.close();
  }
}

// ---- fixtures ----

const ITL = randomBytes(4321);
const BIG = randomBytes(1536 * 1024);
const ROLLOVER = randomBytes(65536 * 8 + 100); // 65549 blocks at blksize 8: block numbers wrap once
const TEXT = Buffer.from('<device>\n  <a>1</a>\r\n  <b>bare\rcr</b>\n</device>\n', 'latin1');

let tmp: string;
before(async () => {
  tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'ucmsim-tftp-'));
});
after(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

function newFiles(): Files {
  const files = new Files();
  files.map.set('ITLFile.tlv', ITL);
  files.map.set('exact512.bin', randomBytes(512));
  files.map.set('exact1024.bin', randomBytes(1024));
  files.map.set('empty.bin', Buffer.alloc(0));
  files.map.set('big.bin', BIG);
  files.map.set('rollover.bin', ROLLOVER);
  files.map.set('SEP001122334455.cnf.xml', TEXT);
  return files;
}

describe('TFTP server', function () {
  let files: Files;
  let server: RunningTftpServer;
  const logged: string[] = [];
  const url = (name: string) => `tftp://${HOST}:${server.port}/${name}`;

  before(async () => {
    files = newFiles();
    server = await startTftpServer({ host: HOST, port: 0, files, log: (m) => logged.push(m) });
  });
  after(() => server.close());
  beforeEach(function () {
    files.on = true;
  });

  /** Fetches with curl into a file; resolves with curl's exit code and the bytes written. */
  async function curlGet(name: string, extra: string[] = []): Promise<{ code: number | null; data: Buffer | null; stderr: string }> {
    const out = path.join(tmp, `curl-${randomBytes(4).toString('hex')}`);
    const r = await run('curl', ['-sS', '--max-time', '20', ...extra, '-o', out, url(name)]);
    const data = await fsp.readFile(out).catch(() => null);
    await fsp.rm(out, { force: true });
    return { code: r.code, data, stderr: r.stderr };
  }

  it('curl gets the exact bytes, with default options, --tftp-blksize 1024, and no options at all', async function () {
    if (!which('curl')) this.skip();
    for (const extra of [[], ['--tftp-blksize', '1024'], ['--tftp-no-options']]) {
      const r = await curlGet('ITLFile.tlv', extra);
      assert.equal(r.code, 0, `${extra.join(' ')}: ${r.stderr}`);
      assert.ok(r.data?.equals(ITL), `${extra.join(' ')}: bytes differ`);
    }
  });

  it('ends a file of exactly one or two blocks, or none, with a short (empty) block', async function () {
    for (const [name, blocks] of [['exact512.bin', 2], ['exact1024.bin', 3], ['empty.bin', 1]] as const) {
      const got = await rawGet(server.port, name);
      assert.ok(got.data.equals(files.map.get(name)!), name);
      assert.equal(got.blocks, blocks, `${name}: DATA packets`);
      if (which('curl')) {
        const r = await curlGet(name);
        assert.equal(r.code, 0, `${name}: ${r.stderr}`);
        assert.ok(r.data?.equals(files.map.get(name)!), `${name} via curl`);
      }
    }
  });

  it('serves a 1.5 MiB file to curl at blksize 512 and 65464', async function () {
    if (!which('curl')) this.skip();
    for (const extra of [[], ['--tftp-blksize', '65464']]) {
      const r = await curlGet('big.bin', extra);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.data?.equals(BIG), `${extra.join(' ')}: bytes differ`);
    }
  });

  it('rolls block numbers over past 65535 (65549 blocks at blksize 8)', async function () {
    // On the wire, block 65536 is 0 and 65537 is 1.
    assert.deepEqual([65535, 65536, 65537].map((n) => dataPacket(ROLLOVER, n, 8).readUInt16BE(2)), [65535, 0, 1]);
    assert.ok(dataPacket(ROLLOVER, 65536, 8).subarray(4).equals(ROLLOVER.subarray(65535 * 8, 65536 * 8)));
    // A real client through the wrap (about 3 s); the in-process raw client is slower, so it is only the fallback.
    if (which('curl')) {
      const r = await curlGet('rollover.bin', ['--tftp-blksize', '8']);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.data?.equals(ROLLOVER), 'curl: bytes differ');
    } else {
      const got = await rawGet(server.port, 'rollover.bin', { options: { blksize: '8' } });
      assert.equal(got.blocks, 65549);
      assert.ok(got.data.equals(ROLLOVER));
    }
  });

  it('works with tftp-hpa in binary and netascii modes', async function () {
    if (!which('tftp')) this.skip();
    const dir = await fsp.mkdtemp(path.join(tmp, 'hpa-'));
    const bin = await run('tftp', [HOST, String(server.port), '-m', 'binary', '-c', 'get', 'ITLFile.tlv'], { cwd: dir });
    assert.equal(bin.code, 0, bin.stderr + bin.stdout.toString());
    assert.ok((await fsp.readFile(path.join(dir, 'ITLFile.tlv'))).equals(ITL));
    // The client undoes our CR LF / CR NUL mapping, so the text arrives unchanged.
    const txt = await run('tftp', [HOST, String(server.port), '-m', 'netascii', '-c', 'get', 'SEP001122334455.cnf.xml'], { cwd: dir });
    assert.equal(txt.code, 0, txt.stderr + txt.stdout.toString());
    assert.ok((await fsp.readFile(path.join(dir, 'SEP001122334455.cnf.xml'))).equals(TEXT));
  });

  it('works with atftp negotiating blksize and tsize', async function () {
    if (!which('atftp')) this.skip();
    const out = path.join(tmp, 'atftp-big.bin');
    const r = await run('atftp', ['--option', 'blksize 1428', '--option', 'tsize', '-g', '-r', 'big.bin', '-l', out, HOST, String(server.port)]);
    assert.equal(r.code, 0, r.stderr + r.stdout.toString());
    assert.ok((await fsp.readFile(out)).equals(BIG));
  });

  it('converts netascii (LF to CR LF, bare CR to CR NUL) and reports the converted size as tsize', async () => {
    const got = await rawGet(server.port, 'SEP001122334455.cnf.xml', { mode: 'NetASCII', options: { tsize: '0' } });
    const expected = Buffer.from('<device>\r\n  <a>1</a>\r\0\r\n  <b>bare\r\0cr</b>\r\n</device>\r\n', 'latin1');
    assert.ok(got.data.equals(expected), JSON.stringify(got.data.toString('latin1')));
    assert.equal(got.oack?.tsize, String(expected.length));
  });

  it('acknowledges blksize, tsize and timeout in an OACK, ignores unknown or invalid options', async () => {
    let got = await rawGet(server.port, 'ITLFile.tlv', { options: { BLKSIZE: '1024', tsize: '0', timeout: '3', windowsize: '4' } });
    assert.deepEqual(got.oack, { blksize: '1024', tsize: String(ITL.length), timeout: '3' });
    assert.equal(got.blocks, 5);
    assert.ok(got.data.equals(ITL));
    // Only unknown options: no OACK, DATA 1 straight away.
    got = await rawGet(server.port, 'ITLFile.tlv', { options: { windowsize: '8', blksize: '4', timeout: '0' } });
    assert.equal(got.oack, undefined);
    assert.equal(got.blocks, 9);
    assert.ok(got.data.equals(ITL));
    // An empty file's size is not announced (curl rejects "tsize 0"), the other options still are.
    got = await rawGet(server.port, 'empty.bin', { options: { tsize: '0', blksize: '1024' } });
    assert.deepEqual(got.oack, { blksize: '1024' });
    assert.equal(got.data.length, 0);
    // Too big a block is lowered to the RFC 2348 maximum.
    got = await rawGet(server.port, 'big.bin', { options: { blksize: '70000' } });
    assert.deepEqual(got.oack, { blksize: '65464' });
    assert.ok(got.data.equals(BIG));
  });

  it('answers a missing file with error 1, and curl fails', async () => {
    const got = await rawGet(server.port, 'SEPFFFFFFFFFFFF.cnf.xml');
    assert.deepEqual(got.error, { code: 1, message: 'File not found' });
    if (which('curl')) {
      const r = await curlGet('SEPFFFFFFFFFFFF.cnf.xml');
      assert.equal(r.code, 68, 'curl: TFTP file not found');
    }
  });

  it('refuses path-like names with error 2, and curl fails', async () => {
    for (const name of ['../ITLFile.tlv', '/ITLFile.tlv', 'x/../ITLFile.tlv', 'sub/ITLFile.tlv', 'sub\\ITLFile.tlv', 'C:ITLFile.tlv', '..', '', 'ITL\x01.tlv']) {
      const got = await rawGet(server.port, name);
      assert.deepEqual(got.error, { code: 2, message: 'Access violation' }, JSON.stringify(name));
    }
    if (which('curl')) {
      const r = await curlGet('../ITLFile.tlv', ['--path-as-is']);
      assert.equal(r.code, 69, 'curl: TFTP permission problem');
    }
  });

  it('answers a write request with error 2', async () => {
    const reply = await exchange(server.port, request(OP.WRQ, 'ITLFile.tlv', 'octet'));
    assert.deepEqual(errorOf(reply), { code: 2, message: 'Access violation' });
  });

  it('answers malformed packets with error 4, ignores an ERROR, and keeps serving', async () => {
    const garbage = [
      Buffer.from([0x42]),
      Buffer.from([0, 9, 1, 2, 3]),
      Buffer.from('\0\x01ITLFile.tlv\0octet', 'latin1'), // mode not NUL-terminated
      Buffer.from('\0\x01ITLFile.tlv\0', 'latin1'), // no mode
      request(OP.RRQ, 'ITLFile.tlv', 'mail'),
      ack(1),
      Buffer.from([0, OP.DATA, 0, 1, 0x41]),
      randomBytes(600).fill(0xff, 0, 2),
    ];
    for (const g of garbage) {
      const reply = await exchange(server.port, g);
      assert.equal(errorOf(reply)?.code, 4, `${g.subarray(0, 20).toString('hex')}: ${show(reply)}`);
    }
    const c = await RawClient.open();
    try {
      c.send(Buffer.from('\0\x05\0\x00oops\0', 'latin1'), server.port);
      await c.silence(200);
    } finally {
      c.close();
    }
    assert.ok((await rawGet(server.port, 'ITLFile.tlv')).data.equals(ITL));
  });

  it('answers error 5 to a stranger on a transfer TID, and the transfer goes on', async () => {
    const stranger = await RawClient.open();
    try {
      const got = await rawGet(server.port, 'ITLFile.tlv', {
        afterFirstReply: async (tid) => {
          stranger.send(ack(1), tid);
          assert.deepEqual(errorOf((await stranger.next()).msg), { code: 5, message: 'Unknown transfer ID' });
        },
      });
      assert.ok(got.data.equals(ITL));
    } finally {
      stranger.close();
    }
  });

  it('answers error 0 while Cisco Tftp is stopped, and serves again once started', async () => {
    files.on = false;
    assert.deepEqual((await rawGet(server.port, 'ITLFile.tlv')).error, { code: 0, message: 'Service not available' });
    if (which('curl')) assert.notEqual((await curlGet('ITLFile.tlv')).code, 0);
    files.on = true;
    assert.ok((await rawGet(server.port, 'ITLFile.tlv')).data.equals(ITL));
  });

  it('completes 100 concurrent raw transfers of different files', async () => {
    const want = new Map<string, Buffer>();
    for (let i = 0; i < 100; i++) {
      const name = `SEP0000000000${String(i).padStart(2, '0')}.cnf.xml`;
      want.set(name, randomBytes(10_000 + i * 500));
      files.map.set(name, want.get(name)!);
    }
    const started = Date.now();
    const results = await within(
      Promise.all([...want.keys()].map((name, i) => rawGet(server.port, name, { options: i % 2 ? { blksize: '1024', tsize: '0' } : {} }))),
      30000,
      '100 concurrent transfers',
    );
    [...want.values()].forEach((data, i) => assert.ok(results[i].data.equals(data), `transfer ${i}`));
    assert.ok(Date.now() - started < 30000);
  });

  it('completes 100 curl downloads, 25 at a time', async function () {
    if (!which('curl')) this.skip();
    for (let batch = 0; batch < 4; batch++) {
      const results = await Promise.all(Array.from({ length: 25 }, () => curlGet('ITLFile.tlv')));
      for (const r of results) {
        assert.equal(r.code, 0, r.stderr);
        assert.ok(r.data?.equals(ITL));
      }
    }
  });

  it('logs each refused name', () => {
    assert.ok(logged.some((m) => m.includes('"../ITLFile.tlv"')), logged.join('\n'));
  });
});

describe('TFTP server limits', function () {
  const servers: RunningTftpServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function start(o: Partial<TftpServerOptions>): Promise<RunningTftpServer> {
    const s = await startTftpServer({ host: HOST, port: 0, files: newFiles(), ...o });
    servers.push(s);
    return s;
  }

  it('retransmits the last DATA after retransmitMs, gives up after maxRetries, and frees the slot', async () => {
    const s = await start({ retransmitMs: 60, maxRetries: 2, maxSessions: 1 });
    const c = await RawClient.open();
    try {
      // Timed from before the request: the server cannot resend earlier than that, however late we look.
      const t0 = Date.now();
      c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet'), s.port);
      const first = await c.next();
      for (let i = 0; i < 2; i++) assert.ok((await c.next()).msg.equals(first.msg), 'the same DATA 1 again');
      assert.ok(Date.now() - t0 >= 115, 'two retransmissions take two intervals');
      await c.silence(300);
    } finally {
      c.close();
    }
    assert.ok((await rawGet(s.port, 'ITLFile.tlv')).data.equals(ITL), 'the abandoned transfer no longer counts');
  });

  it('retransmits an unanswered OACK, at the interval the client asked for with timeout', async () => {
    const s = await start({ retransmitMs: 50, maxRetries: 1 });
    const c = await RawClient.open();
    try {
      const t0 = Date.now();
      c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet', { timeout: '1' }), s.port);
      const first = await c.next();
      assert.equal(first.msg.readUInt16BE(0), OP.OACK);
      assert.ok((await c.next(3000)).msg.equals(first.msg));
      // The server's own 50 ms would have resent long before this.
      assert.ok(Date.now() - t0 >= 990, `retransmitted after ${Date.now() - t0} ms, not the negotiated 1 s`);
    } finally {
      c.close();
    }
  });

  it('refuses transfers over maxSessions with error 0 "Server busy"', async () => {
    const s = await start({ maxSessions: 2, retransmitMs: 5000 });
    const stalled = await Promise.all([RawClient.open(), RawClient.open()]);
    try {
      // Clients that answered once and then stall: their slots are not given away.
      for (const c of stalled) {
        c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet'), s.port);
        const first = await c.next();
        assert.equal(first.msg.readUInt16BE(0), OP.DATA);
        c.send(ack(1), first.port);
        assert.equal((await c.next()).msg.readUInt16BE(2), 2, 'DATA 2');
      }
      assert.deepEqual((await rawGet(s.port, 'ITLFile.tlv')).error, { code: 0, message: 'Server busy' });
    } finally {
      stalled.forEach((c) => c.close());
    }
  });

  it('gives the slot of a client that never answered to a new request when the table is full', async () => {
    const s = await start({ maxSessions: 2, retransmitMs: 5000 });
    const silent = await Promise.all([RawClient.open(), RawClient.open()]);
    try {
      for (const c of silent) {
        c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet'), s.port);
        assert.equal((await c.next()).msg.readUInt16BE(0), OP.DATA);
      }
      assert.ok((await rawGet(s.port, 'ITLFile.tlv')).data.equals(ITL));
      // The displaced one (the oldest) is dropped silently: its address may be forged.
      await silent[0].silence(200);
    } finally {
      silent.forEach((c) => c.close());
    }
  });

  it('holds one address to maxPerClient transfers once half the table is in use', async () => {
    const s = await start({ maxSessions: 4, maxPerClient: 1, retransmitMs: 5000 });
    const opened: RawClient[] = [];
    try {
      // Two confirmed, stalled transfers from 127.0.0.2: the second is allowed (table under half full).
      for (let i = 0; i < 2; i++) {
        const c = await RawClient.open('127.0.0.2');
        opened.push(c);
        c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet'), s.port);
        const first = await c.next();
        c.send(ack(1), first.port);
        assert.equal((await c.next()).msg.readUInt16BE(2), 2);
      }
      const third = await RawClient.open('127.0.0.2');
      opened.push(third);
      third.send(request(OP.RRQ, 'ITLFile.tlv', 'octet'), s.port);
      assert.deepEqual(errorOf((await third.next()).msg), { code: 0, message: 'Server busy' });
      // Another client still finds room.
      assert.ok((await rawGet(s.port, 'ITLFile.tlv')).data.equals(ITL));
    } finally {
      opened.forEach((c) => c.close());
    }
  });

  it('serves curl within 2 s while 200 forged read requests that never ACK hold the default table', async function () {
    this.timeout(60000);
    const s = await start({});
    // One source per request, then 20 requests from each of 10 sources: requests from forged
    // addresses come both ways. Half of them ask for the longest timeout.
    for (const sourceOf of [(i: number) => `127.0.0.${2 + i}`, (i: number) => `127.0.0.${2 + (i % 10)}`]) {
      const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => RawClient.open(sourceOf(i))));
      try {
        flood.forEach((c, i) => c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet', i % 2 ? { timeout: '255' } : {}), s.port));
        // Every request has been handled once each got its first answer.
        await within(Promise.all(flood.map((c) => c.next(10000))), 15000, 'the flood answered');
        if (which('curl')) {
          const out = path.join(tmp, `flood-${randomBytes(4).toString('hex')}`);
          const r = await run('curl', ['-sS', '--max-time', '2', '-o', out, `tftp://${HOST}:${s.port}/ITLFile.tlv`]);
          assert.equal(r.code, 0, `curl under the flood: ${r.stderr}`);
          assert.ok((await fsp.readFile(out)).equals(ITL));
        } else {
          assert.ok((await within(rawGet(s.port, 'ITLFile.tlv'), 2000, 'a download under the flood')).data.equals(ITL));
        }
      } finally {
        flood.forEach((c) => c.close());
      }
    }
  });

  it('ends a transfer at maxTransferMs whatever timeout was negotiated, and frees its slot', async () => {
    // Without the lifetime bound, this stalled transfer would hold its slot for 6 x 10 s.
    const s = await start({ maxSessions: 1, maxTransferMs: 1000, retransmitMs: 5000 });
    const c = await RawClient.open();
    try {
      c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet', { timeout: '10' }), s.port);
      const oack = await c.next();
      assert.deepEqual(oackOf(oack.msg), { timeout: '10' });
      c.send(ack(0), oack.port);
      assert.equal((await c.next()).msg.readUInt16BE(0), OP.DATA);
      // Stalled after answering once: the slot is held, not given away...
      assert.deepEqual((await rawGet(s.port, 'ITLFile.tlv')).error, { code: 0, message: 'Server busy' });
      // ...until the lifetime runs out (the next retransmission would only come 10 s after DATA 1).
      const next = await c.next(5000);
      assert.deepEqual(errorOf(next.msg), { code: 0, message: 'Transfer timed out' });
      assert.equal(next.port, oack.port);
    } finally {
      c.close();
    }
    assert.ok((await rawGet(s.port, 'ITLFile.tlv')).data.equals(ITL), 'the slot is free again');
  });

  it(`leaves a timeout over ${10} s out of the OACK, so the server's own interval applies`, async () => {
    assert.deepEqual(negotiate([['timeout', '255']], 100).acknowledged, []);
    assert.deepEqual(negotiate([['timeout', '11']], 100).acknowledged, []);
    assert.deepEqual(negotiate([['timeout', '10']], 100).acknowledged, [['timeout', '10']]);
    const s = await start({ retransmitMs: 50, maxRetries: 1 });
    const c = await RawClient.open();
    try {
      c.send(request(OP.RRQ, 'ITLFile.tlv', 'octet', { timeout: '255', tsize: '0' }), s.port);
      const first = await c.next();
      assert.deepEqual(oackOf(first.msg), { tsize: String(ITL.length) });
      assert.ok((await c.next(3000)).msg.equals(first.msg), 'resent at the server interval, long before 255 s');
    } finally {
      c.close();
    }
  });

  it('ignores packets from source port 0 and keeps serving', async function () {
    assert.equal(isAnswerable({ address: '127.0.0.1', port: 0 }), false);
    assert.equal(isAnswerable({ address: '127.0.0.1', port: 69 }), true);
    const logged: string[] = [];
    const s = await start({ log: (m) => logged.push(m) });
    // A read request, and a stray packet on a live transfer's TID: both once crashed the process.
    if (!(await sendFromPortZero(s.port, request(OP.RRQ, 'ITLFile.tlv', 'octet')))) this.skip();
    await waitUntil(() => logged.some((m) => m.includes('ignored a packet from 127.0.0.1:0')), 5000, 'the port-0 request seen');
    const got = await rawGet(s.port, 'ITLFile.tlv', {
      afterFirstReply: async (tid) => {
        assert.ok(await sendFromPortZero(tid, ack(1)));
      },
    });
    assert.ok(got.data.equals(ITL));
    assert.ok((await rawGet(s.port, 'ITLFile.tlv')).data.equals(ITL));
  });

  it('refuses a file over maxTransferBytes, netascii expansion included', async () => {
    const s = await start({ maxTransferBytes: 1024 });
    assert.ok((await rawGet(s.port, 'exact1024.bin')).data.length === 1024);
    assert.deepEqual((await rawGet(s.port, 'ITLFile.tlv')).error, { code: 0, message: 'File too large' });
    const s2 = await start({ maxTransferBytes: TEXT.length });
    assert.deepEqual((await rawGet(s2.port, 'SEP001122334455.cnf.xml', { mode: 'netascii' })).error, { code: 0, message: 'File too large' });
  });
});

// ---- HTTP / HTTPS ----

interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  reused: boolean;
}

function httpRequest(port: number, method: string, target: string, agent?: http.Agent): Promise<HttpAnswer> {
  return within(
    new Promise((resolve, reject) => {
      const req = http.request({ host: HOST, port, method, path: target, agent: agent ?? false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), reused: req.reusedSocket }));
      });
      req.on('error', reject);
      req.end();
    }),
    10000,
    `${method} ${target}`,
  );
}

describe('HTTP config server (6970)', function () {
  let files: Files;
  let server: RunningHttpServer;
  before(async () => {
    files = newFiles();
    server = await startConfigHttpServer({ host: HOST, port: 0, files });
  });
  after(() => server.close());
  beforeEach(() => {
    files.on = true;
  });

  it('curl gets the exact bytes', async function () {
    if (!which('curl')) this.skip();
    for (const name of ['ITLFile.tlv', 'big.bin', 'empty.bin']) {
      const r = await run('curl', ['-sS', '--fail', `http://${HOST}:${server.port}/${name}`]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(files.map.get(name)!), name);
    }
  });

  it('answers GET and HEAD with octet-stream and the length, on one kept-alive connection', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = await httpRequest(server.port, 'GET', '/ITLFile.tlv?version=1', agent);
      assert.equal(get.status, 200);
      assert.equal(get.headers['content-type'], 'application/octet-stream');
      assert.equal(get.headers['content-length'], String(ITL.length));
      assert.ok(get.body.equals(ITL));
      const head = await httpRequest(server.port, 'HEAD', '/ITLFile.tlv', agent);
      assert.equal(head.status, 200);
      assert.equal(head.headers['content-length'], String(ITL.length));
      assert.equal(head.body.length, 0);
      assert.ok(head.reused, 'the second request reused the connection');
    } finally {
      agent.destroy();
    }
  });

  it('answers 404, 403, 400, 405 and 503 where they apply', async () => {
    assert.equal((await httpRequest(server.port, 'GET', '/SEPFFFFFFFFFFFF.cnf.xml')).status, 404);
    for (const target of ['/', '/../ITLFile.tlv', '/sub/ITLFile.tlv', '/sub%2FITLFile.tlv', '/%2E%2E', '/a%5Cb', '//etc/passwd']) {
      assert.equal((await httpRequest(server.port, 'GET', target)).status, 403, target);
    }
    assert.equal((await httpRequest(server.port, 'GET', '/%E0%A4%A')).status, 400);
    const post = await httpRequest(server.port, 'POST', '/ITLFile.tlv');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    files.on = false;
    assert.equal((await httpRequest(server.port, 'GET', '/ITLFile.tlv')).status, 503);
    if (which('curl')) {
      const r = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${HOST}:${server.port}/ITLFile.tlv`]);
      assert.equal(r.stdout.toString(), '503');
    }
  });

  it('close() drops a kept-alive connection', async () => {
    const s = await startConfigHttpServer({ host: HOST, port: 0, files });
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.equal((await httpRequest(s.port, 'GET', '/ITLFile.tlv', agent)).status, 200);
      await within(s.close(), 3000, 'close with an idle kept-alive connection');
    } finally {
      agent.destroy();
    }
  });
});

describe('HTTPS config server (6971/6972)', function () {
  const certs: Record<string, TlsIdentity & { fingerprint: string; file: string }> = {};
  let files: Files;
  let current: { rsa: TlsIdentity; ec?: TlsIdentity };
  let identityCalls = 0;
  let failIdentity = false;
  const logged: string[] = [];
  let server: RunningHttpServer;

  /** A self-signed certificate for 127.0.0.1 and localhost, made by openssl. */
  function makeCert(name: string, keyArgs: string[]): void {
    const key = path.join(tmp, `${name}.key`);
    const file = path.join(tmp, `${name}.pem`);
    execFileSync('openssl', ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', file, '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore', timeout: 20000 });
    const certPem = readFileSync(file, 'utf8');
    certs[name] = { certPem, keyPem: readFileSync(key, 'utf8'), fingerprint: new X509Certificate(certPem).fingerprint256, file };
  }

  /** The certificate a Node client with these TLS settings is shown. */
  function presented(opts: tls.ConnectionOptions = {}): Promise<string> {
    return within(
      new Promise((resolve, reject) => {
        const sock = tls.connect({ host: HOST, port: server.port, rejectUnauthorized: false, ...opts }, () => {
          const fp = sock.getPeerCertificate().fingerprint256;
          sock.end();
          resolve(fp);
        });
        sock.on('error', reject);
      }),
      10000,
      'TLS handshake',
    );
  }
  const nameOf = (fp: string) => Object.keys(certs).find((k) => certs[k].fingerprint === fp) ?? fp;

  before(async function () {
    if (!which('openssl')) this.skip();
    makeCert('callmanager', ['-newkey', 'rsa:2048']);
    makeCert('callmanager-new', ['-newkey', 'rsa:2048']);
    makeCert('callmanager-ecdsa', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    files = newFiles();
    current = { rsa: certs.callmanager, ec: certs['callmanager-ecdsa'] };
    server = await startConfigHttpsServer({
      host: HOST,
      port: 0,
      files,
      log: (m) => logged.push(m),
      identity: () => {
        identityCalls++;
        if (failIdentity) throw new Error('certificate store unavailable');
        return current;
      },
    });
  });
  after(() => server?.close());
  beforeEach(() => {
    current = { rsa: certs.callmanager, ec: certs['callmanager-ecdsa'] };
    failIdentity = false;
  });

  it('curl trusting the CallManager certificate gets the exact bytes', async function () {
    if (!which('curl')) this.skip();
    const r = await run('curl', ['-sS', '--fail', '--cacert', certs.callmanager.file, `https://${HOST}:${server.port}/ITLFile.tlv`]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.equals(ITL));
  });

  it('presents RSA to clients that accept it, and CallManager-ECDSA to ECDSA-only clients', async function () {
    assert.equal(nameOf(await presented()), 'callmanager', 'TLS 1.3 default');
    assert.equal(nameOf(await presented({ maxVersion: 'TLSv1.2' })), 'callmanager', 'TLS 1.2 default');
    assert.equal(nameOf(await presented({ sigalgs: 'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256' })), 'callmanager', 'ECDSA preferred but RSA accepted');
    assert.equal(nameOf(await presented({ sigalgs: 'ecdsa_secp256r1_sha256' })), 'callmanager-ecdsa', 'TLS 1.3 ECDSA-only signature algorithms');
    assert.equal(nameOf(await presented({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })), 'callmanager-ecdsa', 'TLS 1.2 ECDSA-only suite');
    if (which('curl')) {
      const r = await run('curl', ['-sS', '--fail', '--cacert', certs['callmanager-ecdsa'].file, '--ciphers', 'ECDHE-ECDSA-AES128-GCM-SHA256', '--tls-max', '1.2',
        `https://${HOST}:${server.port}/ITLFile.tlv`]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.equals(ITL));
    }
    const s = await run('openssl', ['s_client', '-connect', `${HOST}:${server.port}`, '-sigalgs', 'ECDSA+SHA256', '-showcerts']);
    assert.match(s.stdout.toString(), /subject=CN = callmanager-ecdsa\n/);
  });

  it('with no ECDSA identity (the tomcat port) an ECDSA-only client cannot connect', async function () {
    current = { rsa: certs.callmanager };
    await assert.rejects(presented({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' }));
    assert.equal(nameOf(await presented()), 'callmanager');
  });

  it('shows a changed certificate on the next connection, and keeps the old one if the new cannot be had', async function () {
    const before = identityCalls;
    assert.equal(nameOf(await presented()), 'callmanager');
    current = { rsa: certs['callmanager-new'], ec: certs['callmanager-ecdsa'] };
    assert.equal(nameOf(await presented()), 'callmanager-new');
    assert.ok(identityCalls - before >= 2, 'identity() is asked per connection');
    if (which('curl')) {
      const ok = await run('curl', ['-sS', '--fail', '--cacert', certs['callmanager-new'].file, `https://${HOST}:${server.port}/ITLFile.tlv`]);
      assert.equal(ok.code, 0, ok.stderr);
      const old = await run('curl', ['-sS', '--fail', '--cacert', certs.callmanager.file, `https://${HOST}:${server.port}/ITLFile.tlv`]);
      assert.equal(old.code, 60, 'the old certificate no longer verifies the server');
    }
    failIdentity = true;
    assert.equal(nameOf(await presented()), 'callmanager-new');
    assert.ok(logged.some((m) => m.includes('certificate store unavailable')));
    failIdentity = false;
    current = { rsa: certs.callmanager, ec: certs['callmanager-ecdsa'] };
    assert.equal(nameOf(await presented()), 'callmanager', 'and back');
  });

  it('answers 503 while Cisco Tftp is stopped', async function () {
    if (!which('curl')) this.skip();
    files.on = false;
    try {
      const r = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--cacert', certs.callmanager.file, `https://localhost:${server.port}/ITLFile.tlv`]);
      assert.equal(r.stdout.toString(), '503');
    } finally {
      files.on = true;
    }
  });
});
