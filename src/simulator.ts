// Starting and stopping a whole simulator in-process: the app and one SSH server per node.
import { App } from './app';
import { loadOrCreateHostKey } from './ssh/hostkey';
import { startSshServer, type RunningServer } from './ssh/server';
import { startLabSftpServer, type LabSftpServer } from './net/sftp-server';
import path from 'node:path';

/** The lab SFTP server's defaults: a destination for exports and a source for imports. */
export const LAB_SFTP = { username: 'lab', password: 'labsftp', dir: 'sftp' };

export interface SimulatorOptions {
  dataDir: string;
  host: string;
  /** the publisher's port; node i listens on basePort + i, or on a free port when 0 */
  basePort: number;
  timeScale: number;
  authFailDelayMs?: number;
  /** the lab SFTP server's port (0 = a free one); null leaves it out */
  sftpPort?: number | null;
  log?: (message: string) => void;
}

export interface Simulator {
  app: App;
  /** node name → its SSH server */
  ssh: Map<string, RunningServer>;
  sftp: LabSftpServer | null;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const app = new App({ dataDir: opts.dataDir, timeScale: opts.timeScale, log: opts.log });
  const ssh = new Map<string, RunningServer>();
  let sftp: LabSftpServer | null = null;
  const close = async () => {
    await Promise.all([...[...ssh.values()].map((s) => s.close()), sftp?.close()]);
    app.close();
  };
  try {
    const hostKey = loadOrCreateHostKey(opts.dataDir);
    for (const n of app.cluster.nodes()) {
      const port = opts.basePort === 0 ? 0 : opts.basePort + n.position;
      ssh.set(n.name, await startSshServer({ app, node: n.name, hostKey, host: opts.host, port, authFailDelayMs: opts.authFailDelayMs ?? 1000 }));
    }
    if (opts.sftpPort !== null && opts.sftpPort !== undefined) {
      sftp = await startLabSftpServer({
        root: path.join(opts.dataDir, LAB_SFTP.dir), host: opts.host, port: opts.sftpPort,
        username: LAB_SFTP.username, password: LAB_SFTP.password, hostKey,
      });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { app, ssh, get sftp() { return sftp; }, close };
}
