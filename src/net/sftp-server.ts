// The lab SFTP server: a real destination for exports (`file get tftp ITLRecovery.p12`) and a real
// source for imports (`utils itl reset remotekey`). It serves one directory as "/" to one account,
// speaks only the `sftp` subsystem, and never lets a path (`..` or a symlink) reach outside that
// directory.
import { createHash, timingSafeEqual } from 'node:crypto';
import { constants as C, promises as fsp, type Stats } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { acceptPasswords } from '../ssh/auth';
import { Server, utils, type Attributes, type Connection, type FileEntry, type SFTPWrapper } from 'ssh2';
import { DirectoryQuota } from './sftp-quota';

export interface LabSftpOptions {
  /** directory served as "/" (created if missing) */
  root: string;
  host: string;
  /** 0 = a free port */
  port: number;
  username: string;
  password: string;
  /** an OpenSSH/PEM private key ssh2 accepts */
  hostKey: Buffer;
  /** largest file a client may write; default 16 MiB */
  maxFileBytes?: number;
  /** bytes the whole served directory may hold; default 256 MiB */
  maxTotalBytes?: number;
  /** files, directories and links the served directory may hold; default 10000 */
  maxEntries?: number;
  /** connections at once, authenticated or not; one more is dropped on arrival; default 32 */
  maxConnections?: number;
  /** session channels (SFTP sessions) one connection may have open; default 4 */
  maxSessionsPerConnection?: number;
  /** open file and directory handles of one connection, all its sessions together; default 64 */
  maxHandlesPerConnection?: number;
  /** a connection with no traffic for this long is dropped; default 3 minutes */
  idleTimeoutMs?: number;
  /** a connection not logged in this long after it arrived is dropped; default 60 s */
  loginTimeoutMs?: number;
  /** delay before a failed login is answered, to slow guessing; default 300 ms */
  authFailDelayMs?: number;
}

export interface LabSftpServer {
  host: string;
  port: number;
  /** the served directory, as given */
  root: string;
  close(): Promise<void>;
}

const { STATUS_CODE, OPEN_MODE } = utils.sftp;
const MAX_READ = 256 * 1024; // OpenSSH's own ceiling for one READ
const DIR_BATCH = 100;

/** The permission bits a client may set: no setuid, setgid or sticky bit (the server runs as whoever
 *  started it, root included) and nothing writable by every user. */
export function allowedMode(mode: number): number {
  return mode & 0o775;
}

/** A refusal with its SFTP status code and the short text the client shows. */
class Refusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}
const denied = () => new Refusal(STATUS_CODE.PERMISSION_DENIED, 'Permission denied');

/** Maps a node fs error the way OpenSSH's sftp-server maps errno. */
function statusOf(err: unknown): { code: number; message: string } {
  if (err instanceof Refusal) return { code: err.code, message: err.message };
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
    case 'EBADF':
    case 'ELOOP':
      return { code: STATUS_CODE.NO_SUCH_FILE, message: 'No such file' };
    case 'EPERM':
    case 'EACCES':
    case 'EROFS':
      return { code: STATUS_CODE.PERMISSION_DENIED, message: 'Permission denied' };
    case 'EEXIST':
      return { code: STATUS_CODE.FAILURE, message: 'File exists' };
    case 'EISDIR':
      return { code: STATUS_CODE.FAILURE, message: 'Is a directory' };
    case 'ENOTEMPTY':
      return { code: STATUS_CODE.FAILURE, message: 'Directory not empty' };
    default:
      return { code: STATUS_CODE.FAILURE, message: 'Failure' };
  }
}

/** The client's path as an absolute path inside the served tree ("/a/b"); relative paths start at "/".
 *  Refused when `..` would climb above "/". */
export function virtualPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!parts.length) throw denied();
      parts.pop();
    } else parts.push(seg);
  }
  return '/' + parts.join('/');
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(a), h(b));
}

function toAttrs(st: Stats): Attributes {
  return {
    mode: st.mode,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    atime: Math.floor(st.atimeMs / 1000),
    mtime: Math.floor(st.mtimeMs / 1000),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The `ls -l` line OpenSSH's `ls -l` prints verbatim. */
function longname(name: string, st: Stats, owner: string): string {
  const type = st.isDirectory() ? 'd' : st.isSymbolicLink() ? 'l' : '-';
  let perms = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (st.mode >> shift) & 7;
    perms += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  const t = st.mtime;
  const recent = Math.abs(Date.now() - t.getTime()) < 180 * 86400_000;
  const when = `${MONTHS[t.getMonth()]} ${String(t.getDate()).padStart(2)} ${
    recent ? `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}` : ` ${t.getFullYear()}`
  }`;
  const user = owner.slice(0, 8).padEnd(8);
  return `${type}${perms} ${String(st.nlink).padStart(4)} ${user} ${user} ${String(st.size).padStart(8)} ${when} ${name}`;
}

type Handle =
  /** `file` is the real path, for the quota; `changed` once written to or truncated */
  | { kind: 'file'; fh: fsp.FileHandle; append: boolean; file: string; changed: boolean }
  | { kind: 'dir'; dir: string; names: string[] };

/** What one connection holds, whatever number of sessions it spreads it over. */
interface ConnectionUse {
  sessions: number;
  handles: number;
}

export async function startLabSftpServer(opts: LabSftpOptions): Promise<LabSftpServer> {
  const maxFileBytes = opts.maxFileBytes ?? 16 * 1024 * 1024;
  const idleTimeoutMs = opts.idleTimeoutMs ?? 180_000;
  const authFailDelayMs = opts.authFailDelayMs ?? 300;
  const loginTimeoutMs = opts.loginTimeoutMs ?? 60_000;
  const maxSessions = opts.maxSessionsPerConnection ?? 4;
  const maxHandles = opts.maxHandlesPerConnection ?? 64;
  await fsp.mkdir(opts.root, { recursive: true });
  // Compare against the real location, so a root reached through a symlink (/tmp on some systems) works.
  const realRoot = await fsp.realpath(opts.root);
  const quota = await DirectoryQuota.load(realRoot, opts.maxTotalBytes ?? 256 * 1024 * 1024, opts.maxEntries ?? 10_000);
  const overBytes = () => new Refusal(STATUS_CODE.FAILURE, `Quota exceeded (${quota.maxBytes} bytes)`);
  const overEntries = () => new Refusal(STATUS_CODE.FAILURE, `Quota exceeded (${quota.maxEntries} files)`);
  const inside = (p: string) => p === realRoot || p.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep);

  /** Where a client path really lands on disk, refused if outside root. With `follow`, a symlink in the
   *  last component is followed (STAT, OPEN); without, the last component itself is meant (LSTAT,
   *  REMOVE, RENAME). Symlinks in earlier components are always followed, and checked. */
  async function local(clientPath: string, follow: boolean): Promise<string> {
    const vp = virtualPath(clientPath);
    if (vp === '/') return realRoot;
    const lexical = path.join(realRoot, vp);
    let real: string;
    if (follow) {
      try {
        real = await fsp.realpath(lexical);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        // Missing is fine (a file about to be created) unless it is a dangling symlink: creating
        // through it would write wherever it points.
        const link = await fsp.lstat(lexical).catch(() => null);
        if (link) throw denied();
        real = path.join(await fsp.realpath(path.dirname(lexical)), path.basename(lexical));
      }
    } else {
      real = path.join(await fsp.realpath(path.dirname(lexical)), path.basename(lexical));
    }
    if (!inside(real)) throw denied();
    return real;
  }

  /** Like `local`, for operations that change the entry itself: the served root is not theirs to touch. */
  async function localEntry(clientPath: string): Promise<string> {
    const p = await local(clientPath, false);
    if (p === realRoot) throw denied();
    return p;
  }

  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [opts.hostKey] }, (client) => {
    connections.add(client);
    const sock = (client as unknown as { _sock?: net.Socket })._sock;
    if (sock) client.once('ready', () => clearTimeout(loginTimers.get(sock)));

    const check = async (user: string, password: string): Promise<boolean> => {
      const ok = sameSecret(user, opts.username) && sameSecret(password, opts.password);
      if (!ok) await new Promise((r) => setTimeout(r, authFailDelayMs));
      return ok;
    };
    acceptPasswords(client, check);

    const use: ConnectionUse = { sessions: 0, handles: 0 };
    client.on('ready', () => {
      client.on('session', (acceptSession, rejectSession) => {
        // Each session may hold handles and buffers: one connection gets a few, not unlimited.
        if (use.sessions >= maxSessions) return rejectSession();
        use.sessions++;
        const session = acceptSession();
        session.once('close', () => use.sessions--);
        session.on('pty', (_a, reject) => reject?.());
        session.on('shell', (_a, reject) => reject?.());
        session.on('exec', (_a, reject) => reject?.());
        session.on('subsystem', (_a, reject) => reject?.());
        session.on('sftp', (accept) => serveSftp(accept(), opts.username, use));
      });
    });
    client.on('error', () => {
      /* a client that vanishes mid-transfer is not the server's problem */
    });
    client.on('close', () => connections.delete(client));
  });
  // Counted from the TCP accept on, so connections that never even say hello count too.
  server.maxConnections = opts.maxConnections ?? 32;

  // Our own listener hands each socket to ssh2, after arming the timers that must run from the first
  // byte: ssh2 shows us a connection only once the client has sent its version line.
  const sockets = new Set<net.Socket>();
  const loginTimers = new WeakMap<net.Socket, NodeJS.Timeout>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    // Without TCP_NODELAY every small SFTP reply waits on a delayed ACK (tens of ms per request).
    sock.setNoDelay(true);
    // An abandoned lab connection must not hold descriptors forever...
    sock.setTimeout(idleTimeoutMs, () => sock.destroy());
    // ...nor may one that never logs in (silent, trickling, guessing) keep one of the few places.
    loginTimers.set(
      sock,
      setTimeout(() => sock.destroy(), loginTimeoutMs),
    );
    sock.once('close', () => {
      sockets.delete(sock);
      clearTimeout(loginTimers.get(sock));
    });
    server.injectSocket(sock);
  });

  function serveSftp(sftp: SFTPWrapper, owner: string, use: ConnectionUse): void {
    const handles = new Map<number, Handle>();
    let nextHandle = 1;

    /** Refused before anything is opened, so a refusal holds no descriptor. */
    const takeHandleSlot = () => {
      if (use.handles >= maxHandles) throw new Refusal(STATUS_CODE.FAILURE, 'Too many open handles');
      use.handles++;
    };
    let released = false;
    /** Registers a handle and answers with it. A session already closed refuses it, so the caller
     *  closes what it opened rather than leaking it. */
    const replyHandle = (reqid: number, h: Handle): void => {
      if (released) throw new Refusal(STATUS_CODE.FAILURE, 'Session closed');
      const id = nextHandle++;
      handles.set(id, h);
      const buf = Buffer.alloc(4);
      buf.writeUInt32BE(id);
      try {
        sftp.handle(reqid, buf);
      } catch {
        /* the channel is closing: release() closes the handle */
      }
    };
    const handleOf = (buf: Buffer): Handle => {
      const h = buf.length === 4 ? handles.get(buf.readUInt32BE()) : undefined;
      if (!h) throw new Refusal(STATUS_CODE.FAILURE, 'Invalid handle');
      return h;
    };
    const fileOf = (buf: Buffer) => {
      const h = handleOf(buf);
      if (h.kind !== 'file') throw new Refusal(STATUS_CODE.FAILURE, 'Not a file handle');
      return h;
    };
    const ok = (reqid: number) => sftp.status(reqid, STATUS_CODE.OK);
    /** Closes a file handle; a file it changed is counted at its real size from now on (unless it was
     *  renamed or removed meanwhile, which the quota already knows). */
    const closeFile = async (f: Extract<Handle, { kind: 'file' }>) => {
      try {
        if (f.changed && quota.has(f.file)) quota.setSize(f.file, (await f.fh.stat()).size);
      } finally {
        await f.fh.close();
      }
    };

    /** Runs one request; any throw becomes the matching STATUS reply. */
    const run = (reqid: number, work: () => Promise<void>): void => {
      work().catch((err) => {
        const { code, message } = statusOf(err);
        try {
          sftp.status(reqid, code, message);
        } catch {
          /* channel already gone */
        }
      });
    };

    const checkSize = (size: number) => {
      if (size > maxFileBytes) throw new Refusal(STATUS_CODE.FAILURE, `File would exceed the ${maxFileBytes}-byte limit`);
    };

    /** Room for `file` to reach `end` bytes, under both the file limit and the directory quota; the
     *  reservation is settled when `work` is done. */
    const withRoom = async (file: string, end: number, work: () => Promise<void>) => {
      checkSize(end);
      if (!(await quota.reserveSize(file, end))) throw overBytes();
      try {
        await work();
      } catch (e) {
        // The room was reserved for nothing: count what is really there.
        const st = await fsp.lstat(file).catch(() => null);
        if (!st) quota.remove(file);
        else quota.setSize(file, st.isFile() ? st.size : 0);
        throw e;
      } finally {
        quota.settle();
      }
    };

    /** SETSTAT/FSETSTAT: apply what a lab needs (mode, size, times); ownership is ignored. */
    const applyAttrs = async (
      file: string,
      target: { chmod(m: number): Promise<void>; truncate(n: number): Promise<void>; utimes(a: number, m: number): Promise<void> },
      attrs: Partial<Attributes>,
    ) => {
      if (typeof attrs.size === 'number') {
        const size = attrs.size;
        await withRoom(file, size, async () => {
          await target.truncate(size);
          quota.setSize(file, size);
        });
      }
      if (typeof attrs.mode === 'number') await target.chmod(allowedMode(attrs.mode));
      if (typeof attrs.atime === 'number' && typeof attrs.mtime === 'number') await target.utimes(attrs.atime, attrs.mtime);
    };

    const rename = async (from: string, to: string) => {
      const [src, dst] = [await localEntry(from), await localEntry(to)];
      // POSIX semantics (replace an existing file), which is what uploaders that write-then-rename rely on.
      await fsp.rename(src, dst);
      quota.rename(src, dst);
    };

    sftp.on('REALPATH', (reqid, p) =>
      run(reqid, async () => {
        const vp = virtualPath(p);
        sftp.name(reqid, [{ filename: vp, longname: vp, attrs: {} as Attributes }]);
      }),
    );
    sftp.on('STAT', (reqid, p) => run(reqid, async () => sftp.attrs(reqid, toAttrs(await fsp.stat(await local(p, true))))));
    sftp.on('LSTAT', (reqid, p) => run(reqid, async () => sftp.attrs(reqid, toAttrs(await fsp.lstat(await local(p, false))))));
    sftp.on('FSTAT', (reqid, h) => run(reqid, async () => sftp.attrs(reqid, toAttrs(await fileOf(h).fh.stat()))));

    sftp.on('OPEN', (reqid, p, pflags, attrs) =>
      run(reqid, async () => {
        const read = (pflags & OPEN_MODE.READ) !== 0;
        const write = (pflags & OPEN_MODE.WRITE) !== 0;
        let flags = read && write ? C.O_RDWR : write ? C.O_WRONLY : C.O_RDONLY;
        if (pflags & OPEN_MODE.CREAT) flags |= C.O_CREAT;
        if (pflags & OPEN_MODE.CREAT && pflags & OPEN_MODE.EXCL) flags |= C.O_EXCL;
        if (pflags & OPEN_MODE.TRUNC) flags |= C.O_TRUNC;
        if (pflags & OPEN_MODE.APPEND) flags |= C.O_APPEND;
        const mode = typeof attrs?.mode === 'number' ? allowedMode(attrs.mode) : 0o644;
        const file = await local(p, true);
        takeHandleSlot();
        let reserved = false;
        let fh: fsp.FileHandle | undefined;
        try {
          const existed = await fsp.stat(file).then(
            () => true,
            () => false,
          );
          if (!existed && flags & C.O_CREAT) {
            if (!(await quota.reserveEntry(file))) throw overEntries();
            reserved = true;
          }
          fh = await fsp.open(file, flags, mode);
          const st = await fh.stat();
          // Linux lets O_RDONLY open a directory; SFTP clients expect that to fail here, not at READ.
          if (st.isDirectory()) throw new Refusal(STATUS_CODE.FAILURE, 'Is a directory');
          if (write) quota.setSize(file, st.size); // 0 after O_TRUNC or creation
          replyHandle(reqid, { kind: 'file', fh, append: (pflags & OPEN_MODE.APPEND) !== 0, file, changed: false });
        } catch (e) {
          use.handles--;
          await fh?.close();
          if (reserved && !fh) quota.unreserveEntry(file); // never created
          throw e;
        } finally {
          if (reserved) quota.settle();
        }
      }),
    );
    sftp.on('READ', (reqid, h, offset, len) =>
      run(reqid, async () => {
        const { fh } = fileOf(h);
        const buf = Buffer.alloc(Math.min(len, MAX_READ));
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead === 0 && len > 0) sftp.status(reqid, STATUS_CODE.EOF);
        else sftp.data(reqid, buf.subarray(0, bytesRead));
      }),
    );
    sftp.on('WRITE', (reqid, h, offset, data) =>
      run(reqid, async () => {
        const f = fileOf(h);
        const end = (f.append ? (await f.fh.stat()).size : offset) + data.length;
        await withRoom(f.file, end, async () => {
          f.changed = true;
          await f.fh.write(data, 0, data.length, f.append ? null : offset);
        });
        ok(reqid);
      }),
    );
    sftp.on('FSETSTAT', (reqid, h, attrs) =>
      run(reqid, async () => {
        const f = fileOf(h);
        f.changed ||= typeof attrs.size === 'number';
        await applyAttrs(f.file, f.fh, attrs);
        ok(reqid);
      }),
    );
    sftp.on('SETSTAT', (reqid, p, attrs) =>
      run(reqid, async () => {
        const target = await local(p, true);
        // The served root's mode and times are the lab owner's, not a client's.
        if (target === realRoot) throw denied();
        await applyAttrs(
          target,
          {
            chmod: (m) => fsp.chmod(target, m),
            truncate: (n) => fsp.truncate(target, n),
            utimes: (a, m) => fsp.utimes(target, a, m),
          },
          attrs,
        );
        ok(reqid);
      }),
    );

    sftp.on('OPENDIR', (reqid, p) =>
      run(reqid, async () => {
        const dir = await local(p, true);
        takeHandleSlot();
        try {
          const names = await fsp.readdir(dir);
          replyHandle(reqid, { kind: 'dir', dir, names: ['.', '..', ...names] });
        } catch (e) {
          use.handles--;
          throw e;
        }
      }),
    );
    sftp.on('READDIR', (reqid, h) =>
      run(reqid, async () => {
        const d = handleOf(h);
        if (d.kind !== 'dir') throw new Refusal(STATUS_CODE.FAILURE, 'Not a directory handle');
        const entries: FileEntry[] = [];
        while (d.names.length && entries.length < DIR_BATCH) {
          const name = d.names.shift()!;
          // `..` of the root is shown as the root itself: nothing about the parent leaks.
          const full = name === '..' && d.dir === realRoot ? realRoot : path.join(d.dir, name);
          const st = await fsp.lstat(full).catch(() => null); // gone since OPENDIR: skip it
          if (st) entries.push({ filename: name, longname: longname(name, st, owner), attrs: toAttrs(st) });
        }
        if (entries.length) sftp.name(reqid, entries);
        else sftp.status(reqid, STATUS_CODE.EOF);
      }),
    );
    sftp.on('CLOSE', (reqid, h) =>
      run(reqid, async () => {
        const found = handleOf(h);
        handles.delete(h.readUInt32BE());
        use.handles--;
        if (found.kind === 'file') await closeFile(found);
        ok(reqid);
      }),
    );

    sftp.on('REMOVE', (reqid, p) =>
      run(reqid, async () => {
        const target = await localEntry(p);
        await fsp.unlink(target);
        quota.remove(target);
        ok(reqid);
      }),
    );
    sftp.on('RENAME', (reqid, from, to) =>
      run(reqid, async () => {
        await rename(from, to);
        ok(reqid);
      }),
    );
    sftp.on('MKDIR', (reqid, p, attrs) =>
      run(reqid, async () => {
        const target = await localEntry(p);
        const existed = quota.has(target);
        if (!(await quota.reserveEntry(target))) throw overEntries();
        try {
          await fsp.mkdir(target, typeof attrs?.mode === 'number' ? allowedMode(attrs.mode) : 0o755);
        } catch (e) {
          if (!existed) quota.unreserveEntry(target);
          throw e;
        } finally {
          quota.settle();
        }
        ok(reqid);
      }),
    );
    sftp.on('RMDIR', (reqid, p) =>
      run(reqid, async () => {
        const target = await localEntry(p);
        await fsp.rmdir(target);
        quota.remove(target);
        ok(reqid);
      }),
    );
    // ssh2's server does not advertise extensions in its VERSION reply, so clients rarely send this;
    // answered anyway for a client that tries it blind.
    sftp.on('EXTENDED', (reqid, name, data) =>
      run(reqid, async () => {
        if (name !== 'posix-rename@openssh.com' || !data) throw new Refusal(STATUS_CODE.OP_UNSUPPORTED, 'Unsupported');
        const fromLen = data.readUInt32BE(0);
        const from = data.toString('utf8', 4, 4 + fromLen);
        const toLen = data.readUInt32BE(4 + fromLen);
        const to = data.toString('utf8', 8 + fromLen, 8 + fromLen + toLen);
        await rename(from, to);
        ok(reqid);
      }),
    );

    const release = () => {
      released = true;
      for (const h of handles.values()) if (h.kind === 'file') closeFile(h).catch(() => undefined);
      use.handles -= handles.size;
      handles.clear();
    };
    sftp.on('close', release);
    // The client is done sending (OpenSSH `sftp` at the end of a batch): close the channel, or it
    // waits for us forever.
    sftp.on('end', () => {
      release();
      sftp.end();
    });
  }

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port, opts.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  tcp.on('error', () => undefined); // after listening, a failed accept concerns one client only
  const port = (tcp.address() as net.AddressInfo).port;

  return {
    host: opts.host,
    port,
    root: opts.root,
    close: () =>
      new Promise<void>((resolve) => {
        tcp.close(() => resolve());
        for (const c of connections) c.end();
        // A peer that ignores the disconnect (or never said hello) must not keep close() waiting.
        for (const sock of sockets) setTimeout(() => sock.destroy(), 1000).unref();
      }),
  };
}
