// `ucmsim serve` as a child process, the way a user starts it: the real bin script, its stdout
// lines read as they come.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Transcript, within } from './wait';

export const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'ucmsim.js');

export class ServeProcess {
  readonly stdout = new Transcript();
  readonly stderr = new Transcript();
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.stdout.append(d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => this.stderr.append(d));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    // stdout/stderr may still deliver after 'exit'; mark them ended on 'close'
    this.child.on('close', () => {
      this.stdout.end('process closed');
      this.stderr.end('process closed');
    });
  }

  static serve(dataDir: string, extra: string[] = []): ServeProcess {
    return new ServeProcess(['serve', '--data', dataDir, '--ssh-port', '0', '--sftp-port', '0', '--tftp-port', '0', '--http-port', '0', '--tvs-port', '0', '--time-scale', '0', ...extra]);
  }

  /** Waits for the "ssh listening on HOST:PORT (node NAME)" line of each node; node name → port. */
  async ports(nodes: string[], ms = 20000): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const n of nodes) {
      const re = new RegExp(`ssh listening on 127\\.0\\.0\\.1:(\\d+) \\(node ${n.replace(/[-.]/g, '\\$&')}\\)`);
      await this.stdout.waitFor(re, 0, ms);
      out.set(n, Number(re.exec(this.stdout.text)![1]));
    }
    return out;
  }

  waitExit(ms = 10000) {
    return within(this.exited, ms, `ucmsim serve to exit; stdout: ${JSON.stringify(this.stdout.text)} stderr: ${JSON.stringify(this.stderr.text)}`);
  }

  /** Kills the process if it still runs and waits for it. */
  async stop(): Promise<void> {
    if (this.exit) return;
    this.child.kill('SIGKILL');
    await this.waitExit(5000).catch(() => undefined);
  }
}

/** The process state letter from /proc (R, S, T when stopped, ...). */
export function procState(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}
