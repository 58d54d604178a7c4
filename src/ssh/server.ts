// The SSH door to one node: password and keyboard-interactive auth, pty and window-change,
// an interactive shell running a CLI session. Like CUCM, it offers no exec and no subsystems.
import net from 'node:net';
import { Server, type Connection } from 'ssh2';
import { acceptPasswords } from './auth';
import type { App } from '../app';
import type { Privilege } from '../cli/command';
import { OutputFlow } from '../cli/output-flow';

export interface SshServerOptions {
  app: App;
  node: string;
  hostKey: Buffer;
  host: string;
  port: number;
  /** delay before a failed login is answered */
  authFailDelayMs: number;
}

export interface RunningServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

/** Connections one node's SSH server keeps at most. */
export const MAX_CONNECTIONS = 1000;

export function startSshServer(opts: SshServerOptions): Promise<RunningServer> {
  const { app, node } = opts;
  /** live connections, each with a promise that settles when its socket has closed */
  const connections = new Map<Connection, Promise<void>>();
  const server = new Server({ hostKeys: [opts.hostKey], ident: 'OpenSSH_7.4' }, (client, info) => {
    // Hundreds of sessions are expected; beyond the cap a connection is closed before it costs more.
    if (connections.size >= MAX_CONNECTIONS) {
      client.end();
      return;
    }
    connections.set(client, new Promise((done) => client.once('close', () => done())));
    // Without TCP_NODELAY each keystroke echo waits on a delayed ACK (tens of ms).
    (client as unknown as { _sock?: net.Socket })._sock?.setNoDelay(true);
    let user = '';
    let privilege: Privilege = 0;

    const check = async (name: string, password: string): Promise<boolean> => {
      const level = await app.cluster.authenticate(name, password);
      if (level === null) {
        app.cluster.record({ node, user: name, command: '' }, 'login-failed', { from: info.ip });
        app.log(`ssh ${node}: failed login for ${JSON.stringify(name)} from ${info.ip}`);
        await new Promise((r) => setTimeout(r, opts.authFailDelayMs));
        return false;
      }
      user = name;
      privilege = level as Privilege;
      return true;
    };

    acceptPasswords(client, check);

    client.on('ready', () => {
      app.cluster.record({ node, user, command: '' }, 'login', { from: info.ip });
      client.on('session', (acceptSession) => {
        const channel = acceptSession();
        const size = { cols: 80, rows: 24 };
        let started = false;
        let pty = false;
        channel.on('pty', (accept, _reject, p) => {
          pty = true;
          size.cols = p.cols || 80;
          size.rows = p.rows || 24;
          accept?.();
        });
        channel.on('window-change', (accept, _reject, p) => {
          size.cols = p.cols || size.cols;
          size.rows = p.rows || size.rows;
          accept?.();
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
          const cli = app.openSession(
            {
              write: (s) => flow.write(s),
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
            },
            user,
            privilege,
            node,
          );
          // Without a terminal (ssh -T, a piped script) nobody answers the pager.
          if (!pty) cli.pagination = false;
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
      if (user) app.cluster.record({ node, user, command: '' }, 'logout', { from: info.ip });
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        host: opts.host,
        port: addr.port,
        // Resolves once every connection has closed, so nothing writes to the store after it.
        close: async () => {
          const closing = new Promise<void>((done) => server.close(() => done()));
          for (const c of connections.keys()) c.end();
          await Promise.all([closing, ...connections.values()]);
        },
      });
    });
  });
}
