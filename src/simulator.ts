// Starting and stopping a whole simulator in-process: the app and one SSH server per node.
import { App } from './app';
import { loadOrCreateHostKey } from './ssh/hostkey';
import { startSshServer, type RunningServer } from './ssh/server';

export interface SimulatorOptions {
  dataDir: string;
  host: string;
  /** the publisher's port; node i listens on basePort + i, or on a free port when 0 */
  basePort: number;
  timeScale: number;
  authFailDelayMs?: number;
  log?: (message: string) => void;
}

export interface Simulator {
  app: App;
  /** node name → its SSH server */
  ssh: Map<string, RunningServer>;
  close(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions): Promise<Simulator> {
  const app = new App({ dataDir: opts.dataDir, timeScale: opts.timeScale, log: opts.log });
  const ssh = new Map<string, RunningServer>();
  const close = async () => {
    await Promise.all([...ssh.values()].map((s) => s.close()));
    app.close();
  };
  try {
    const hostKey = loadOrCreateHostKey(opts.dataDir);
    for (const n of app.cluster.nodes()) {
      const port = opts.basePort === 0 ? 0 : opts.basePort + n.position;
      ssh.set(n.name, await startSshServer({ app, node: n.name, hostKey, host: opts.host, port, authFailDelayMs: opts.authFailDelayMs ?? 1000 }));
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { app, ssh, close };
}
