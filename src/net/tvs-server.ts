// A node's Trust Verification Service on TCP 2445: TLS presenting the node's TVS certificate, then one
// request line and one answer line at a time (the protocol is in src/cluster/tvs.ts and
// docs/fidelity.md). It knows nothing of the cluster: the identity and the answers come from callbacks.
import tls from 'node:tls';
import type net from 'node:net';
import { presentCurrentIdentity, listenTracked, type TlsIdentity, type RunningHttpServer } from './config-http';

export interface TvsServerOptions {
  host: string;
  /** 0 = a free port */
  port: number;
  /** the TVS certificate in use now, asked per connection */
  identity(): TlsIdentity;
  /** false while the TVS cannot be reached (service stopped, node restarting, cluster offline) */
  serving(): boolean;
  /** the answer line to a request line; null when the TVS does not answer (stopped, node down) */
  answer(line: string): string | null;
  log?: (m: string) => void;
}

export type { RunningHttpServer as RunningTvsServer } from './config-http';

const MAX_CONNECTIONS = 256;
const MAX_LINE = 1024;
const MAX_REQUESTS_PER_CONNECTION = 100;
const IDLE_MS = 30_000;

export async function startTvsServer(opts: TvsServerOptions): Promise<RunningHttpServer> {
  const log = opts.log ?? (() => undefined);
  const contextOf = (id: TlsIdentity) => ({ key: id.keyPem, cert: id.certPem });
  const server = tls.createServer({ ...contextOf(opts.identity()), handshakeTimeout: 10_000 });
  presentCurrentIdentity(server, opts.identity, contextOf, (id) => id.certPem, (m) => log(`tvs: ${m}`));
  // An unreachable TVS is a closed door: the connection is dropped before TLS.
  server.prependListener('connection', (s: net.Socket) => {
    if (!opts.serving()) s.destroy();
  });
  server.on('secureConnection', (s) => {
    let buffered = '';
    let served = 0;
    s.setTimeout(IDLE_MS, () => s.destroy());
    s.on('error', () => s.destroy());
    s.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        if (nl > MAX_LINE) break;
        const line = buffered.slice(0, nl).replace(/\r$/, '');
        buffered = buffered.slice(nl + 1);
        let reply: string | null;
        try {
          reply = opts.answer(line);
        } catch (err) {
          log(`tvs: answering failed: ${(err as Error).stack ?? err}`);
          reply = 'ERROR internal error';
        }
        // A TVS that went away mid-connection drops it, as a stopped service would.
        if (reply === null || ++served > MAX_REQUESTS_PER_CONNECTION) return void s.destroy();
        s.write(`${reply}\n`);
      }
      // What is left holds no complete line of an acceptable length.
      if (buffered.length > MAX_LINE) {
        s.end('ERROR request line too long\n');
        buffered = '';
      }
    });
  });
  server.on('tlsClientError', () => undefined);
  return listenTracked(server, opts.host, opts.port, MAX_CONNECTIONS, (m) => log(`tvs: ${m}`));
}
