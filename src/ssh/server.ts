// The SSH door to one node: password and keyboard-interactive auth, pty and window-change,
// an interactive shell running a CLI session. Like CUCM, it offers no exec and no subsystems.
// Connections are admitted, timed and stopped as sshd does it (see admission.ts); password guessing is
// slowed per source and its failures are logged in aggregate.
import net from 'node:net';
import { Server, type Connection } from 'ssh2';
import { acceptPasswords, MAX_AUTH_TRIES } from './auth';
import { Admission, DEFAULT_ADMISSION, type AdmissionLimits } from './admission';
import { SourceBackoff } from './backoff';
import { FailedLogins } from './failed-logins';
import type { App } from '../app';
import type { Privilege } from '../cli/command';
import { OutputFlow } from '../cli/output-flow';
import { kexInitInAnswer } from './kexinit-order';

/** Everything that bounds what unauthenticated peers can cost; tests shorten the times. */
export interface SshLimits extends AdmissionLimits {
  /** failed passwords before a connection is dropped (sshd's MaxAuthTries) */
  maxAuthTries: number;
  /** the longest a source's backoff makes an attempt wait */
  maxAuthDelayMs: number;
  /** a source's failures are forgotten after this long without one */
  backoffForgetMs: number;
  /** failed logins from one source in this window become at most two events */
  failureWindowMs: number;
}

export const DEFAULT_SSH_LIMITS: SshLimits = {
  ...DEFAULT_ADMISSION,
  maxAuthTries: MAX_AUTH_TRIES,
  maxAuthDelayMs: 30_000,
  backoffForgetMs: 10 * 60_000,
  failureWindowMs: 60_000,
};

export interface SshServerOptions {
  app: App;
  node: string;
  hostKey: Buffer;
  host: string;
  port: number;
  /** delay before a source's first failed login is answered; it doubles per further failure */
  authFailDelayMs: number;
  limits?: Partial<SshLimits>;
  /** random numbers for the early drop (tests make it predictable) */
  random?: () => number;
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Connections one node's SSH server keeps at most. */
export const MAX_CONNECTIONS = DEFAULT_SSH_LIMITS.maxConnections;

/** Sources whose login failures are remembered for the backoff, and per event window. */
const MAX_SOURCES = 10_000;
const MAX_EVENT_SOURCES = 100;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function startSshServer(opts: SshServerOptions): Promise<RunningServer> {
  // A node's accounts and events are its cluster's.
  const cluster = opts.app.lab.clusterOf(opts.node);
  const { app, node } = opts;
  const limits: SshLimits = { ...DEFAULT_SSH_LIMITS, ...opts.limits };
  const admission = new Admission(limits, opts.random);
  const backoff = new SourceBackoff({ baseMs: opts.authFailDelayMs, maxMs: limits.maxAuthDelayMs, forgetMs: limits.backoffForgetMs, maxSources: MAX_SOURCES });
  const failures = new FailedLogins(
    (e) => cluster.record({ node, user: e.user, command: '' }, 'login-failed', e.change),
    { windowMs: limits.failureWindowMs, maxSources: MAX_EVENT_SOURCES, log: (line) => app.log(`ssh ${node}: ${line}`) },
  );
  // A login waiting out its delay does not keep the process alive.
  const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, Math.min(ms, MAX_TIMER_MS)).unref()) : Promise.resolve());
  /** live connections, each with a promise that settles when its socket has closed */
  const connections = new Map<Connection, Promise<void>>();
  const server = new Server({ hostKeys: [opts.hostKey], ident: 'OpenSSH_7.4' }, (client, info) => {
    connections.set(client, new Promise((done) => client.once('close', () => done())));
    const socket = admission.find(info.ip, info.port);
    const source = info.ip ?? 'unknown';
    let user = '';
    let privilege: Privilege = 0;

    /** The password check proper: while it runs the server owes the answer, so the peer is not idle. */
    const authenticate = async (name: string, password: string): Promise<number | null> => {
      admission.busy(socket, true);
      try {
        return await cluster.accounts.authenticate(name, password);
      } finally {
        admission.busy(socket, false);
      }
    };
    const check = async (name: string, password: string): Promise<boolean> => {
      // A source that has been failing waits its turn first, whichever of its connections asks.
      await sleep(backoff.waitMs(source));
      const level = await authenticate(name, password);
      if (level === null) {
        failures.failed(source, name);
        await sleep(backoff.failed(source));
        return false;
      }
      user = name;
      privilege = level as Privilege;
      return true;
    };

    acceptPasswords(client, check, limits.maxAuthTries);

    client.on('ready', () => {
      admission.authenticated(socket);
      cluster.record({ node, user, command: '' }, 'login', { from: info.ip });
      client.on('session', (acceptSession) => {
        const channel = acceptSession();
        const size = { cols: 80, rows: 24 };
        let started = false;
        let cliSession: { resized(): void } | null = null;
        let pty = false;
        let termType: string | null = null;
        channel.on('pty', (accept, _reject, p) => {
          pty = true;
          termType = typeof p.term === 'string' ? p.term.slice(0, 64) : null;
          size.cols = p.cols || 80;
          size.rows = p.rows || 24;
          accept?.();
        });
        channel.on('window-change', (accept, _reject, p) => {
          size.cols = p.cols || size.cols;
          size.rows = p.rows || size.rows;
          accept?.();
          cliSession?.resized();
        });
        channel.on('env', (accept) => accept?.());
        channel.on('exec', (_accept, reject) => reject?.());
        channel.on('subsystem', (_accept, reject) => reject?.());
        channel.on('shell', (accept) => {
          if (started) return;
          started = true;
          const stream = accept();
          const flow = new OutputFlow(stream, {
            changed: () => cli.resume(),
            overflow: () => {
              app.log(`ssh ${node}: dropped a session of ${user} from ${info.ip}: its client does not read its output`);
              cli.close(0);
              (client as unknown as { _sock?: net.Socket })._sock?.destroy();
            },
          });
          // What the client is sent is recorded as it is sent (asciicast v2, see recording.ts).
          const rec = app.recorder.open({ user, node, from: info.ip, cols: size.cols, rows: size.rows, term: termType ?? undefined });
          stream.once('close', () => rec?.close());
          const cli = app.openSession(
            {
              write: (s) => {
                rec?.output(s);
                flow.write(s);
              },
              get congested() {
                return flow.congested;
              },
              pauseInput: (paused) => (paused ? stream.pause() : stream.resume()),
              close: (code) => {
                stream.exit(code);
                stream.end();
              },
              get cols() {
                return size.cols;
              },
              get rows() {
                return size.rows;
              },
              get term() {
                return termType;
              },
            },
            user,
            privilege,
            node,
          );
          // Without a terminal (ssh -T, a piped script) nobody answers the pager.
          if (!pty) cli.pagination = false;
          cliSession = cli;
          stream.on('data', (d: Buffer) => cli.input(d));
          // EOF from the client: what it sent still runs, then the session ends with status 0.
          stream.on('end', () => cli.endInput());
          stream.on('close', () => cli.close(0));
          cli.start();
        });
      });
    });
    client.on('error', () => {
      /* a client that vanishes mid-handshake is not the server's problem */
    });
    client.on('close', () => {
      connections.delete(client);
      if (user) cluster.record({ node, user, command: '' }, 'logout', { from: info.ip });
    });
  });

  // Our own listener hands sockets to ssh2, so that admission sees them from the first byte.
  const listener = net.createServer((sock) => {
    if (!admission.admit(sock)) return;
    // Without TCP_NODELAY each keystroke echo waits on a delayed ACK (tens of ms).
    sock.setNoDelay(true);
    kexInitInAnswer(sock);
    server.injectSocket(sock);
  });

  return new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(opts.port, opts.host, () => {
      listener.off('error', reject);
      listener.on('error', (e) => app.log(`ssh ${node}: ${e.message}`)); // e.g. EMFILE on accept
      const addr = listener.address() as net.AddressInfo;
      resolve({
        host: opts.host,
        port: addr.port,
        // Resolves once every connection has closed, so nothing writes to the store after it. Peers that
        // do not close are cut after a short grace.
        close: async () => {
          const closing = new Promise<void>((done) => listener.close(() => done()));
          for (const c of connections.keys()) c.end();
          await Promise.all([closing, admission.close(), ...connections.values()]);
          failures.close();
        },
      });
    });
  });
}
