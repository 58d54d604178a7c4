// The Cisco Tftp file service over TFTP: RFC 1350 read requests with the option negotiation of
// RFC 2347 (blksize, tsize, timeout of RFC 2348/2349). Read-only, plain file names only, each
// transfer from its own UDP socket (its TID). It knows nothing of the cluster: which files exist and
// whether the service runs come from a FileSource.
import dgram from 'node:dgram';
import net from 'node:net';
import { TransferSlots, type Slot } from './tftp-slots';

export interface FileSource {
  /** the bytes of a served file, null when it does not exist; only plain names like ITLFile.tlv or SEP001122334455.cnf.xml.sgn are ever asked for */
  read(name: string): Buffer | null;
  /** false while Cisco Tftp is stopped: nothing is served (TFTP answers error 0 "Service not available", HTTP answers 503) */
  serving(): boolean;
}

export interface TftpServerOptions {
  host: string;
  /** 0 = a free port */
  port: number;
  files: FileSource;
  /** largest file served (after netascii conversion); default 4 MiB */
  maxTransferBytes?: number;
  /** concurrent transfers; when all are taken by clients that answered, one more is refused with error 0 "Server busy"; default 200 */
  maxSessions?: number;
  /** transfers one client address may hold once half of maxSessions are in use; default 8 */
  maxPerClient?: number;
  /** wait for an ACK before sending the last DATA/OACK again, unless the client negotiated `timeout`; default 1000 */
  retransmitMs?: number;
  /** retransmissions of one packet before the transfer is abandoned; default 5 */
  maxRetries?: number;
  /** however the client paces it, a transfer ends (error 0 "Transfer timed out") this long after it began; default 120000 */
  maxTransferMs?: number;
  log?: (m: string) => void;
}

export interface RunningTftpServer {
  host: string;
  port: number;
  /** stops listening and abandons transfers in progress */
  close(): Promise<void>;
}

export const OP = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;
export const TFTP_ERROR = { NOT_DEFINED: 0, NOT_FOUND: 1, ACCESS: 2, ILLEGAL: 4, UNKNOWN_TID: 5 } as const;

export const MIN_BLKSIZE = 8;
export const MAX_BLKSIZE = 65464; // RFC 2348: the largest block that fits a UDP datagram with its headers
const DEFAULT_BLKSIZE = 512;
/** The largest `timeout` option acknowledged (RFC 2349 allows 255): a longer one is left out of the
 *  OACK and the server's own interval applies, so a silent client cannot pin a slot for minutes. */
export const MAX_TIMEOUT_S = 10;
const DEFAULT_MAX_TRANSFER_MS = 120_000;

/** A name we serve: one plain file name. Anything that could name a path (separators, `..`, a drive
 *  letter) or carry control characters is refused, for TFTP and HTTP alike. */
export function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !/[/\\\x00-\x1f\x7f]/.test(name) &&
    !name.includes('..') &&
    !/^[A-Za-z]:/.test(name)
  );
}

export interface ReadRequest {
  name: string;
  mode: 'octet' | 'netascii';
  /** option names lower-cased, in the client's order, first occurrence only */
  options: [string, string][];
}

/** Parses an RRQ/WRQ body (after the opcode): name NUL mode NUL [option NUL value NUL]*.
 *  null when malformed (unterminated strings, no mode, an unknown mode). */
export function parseRequest(msg: Buffer): ReadRequest | null {
  if (msg.length < 4 || msg[msg.length - 1] !== 0) return null;
  // latin1 keeps every byte as one character, so validation sees exactly what was sent.
  const fields = msg.toString('latin1', 2, msg.length - 1).split('\0');
  if (fields.length < 2) return null;
  const mode = fields[1].toLowerCase();
  if (mode !== 'octet' && mode !== 'netascii') return null;
  const options: [string, string][] = [];
  // A trailing option without a value is dropped rather than failing the whole request.
  for (let i = 2; i + 1 < fields.length; i += 2) {
    const key = fields[i].toLowerCase();
    if (key && !options.some(([k]) => k === key)) options.push([key, fields[i + 1]]);
  }
  return { name: fields[0], mode, options };
}

export interface Negotiated {
  blksize: number;
  /** from the `timeout` option; undefined = the server's own retransmit interval */
  timeoutMs?: number;
  /** what goes into the OACK; empty = no OACK, DATA 1 is sent directly (RFC 2347) */
  acknowledged: [string, string][];
}

/** The options we accept, with the values we answer. Unknown or out-of-range ones are left out of the
 *  OACK, which RFC 2347 lets a server do; an oversized blksize is lowered (RFC 2348). */
export function negotiate(options: [string, string][], size: number): Negotiated {
  const result: Negotiated = { blksize: DEFAULT_BLKSIZE, acknowledged: [] };
  for (const [key, value] of options) {
    if (!/^\d{1,10}$/.test(value)) continue;
    const n = Number(value);
    if (key === 'blksize' && n >= MIN_BLKSIZE) {
      result.blksize = Math.min(n, MAX_BLKSIZE);
      result.acknowledged.push([key, String(result.blksize)]);
    } else if (key === 'tsize' && size > 0) {
      // An empty file's tsize is left out: curl (7.88 at least) rejects "tsize 0" in an OACK as illegal.
      result.acknowledged.push([key, String(size)]);
    } else if (key === 'timeout' && n >= 1 && n <= MAX_TIMEOUT_S) {
      result.timeoutMs = n * 1000;
      result.acknowledged.push([key, String(n)]);
    }
  }
  return result;
}

/** Netascii per RFC 764, as tftp-hpa's server does: LF becomes CR LF and a bare CR becomes CR NUL, so
 *  a client's reverse mapping gives back the file exactly. */
export function toNetascii(data: Buffer): Buffer {
  let extra = 0;
  for (const b of data) if (b === 0x0a || b === 0x0d) extra++;
  if (!extra) return data;
  const out = Buffer.alloc(data.length + extra);
  let j = 0;
  for (const b of data) {
    if (b === 0x0a) {
      out[j++] = 0x0d;
      out[j++] = 0x0a;
    } else if (b === 0x0d) {
      out[j++] = 0x0d;
      out[j++] = 0x00;
    } else out[j++] = b;
  }
  return out;
}

export function errorPacket(code: number, message: string): Buffer {
  const text = Buffer.from(message, 'latin1');
  const buf = Buffer.alloc(5 + text.length);
  buf.writeUInt16BE(OP.ERROR, 0);
  buf.writeUInt16BE(code, 2);
  text.copy(buf, 4);
  return buf;
}

function oackPacket(options: [string, string][]): Buffer {
  const body = options.flatMap(([k, v]) => [k, v]).join('\0') + '\0';
  return Buffer.concat([Buffer.from([0, OP.OACK]), Buffer.from(body, 'latin1')]);
}

/** DATA for the transfer's n-th block (1-based, unbounded); the wire block number wraps past 65535 to
 *  0, as curl, tftp-hpa and atftp expect. */
export function dataPacket(data: Buffer, n: number, blksize: number): Buffer {
  const start = (n - 1) * blksize;
  const chunk = data.subarray(Math.min(start, data.length), Math.min(start + blksize, data.length));
  const buf = Buffer.alloc(4 + chunk.length);
  buf.writeUInt16BE(OP.DATA, 0);
  buf.writeUInt16BE(n & 0xffff, 2);
  chunk.copy(buf, 4);
  return buf;
}

interface Peer {
  address: string;
  port: number;
}

/** A source we can answer: dgram.send throws (not reports) for port 0, which a forged packet can carry. */
export function isAnswerable(peer: Peer): boolean {
  return Number.isInteger(peer.port) && peer.port >= 1 && peer.port <= 65535 && net.isIP(peer.address) !== 0;
}

/** Sends one datagram; a failure (a bad peer, a closed socket) is logged, never thrown, since a lost
 *  datagram is what TFTP retries are for. `done` runs once the datagram has left or failed. */
function sendSafely(sock: dgram.Socket, buf: Buffer, to: Peer, log: (m: string) => void, done?: () => void): void {
  try {
    sock.send(buf, to.port, to.address, (err) => {
      if (err) log(`tftp: sending to ${to.address}:${to.port}: ${err.message}`);
      done?.();
    });
  } catch (err) {
    log(`tftp: sending to ${to.address}:${to.port}: ${(err as Error).message}`);
    done?.();
  }
}

interface TransferSettings {
  host: string;
  type: dgram.SocketType;
  peer: Peer;
  data: Buffer;
  negotiated: Negotiated;
  retransmitMs: number;
  maxRetries: number;
  maxTransferMs: number;
  log: (m: string) => void;
  onEnd: (t: Transfer) => void;
}

interface Transfer extends Slot {
  confirmed: boolean;
  /** ends the transfer without a word to the client (server closing) */
  abort(): void;
}

/** One read transfer on its own socket: send, wait for the matching ACK, resend on silence. */
function startTransfer(t: TransferSettings): Transfer {
  const sock = dgram.createSocket(t.type);
  const { blksize, acknowledged } = t.negotiated;
  const interval = t.negotiated.timeoutMs ?? t.retransmitMs;
  // Always a final short block, 0 bytes long when the size is a multiple of blksize: it marks the end.
  const lastBlock = Math.floor(t.data.length / blksize) + 1;
  let sent = acknowledged.length ? 0 : 1; // block last sent; 0 = the OACK
  let packet = acknowledged.length ? oackPacket(acknowledged) : dataPacket(t.data, 1, blksize);
  let retries = 0;
  let timer: NodeJS.Timeout | undefined;
  let lifetime: NodeJS.Timeout | undefined;
  let ended = false;
  const transfer: Transfer = {
    address: t.peer.address,
    confirmed: false,
    abort: () => end(),
    // Not logged: under a flood of forged requests this happens for nearly every packet.
    evict: () => end(),
  };

  const close = () => {
    try {
      sock.close();
    } catch {
      /* not bound yet or already closed */
    }
  };
  /** Frees the slot at once; with `last`, the socket closes once that packet has left (closing
   *  earlier would cancel it). */
  const end = (last?: Buffer) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    clearTimeout(lifetime);
    if (last) sendSafely(sock, last, t.peer, t.log, close);
    else close();
    t.onEnd(transfer);
  };
  const sendTo = (buf: Buffer, to: Peer) => {
    if (!ended) sendSafely(sock, buf, to, t.log);
  };
  const transmit = () => {
    if (ended) return; // aborted while the socket was still binding
    sendTo(packet, t.peer);
    clearTimeout(timer);
    timer = setTimeout(onSilence, interval);
  };
  const onSilence = () => {
    if (retries >= t.maxRetries) {
      t.log(`tftp: ${t.peer.address}:${t.peer.port} gave up at block ${sent}`);
      return end();
    }
    retries++;
    transmit();
  };
  const fail = (code: number, message: string) => end(errorPacket(code, message));
  // The whole transfer's bound, on its own timer: it holds whatever the retransmit interval and however
  // slowly (or never) the client ACKs.
  lifetime = setTimeout(() => {
    t.log(`tftp: ${t.peer.address}:${t.peer.port} ran out of time at block ${sent}`);
    // A client that never answered may be a forged address: it is not sent anything more.
    if (transfer.confirmed) fail(TFTP_ERROR.NOT_DEFINED, 'Transfer timed out');
    else end();
  }, t.maxTransferMs);

  sock.on('message', (msg, rinfo) => {
    if (rinfo.address !== t.peer.address || rinfo.port !== t.peer.port) {
      // RFC 1350: a stray packet gets an error, and the transfer it hit goes on.
      if (isAnswerable(rinfo)) sendTo(errorPacket(TFTP_ERROR.UNKNOWN_TID, 'Unknown transfer ID'), rinfo);
      return;
    }
    const op = msg.length >= 2 ? msg.readUInt16BE(0) : -1;
    if (op === OP.ERROR) return end(); // the client gave up (or refused the OACK)
    if (op !== OP.ACK || msg.length < 4) return fail(TFTP_ERROR.ILLEGAL, 'Illegal TFTP operation');
    // Only the ACK for what we just sent moves on; a duplicate of an older one is ignored rather than
    // answered, which avoids the Sorcerer's Apprentice duplication (RFC 1123 4.2.3.1).
    if (msg.readUInt16BE(2) !== (sent & 0xffff)) return;
    transfer.confirmed = true;
    if (sent === lastBlock) return end();
    sent++;
    retries = 0;
    packet = dataPacket(t.data, sent, blksize);
    transmit();
  });
  sock.on('error', (err) => {
    t.log(`tftp: transfer socket for ${t.peer.address}:${t.peer.port}: ${err.message}`);
    end();
  });
  sock.bind(0, t.host, () => transmit());
  return transfer;
}

export async function startTftpServer(opts: TftpServerOptions): Promise<RunningTftpServer> {
  const maxTransferBytes = opts.maxTransferBytes ?? 4 * 1024 * 1024;
  const retransmitMs = opts.retransmitMs ?? 1000;
  const maxRetries = opts.maxRetries ?? 5;
  // setTimeout fires at once for more than 2^31-1 ms: clamp.
  const maxTransferMs = Math.min(opts.maxTransferMs ?? DEFAULT_MAX_TRANSFER_MS, 2 ** 31 - 1);
  const log = opts.log ?? (() => undefined);
  const type: dgram.SocketType = net.isIPv6(opts.host) ? 'udp6' : 'udp4';
  const sock = dgram.createSocket(type);
  const transfers = new TransferSlots<Transfer>(opts.maxSessions ?? 200, opts.maxPerClient ?? 8);

  // Refusals go out from the listening socket: nothing is allocated for a request we will not serve.
  const refuse = (to: dgram.RemoteInfo, code: number, message: string) => sendSafely(sock, errorPacket(code, message), to, log);

  let lastIgnoredLog = 0;
  function onRequest(msg: Buffer, from: dgram.RemoteInfo): void {
    if (!isAnswerable(from)) {
      // Port 0 cannot be a real client (and cannot be sent to): only a forged packet carries it.
      // Logged once a second at most, so a flood of them cannot fill the log.
      if (Date.now() - lastIgnoredLog >= 1000) {
        lastIgnoredLog = Date.now();
        log(`tftp: ignored a packet from ${from.address}:${from.port}`);
      }
      return;
    }
    const op = msg.length >= 2 ? msg.readUInt16BE(0) : -1;
    if (op === OP.ERROR) return; // never answer an error with an error
    if (op !== OP.RRQ && op !== OP.WRQ) return refuse(from, TFTP_ERROR.ILLEGAL, 'Illegal TFTP operation');
    if (!opts.files.serving()) return refuse(from, TFTP_ERROR.NOT_DEFINED, 'Service not available');
    if (op === OP.WRQ) return refuse(from, TFTP_ERROR.ACCESS, 'Access violation');
    const req = parseRequest(msg);
    if (!req) return refuse(from, TFTP_ERROR.ILLEGAL, 'Illegal TFTP operation');
    if (!isPlainFileName(req.name)) {
      log(`tftp: ${from.address}:${from.port} refused name ${JSON.stringify(req.name)}`);
      return refuse(from, TFTP_ERROR.ACCESS, 'Access violation');
    }
    let file: Buffer | null;
    try {
      file = opts.files.read(req.name);
    } catch (err) {
      log(`tftp: reading ${req.name}: ${(err as Error).message}`);
      return refuse(from, TFTP_ERROR.NOT_DEFINED, 'Service not available');
    }
    if (!file) return refuse(from, TFTP_ERROR.NOT_FOUND, 'File not found');
    const data = req.mode === 'netascii' ? toNetascii(file) : file;
    if (data.length > maxTransferBytes) return refuse(from, TFTP_ERROR.NOT_DEFINED, 'File too large');
    // Checked last, so a request we would refuse anyway never displaces a transfer.
    if (!transfers.makeRoom(from.address)) return refuse(from, TFTP_ERROR.NOT_DEFINED, 'Server busy');
    const transfer = startTransfer({
      host: opts.host,
      type,
      peer: { address: from.address, port: from.port },
      data,
      negotiated: negotiate(req.options, data.length),
      retransmitMs,
      maxRetries,
      maxTransferMs,
      log,
      onEnd: (ended) => transfers.delete(ended),
    });
    transfers.add(transfer);
  }

  sock.on('message', (msg, from) => {
    try {
      onRequest(msg, from);
    } catch (err) {
      log(`tftp: request from ${from.address}:${from.port}: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(opts.port, opts.host, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  // After binding, a send failure (ICMP unreachable surfacing as ECONNREFUSED, say) must not kill the service.
  sock.on('error', (err) => log(`tftp: ${err.message}`));

  return {
    host: opts.host,
    port: sock.address().port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of transfers.all()) t.abort();
        sock.close(() => resolve());
      }),
  };
}
