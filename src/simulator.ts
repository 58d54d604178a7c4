// Starting and stopping a whole simulator in-process: the app, and per node its SSH server and the
// TFTP, HTTP (6970) and HTTPS (6971 CallManager, 6972 tomcat) file service; plus the lab SFTP server.
import path from 'node:path';
import { App } from './app';
import { loadOrCreateHostKey } from './ssh/hostkey';
import { startSshServer, type RunningServer } from './ssh/server';
import { startLabSftpServer, type LabSftpServer } from './net/sftp-server';
import { startTftpServer, type FileSource } from './net/tftp-server';
import { startConfigHttpServer, startConfigHttpsServer } from './net/config-http';
import { startTvsServer } from './net/tvs-server';
import { parseTvsRequest, formatTvsAnswer } from './cluster/tvs';
import type { Unit } from './cluster/units';

/** The lab SFTP server's defaults: a destination for exports and a source for imports. */
export const LAB_SFTP = { username: 'lab', password: 'labsftp', dir: 'sftp' };

/** Node i serves TFTP on tftpPort + 10·i and HTTP/HTTPS on httpPort + 10·i (+1 CallManager, +2 tomcat). */
export const NODE_PORT_STRIDE = 10;

export interface SimulatorOptions {
  dataDir: string;
  host: string;
  /** the publisher's port; node i listens on basePort + i, or on a free port when 0 */
  basePort: number;
  timeScale: number;
  authFailDelayMs?: number;
  /** the lab SFTP server's port (0 = a free one); null or absent leaves it out */
  sftpPort?: number | null;
  /** the lab SFTP user's password (LAB_SFTP.password when absent) */
  sftpPassword?: string;
  /** the publisher's TFTP port (6969 by default in serve); null or absent leaves file service out */
  tftpPort?: number | null;
  /** the publisher's HTTP port (6970 by default in serve); HTTPS is on the next two */
  httpPort?: number | null;
  /** the publisher's TVS port (2445 by default in serve); node i listens on tvsPort + i */
  tvsPort?: number | null;
  log?: (message: string) => void;
}

export interface Listener {
  node: string;
  kind: 'ssh' | 'tftp' | 'http' | 'https-callmanager' | 'https-tomcat' | 'tvs';
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface Simulator {
  app: App;
  /** node name → its SSH server */
  ssh: Map<string, RunningServer>;
  /** every listener, in start order */
  listeners: Listener[];
  sftp: LabSftpServer | null;
  close(): Promise<void>;
}

const portFor = (base: number, position: number, offset = 0) => (base === 0 ? 0 : base + position * NODE_PORT_STRIDE + offset);

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const app = new App({ dataDir: opts.dataDir, timeScale: opts.timeScale, log: opts.log });
  const ssh = new Map<string, RunningServer>();
  const listeners: Listener[] = [];
  let sftp: LabSftpServer | null = null;
  const close = async () => {
    await Promise.all([...listeners.map((l) => l.close()), sftp?.close()]);
    app.close();
  };
  const host = opts.host;
  const lab = app.lab;
  // Every node of every cluster, in lab order: node i of the lab gets the ports of offset i.
  const nodes = [...lab.clusters.values()].flatMap((cluster) => cluster.nodes().map((n) => ({ cluster, n })));
  try {
    const hostKey = loadOrCreateHostKey(opts.dataDir);
    for (const [i, { n }] of nodes.entries()) {
      const s = await startSshServer({ app, node: n.name, hostKey, host, port: opts.basePort === 0 ? 0 : opts.basePort + i, authFailDelayMs: opts.authFailDelayMs ?? 1000 });
      ssh.set(n.name, s);
      listeners.push({ node: n.name, kind: 'ssh', ...s });
    }
    for (const [i, { cluster, n }] of nodes.entries()) {
      // The same file service, through the same network, that the simulated phones use, so what curl
      // gets is what a phone verified.
      const files: FileSource = {
        read: (name) => lab.filesOf(cluster.name).read(n.name, name),
        serving: () => lab.network.tftp(n.ip) !== null,
      };
      // HTTPS 6971/6972 belong to Cisco Tftp: they present what it loaded at its last start.
      const identity = (rsa: Unit, ec: Unit) => () => ({
        rsa: cluster.certificates.tftpKeyPair({ node: n.name, unit: rsa }),
        ec: cluster.certificates.tftpKeyPair({ node: n.name, unit: ec }),
      });
      if (opts.tftpPort !== null && opts.tftpPort !== undefined) {
        const t = await startTftpServer({ host, port: portFor(opts.tftpPort, i), files, log: opts.log });
        listeners.push({ node: n.name, kind: 'tftp', ...t });
      }
      if (opts.httpPort !== null && opts.httpPort !== undefined) {
        const http = await startConfigHttpServer({ host, port: portFor(opts.httpPort, i), files });
        const cm = await startConfigHttpsServer({ host, port: portFor(opts.httpPort, i, 1), files, identity: identity('CallManager', 'CallManager-ECDSA') });
        const tc = await startConfigHttpsServer({ host, port: portFor(opts.httpPort, i, 2), files, identity: identity('tomcat', 'tomcat-ECDSA') });
        listeners.push({ node: n.name, kind: 'http', ...http }, { node: n.name, kind: 'https-callmanager', ...cm }, { node: n.name, kind: 'https-tomcat', ...tc });
      }
      if (opts.tvsPort !== null && opts.tvsPort !== undefined) {
        const tvs = await startTvsServer({
          host, port: opts.tvsPort === 0 ? 0 : opts.tvsPort + i,
          identity: () => cluster.certificates.keyPair({ node: n.name, unit: 'TVS' }),
          serving: () => lab.network.tvs(n.ip) !== null,
          answer: (line) => {
            // The same endpoint the simulated phones ask, reached through the network.
            const tvs = lab.network.tvs(n.ip);
            if (!tvs) return null;
            const req = parseTvsRequest(line);
            return formatTvsAnswer(req.kind === 'error' ? req : tvs.directory.answer(req));
          },
          log: opts.log,
        });
        listeners.push({ node: n.name, kind: 'tvs', ...tvs });
      }
    }
    if (opts.sftpPort !== null && opts.sftpPort !== undefined) {
      sftp = await startLabSftpServer({
        root: path.join(opts.dataDir, LAB_SFTP.dir), host, port: opts.sftpPort,
        username: LAB_SFTP.username, password: opts.sftpPassword ?? LAB_SFTP.password, hostKey,
      });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { app, ssh, listeners, get sftp() { return sftp; }, close };
}
