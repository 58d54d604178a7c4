// The simulator the SSH benchmark measures, in a process of its own: its peak memory (the kernel's
// maxRSS) is then the server's alone, and its event loop is not shared with the clients' ptys.
// bench/ssh-bench.ts builds the data directory, starts this with child_process.fork (argument: the
// directory) and talks to it over the IPC channel:
//   server -> {type: 'ready', port, nodes, openMs}        once listening; nodes: [name, ip]
//   bench  -> {id, type: 'usage'}      <- {id, maxRSS, rss, cpuMs}  bytes: the kernel's peak, the resident set now;
//                                                              CPU time used so far (user + system)
//   bench  -> {id, type: 'logged-in'}  <- {id, count}          logins not yet followed by their logout
//   bench  -> {id, type: 'phones'}     <- {id, phones}         [name, tftp] of every phone
//   bench  -> {id, type: 'settle', ms} <- {id}                 once every login has its logout (bounded)
//   bench  -> {id, type: 'close'}      <- {id, maxRSS}         stopped; the process exits after it
// The data directory is built by the bench, so that building it (key generation) is not in this
// process's peak: what is, is opening the lab (the phones' first boot) and serving.
import { startSimulator, type Simulator } from '../src/simulator';
import { allLoggedOut, logoutsPending } from '../test/helpers/sim-settle';

export interface Ready {
  type: 'ready';
  port: number;
  nodes: [string, string][];
  openMs: number;
}

export type Request =
  | { id: number; type: 'usage' }
  | { id: number; type: 'logged-in' }
  | { id: number; type: 'phones' }
  | { id: number; type: 'settle'; ms: number }
  | { id: number; type: 'close' };

export interface Reply {
  id: number;
  error?: string;
  maxRSS?: number;
  rss?: number;
  cpuMs?: number;
  count?: number;
  phones?: [string, string][];
}

const usage = () => {
  const u = process.resourceUsage();
  return { maxRSS: u.maxRSS * 1024, rss: process.memoryUsage().rss, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 };
};

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: bench-server DATA_DIR');
  const t0 = process.hrtime.bigint();
  const sim: Simulator = await startSimulator({ dataDir, host: '127.0.0.1', basePort: 0, timeScale: 0, authFailDelayMs: 50 });
  const openMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const port = sim.ssh.get(sim.app.cluster.publisher().name)!.port;

  let closing: Promise<void> | null = null;
  const close = () => (closing ??= sim.close());
  // The bench went away (it ended, or was aborted): stop too.
  process.on('disconnect', () => void close().finally(() => process.exit(0)));

  const answer = async (req: Request): Promise<Omit<Reply, 'id'>> => {
    switch (req.type) {
      case 'usage':
        return usage();
      case 'logged-in':
        return { count: logoutsPending(sim) };
      case 'phones':
        return { phones: sim.app.fleet.phones().map((p) => [p.name, p.tftp] as [string, string]) };
      case 'settle':
        await allLoggedOut(sim, req.ms);
        return {};
      case 'close':
        await close();
        return { maxRSS: usage().maxRSS };
    }
  };
  process.on('message', (req: Request) => {
    answer(req).then(
      (r) => {
        process.send!({ id: req.id, ...r });
        if (req.type === 'close') process.disconnect();
      },
      (e: Error) => process.send!({ id: req.id, error: e.message }),
    );
  });
  const nodes = sim.app.cluster.nodes().map((n) => [n.name, n.ip] as [string, string]);
  const ready: Ready = { type: 'ready', port, nodes, openMs };
  process.send!(ready);
}

main().catch((e) => {
  process.stderr.write(`bench server: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
