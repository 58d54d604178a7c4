// The Cisco Tftp file service over HTTP (TCP 6970) and HTTPS (6971 presenting CallManager, or
// CallManager-ECDSA to clients that can only verify ECDSA; 6972 presenting tomcat): GET and HEAD of
// one plain file name, the same files and name rules as TFTP. It knows nothing of the cluster: files
// and certificates come from callbacks.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';
import { isPlainFileName, type FileSource } from './tftp-server';

export interface TlsIdentity {
  certPem: string;
  keyPem: string;
}

export interface ConfigHttpOptions {
  host: string;
  /** 0 = a free port */
  port: number;
  files: FileSource;
  log?: (m: string) => void;
}

export interface ConfigHttpsOptions extends ConfigHttpOptions {
  /** called per TLS handshake, so a certificate change shows on the next connection: the RSA identity and, optionally, an ECDSA one chosen for clients that offer only ECDSA suites */
  identity(): { rsa: TlsIdentity; ec?: TlsIdentity };
}

export interface RunningHttpServer {
  host: string;
  port: number;
  /** stops listening and drops open connections, kept-alive ones included */
  close(): Promise<void>;
}

const MAX_CONNECTIONS = 256;
const REQUEST_TIMEOUT_MS = 30_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

// RSA schemes ahead of ECDSA, with server preference on: when a client accepts both, OpenSSL picks the
// RSA certificate (CallManager); the EC one (CallManager-ECDSA) only goes to a client whose cipher
// suites or signature algorithms leave nothing else.
const SIGALGS = [
  'rsa_pss_rsae_sha256',
  'rsa_pss_rsae_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha256',
  'rsa_pkcs1_sha384',
  'rsa_pkcs1_sha512',
  'ecdsa_secp256r1_sha256',
  'ecdsa_secp384r1_sha384',
  'ecdsa_secp521r1_sha512',
].join(':');

function fileHandler(files: FileSource, log: (m: string) => void): http.RequestListener {
  return (req, res) => {
    const answer = (status: number, headers: http.OutgoingHttpHeaders = {}) => {
      const body = `${status} ${http.STATUS_CODES[status] ?? ''}\n`;
      res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), ...headers });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { Allow: 'GET, HEAD' });
    if (!files.serving()) return answer(503);
    const target = (req.url ?? '').split('?')[0];
    let name: string;
    try {
      name = decodeURIComponent(target.slice(1));
    } catch {
      return answer(400);
    }
    // Decoded first, so %2F or %2E%2E is judged as the separator or `..` it stands for.
    if (!target.startsWith('/') || !isPlainFileName(name)) return answer(403);
    let file: Buffer | null;
    try {
      file = files.read(name);
    } catch (err) {
      log(`http: reading ${name}: ${(err as Error).message}`);
      return answer(500);
    }
    if (!file) return answer(404);
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': file.length });
    res.end(req.method === 'HEAD' ? undefined : file);
  };
}

async function listen(server: http.Server, opts: ConfigHttpOptions): Promise<RunningHttpServer> {
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = REQUEST_TIMEOUT_MS;
  return listenTracked(server, opts.host, opts.port, MAX_CONNECTIONS, (m) => opts.log?.(`http: ${m}`));
}

/** Listens, and tracks raw sockets so close() can drop kept-alive and mid-handshake connections too. */
export async function listenTracked(server: net.Server, host: string, port: number, maxConnections: number, log: (m: string) => void): Promise<RunningHttpServer> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log(err.message));
  return {
    host,
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

export function startConfigHttpServer(opts: ConfigHttpOptions): Promise<RunningHttpServer> {
  const log = opts.log ?? (() => undefined);
  return listen(http.createServer(fileHandler(opts.files, log)), opts);
}

export function startConfigHttpsServer(opts: ConfigHttpsOptions): Promise<RunningHttpServer> {
  const log = opts.log ?? (() => undefined);
  const contextOf = (id: { rsa: TlsIdentity; ec?: TlsIdentity }) => {
    // Both certificates in one context: OpenSSL chooses per handshake from what the client offers.
    const pairs = id.ec ? [id.rsa, id.ec] : [id.rsa];
    return { key: pairs.map((p) => p.keyPem), cert: pairs.map((p) => p.certPem), sigalgs: SIGALGS, honorCipherOrder: true };
  };
  const cacheKey = (id: { rsa: TlsIdentity; ec?: TlsIdentity }) => `${id.rsa.certPem}\0${id.ec?.certPem ?? ''}`;

  const server = https.createServer({ ...contextOf(opts.identity()), handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, fileHandler(opts.files, log));
  presentCurrentIdentity(server, opts.identity, contextOf, cacheKey, (m) => log(`https: ${m}`));
  return listen(server, opts);
}

/**
 * Makes a TLS server present, on each new connection, the identity of that moment. Runs before
 * tls.Server's own 'connection' listener, which wraps the socket with the server's current context.
 * Clients connecting by IP send no SNI, so SNICallback alone would not be asked. The context is rebuilt
 * only when a certificate changed; one that cannot be loaded leaves the previous one in service.
 */
export function presentCurrentIdentity<I>(
  server: tls.Server, identity: () => I, contextOf: (id: I) => tls.SecureContextOptions, key: (id: I) => string, log: (m: string) => void,
): void {
  let presented = key(identity());
  server.prependListener('connection', () => {
    try {
      const id = identity();
      const k = key(id);
      if (k === presented) return;
      server.setSecureContext(contextOf(id));
      presented = k;
    } catch (err) {
      log(`identity not usable, still presenting the previous one: ${(err as Error).message}`);
    }
  });
}
