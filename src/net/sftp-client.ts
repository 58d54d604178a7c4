// The SFTP client CLI commands use to put files on, and get files from, a remote server (the lab
// server or an admin's own). Every failure becomes an SftpError whose kind the caller can branch on
// and whose message is a sentence the CLI can print as is.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { Client, type SFTPWrapper, type Stats, type FileEntry } from 'ssh2';

export type SftpFailure = 'unreachable' | 'auth' | 'no-such-directory' | 'no-such-file' | 'too-large' | 'timeout' | 'other';

export class SftpError extends Error {
  constructor(
    readonly kind: SftpFailure,
    message: string,
  ) {
    super(message);
    this.name = 'SftpError';
  }
}

export interface SftpTarget {
  host: string;
  port: number;
  username: string;
  password: string;
  /** limit for the whole operation, connect included; default 15000 */
  timeoutMs?: number;
}

const EOF = 1;
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
const CHUNK = 32 * 1024;
const CLEANUP_GRACE_MS = 1000;

interface Session {
  sftp: SFTPWrapper;
  /** what to undo if the operation is cut short by the timeout */
  cleanup?: () => Promise<void>;
}

function statusCode(err: unknown): unknown {
  return (err as { code?: unknown } | null)?.code;
}

/** The connection-level failure as an SftpError (refused, unknown host, bad password, handshake timeout). */
function connectFailure(err: unknown, t: SftpTarget): SftpError {
  const e = err as Error & { code?: string; level?: string };
  const could = (why: string) => new SftpError('unreachable', `could not connect to ${t.host} port ${t.port} (${why})`);
  if (e.level === 'client-authentication') return new SftpError('auth', `authentication failed for user ${t.username} at ${t.host}`);
  if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT') return new SftpError('timeout', `timed out connecting to ${t.host} port ${t.port}`);
  switch (e.code) {
    case 'ECONNREFUSED':
      return could('connection refused');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return could('no route to host');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return could('host name not found');
    case 'ECONNRESET':
      return new SftpError('other', `the connection to ${t.host} port ${t.port} was reset`);
    default:
      return new SftpError('other', `SSH connection to ${t.host} port ${t.port} failed (${e.message})`);
  }
}

/** A failed SFTP request as an SftpError: `what` names the action ("writing /x/y"). */
function requestFailure(err: unknown, what: string, host: string): SftpError {
  if (err instanceof SftpError) return err;
  const msg = (err as Error)?.message ?? String(err);
  if (statusCode(err) === PERMISSION_DENIED) return new SftpError('other', `permission denied ${what} on ${host}`);
  return new SftpError('other', `${what} on ${host} failed (${msg})`);
}

/** Connects, opens the SFTP subsystem, runs `work`, and always disconnects; the whole thing is
 *  bounded by the target's timeout. */
function withSftp<T>(t: SftpTarget, work: (s: Session) => Promise<T>): Promise<T> {
  const timeoutMs = t.timeoutMs ?? 15000;
  return new Promise<T>((resolve, reject) => {
    const conn = new Client();
    let session: Session | undefined;
    let settled = false;
    const finish = (err: unknown, value?: T) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      conn.end();
      if (err) reject(err instanceof SftpError ? err : requestFailure(err, 'the transfer', t.host));
      else resolve(value as T);
    };
    const timer = setTimeout(() => {
      const fail = () => {
        finish(new SftpError('timeout', `the transfer with ${t.host} timed out after ${Math.round(timeoutMs / 100) / 10} seconds`));
        conn.destroy();
      };
      const cleanup = session?.cleanup;
      if (!cleanup) return fail();
      // Give a cut-short upload one short chance to remove its partial file.
      const grace = new Promise((r) => setTimeout(r, CLEANUP_GRACE_MS).unref());
      Promise.race([cleanup(), grace]).then(fail, fail);
    }, timeoutMs);

    conn.on('keyboard-interactive', (_name, _instructions, _lang, prompts, answer) => answer(prompts.map(() => t.password)));
    conn.on('error', (err) => finish(connectFailure(err, t)));
    conn.on('close', () => finish(new SftpError('other', `the connection to ${t.host} port ${t.port} closed unexpectedly`)));
    conn.on('ready', () => {
      conn.sftp((err, sftp) => {
        if (err) return finish(new SftpError('other', `${t.host} refused the SFTP subsystem (${err.message})`));
        session = { sftp };
        work(session).then(
          (v) => finish(undefined, v),
          (e) => finish(e),
        );
      });
    });
    conn.connect({
      host: t.host,
      port: t.port,
      username: t.username,
      password: t.password,
      tryKeyboard: true,
      readyTimeout: timeoutMs,
      // Lab use: the servers are throwaway and their keys unknown in advance, so any host key is accepted.
      hostVerifier: () => true,
    });
  });
}

const stat = (sftp: SFTPWrapper, p: string) =>
  new Promise<Stats>((res, rej) => sftp.stat(p, (e, st) => (e ? rej(e) : res(st))));
const open = (sftp: SFTPWrapper, p: string, flags: 'r' | 'wx') =>
  new Promise<Buffer>((res, rej) => sftp.open(p, flags, (e, h) => (e ? rej(e) : res(h))));
const close = (sftp: SFTPWrapper, h: Buffer) => new Promise<void>((res, rej) => sftp.close(h, (e) => (e ? rej(e) : res())));
const unlink = (sftp: SFTPWrapper, p: string) => new Promise<void>((res, rej) => sftp.unlink(p, (e) => (e ? rej(e) : res())));
const rename = (sftp: SFTPWrapper, from: string, to: string) =>
  new Promise<void>((res, rej) => sftp.rename(from, to, (e) => (e ? rej(e) : res())));

/** Moves `from` onto `to`, replacing `to`. OpenSSH servers offer posix-rename, which replaces
 *  atomically; plain SFTP rename may refuse an existing target, so that case removes it first. */
async function replace(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
  let done!: (e?: Error | null) => void;
  const posixRename = new Promise<void>((res, rej) => (done = (e) => (e ? rej(e) : res())));
  let offered = true;
  try {
    sftp.ext_openssh_rename(from, to, (e) => done(e));
  } catch {
    offered = false; // ssh2 throws before sending anything when the server does not offer the extension
  }
  if (offered) return posixRename;
  try {
    await rename(sftp, from, to);
  } catch (e) {
    const exists = await stat(sftp, to).then(
      () => true,
      () => false,
    );
    if (!exists) throw e;
    await unlink(sftp, to);
    await rename(sftp, from, to);
  }
}

/** Writes `content` to a new file that must not exist yet. */
async function writeNew(sftp: SFTPWrapper, p: string, content: Buffer): Promise<void> {
  const handle = await open(sftp, p, 'wx');
  try {
    // ssh2 splits a long write into as many requests as the server's packet size needs.
    if (content.length)
      await new Promise<void>((res, rej) => sftp.write(handle, content, 0, content.length, 0, (e) => (e ? rej(e) : res())));
  } finally {
    await close(sftp, handle).catch(() => undefined);
  }
}

async function requireDirectory(sftp: SFTPWrapper, dir: string, host: string): Promise<void> {
  let st: Stats;
  try {
    st = await stat(sftp, dir);
  } catch (e) {
    if (statusCode(e) === NO_SUCH_FILE) throw new SftpError('no-such-directory', `directory ${dir} does not exist on ${host}`);
    throw requestFailure(e, `checking directory ${dir}`, host);
  }
  if (!st.isDirectory()) throw new SftpError('no-such-directory', `${dir} on ${host} is not a directory`);
}

/** Uploads atomically: writes `<dir>/.<name>.part-<random>` then renames it to `<dir>/<name>`
 *  (replacing an existing file); on any failure removes the partial file, so nothing half-written stays. */
export async function sftpUpload(target: SftpTarget, directory: string, fileName: string, content: Buffer): Promise<void> {
  if (!fileName || fileName.includes('/') || fileName === '.' || fileName === '..')
    throw new SftpError('other', `"${fileName}" is not a valid file name`);
  const dir = directory || '.';
  const finalPath = posix.join(dir, fileName);
  const partPath = posix.join(dir, `.${fileName}.part-${randomBytes(6).toString('hex')}`);
  await withSftp(target, async (session) => {
    const { sftp } = session;
    await requireDirectory(sftp, dir, target.host);
    session.cleanup = () => unlink(sftp, partPath).catch(() => undefined);
    try {
      await writeNew(sftp, partPath, content).catch((e) => {
        throw requestFailure(e, `writing ${finalPath}`, target.host);
      });
      await replace(sftp, partPath, finalPath).catch((e) => {
        throw requestFailure(e, `renaming the uploaded file to ${finalPath}`, target.host);
      });
    } catch (e) {
      await session.cleanup();
      throw e;
    } finally {
      session.cleanup = undefined;
    }
  });
}

/** Reads a remote file whole; refused with 'too-large' beyond `maxBytes`. */
export async function sftpDownload(target: SftpTarget, remotePath: string, maxBytes = 1024 * 1024): Promise<Buffer> {
  const host = target.host;
  const tooLarge = () => new SftpError('too-large', `file ${remotePath} on ${host} is larger than the ${maxBytes}-byte limit`);
  return withSftp(target, async ({ sftp }) => {
    let st: Stats;
    try {
      st = await stat(sftp, remotePath);
    } catch (e) {
      if (statusCode(e) === NO_SUCH_FILE) throw new SftpError('no-such-file', `file ${remotePath} does not exist on ${host}`);
      throw requestFailure(e, `reading ${remotePath}`, host);
    }
    if (st.isDirectory()) throw new SftpError('no-such-file', `${remotePath} on ${host} is a directory, not a file`);
    if (st.size > maxBytes) throw tooLarge();

    const handle = await open(sftp, remotePath, 'r').catch((e) => {
      throw statusCode(e) === NO_SUCH_FILE
        ? new SftpError('no-such-file', `file ${remotePath} does not exist on ${host}`)
        : requestFailure(e, `reading ${remotePath}`, host);
    });
    try {
      // Read until EOF rather than trusting the size from STAT: the file may have changed since.
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const buf = Buffer.alloc(CHUNK);
        const n = await new Promise<number>((res, rej) =>
          sftp.read(handle, buf, 0, CHUNK, total, (e, bytesRead) => (e ? rej(e) : res(bytesRead))),
        ).catch((e) => {
          throw requestFailure(e, `reading ${remotePath}`, host);
        });
        if (n === 0) break;
        total += n;
        if (total > maxBytes) throw tooLarge();
        chunks.push(buf.subarray(0, n));
      }
      return Buffer.concat(chunks, total);
    } finally {
      await close(sftp, handle).catch(() => undefined);
    }
  });
}

/** The names of the plain files in a remote directory (at most `maxEntries`); 'no-such-directory' when absent. */
export async function sftpList(target: SftpTarget, directory: string, maxEntries = 1000): Promise<string[]> {
  const dir = directory || '.';
  return withSftp(target, async ({ sftp }) => {
    await requireDirectory(sftp, dir, target.host);
    const handle = await new Promise<Buffer>((res, rej) => sftp.opendir(dir, (e, h) => (e ? rej(e) : res(h)))).catch((e) => {
      throw requestFailure(e, `listing ${dir}`, target.host);
    });
    const names: string[] = [];
    try {
      for (;;) {
        const batch = await new Promise<FileEntry[] | false>((res, rej) =>
          sftp.readdir(handle, (e, list) => {
            if (e && statusCode(e) === EOF) return res(false);
            if (e) return rej(e);
            res(list ? (list as FileEntry[]) : false);
          }),
        ).catch((e) => {
          throw requestFailure(e, `listing ${dir}`, target.host);
        });
        if (!batch) break;
        for (const f of batch) if ((f.attrs.mode & 0o170000) === 0o100000 && names.length < maxEntries) names.push(f.filename);
        if (names.length >= maxEntries) break;
      }
    } finally {
      await close(sftp, handle).catch(() => undefined);
    }
    return names.sort();
  });
}
