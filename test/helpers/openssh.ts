// The real OpenSSH client (/usr/bin/ssh) driven under a pseudo-terminal with node-pty, the way an
// expect script drives it: wait for `password:`, answer, wait for `admin:`, type, wait again.
import * as pty from 'node-pty';
import { TranscriptSession } from './wait';

export const SSH_BIN = '/usr/bin/ssh';
export const ADMIN_PASSWORD = 'ciscopsdt';

export function sshArgs(port: number, user = 'admin', host = '127.0.0.1'): string[] {
  return [
    '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null',
    '-o', 'LogLevel=ERROR',
    '-o', 'PubkeyAuthentication=no',
    '-o', 'PreferredAuthentications=password,keyboard-interactive',
    '-p', String(port),
    `${user}@${host}`,
  ];
}

export interface PtySshOptions {
  port: number;
  user?: string;
  cols?: number;
  rows?: number;
  /** the terminal type ssh announces (default vt100) */
  term?: string;
}

export class PtySsh extends TranscriptSession {
  readonly proc: pty.IPty;
  exit: { exitCode: number; signal?: number } | null = null;
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  readonly started = process.hrtime.bigint();

  constructor(opts: PtySshOptions) {
    super();
    this.proc = pty.spawn(SSH_BIN, sshArgs(opts.port, opts.user), {
      name: opts.term ?? 'vt100',
      cols: opts.cols ?? 80,
      rows: opts.rows ?? 24,
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', TERM: opts.term ?? 'vt100', LANG: 'C' },
    });
    this.proc.onData((d) => this.out.append(d));
    this.exited = new Promise((resolve) => {
      this.proc.onExit((e) => {
        this.exit = e;
        this.out.end(`ssh exited with code ${e.exitCode}`);
        resolve(e);
      });
    });
  }

  /** Spawns ssh, answers the password prompt and waits for the first `admin:`. */
  static async login(opts: PtySshOptions & { password?: string; timeoutMs?: number }): Promise<PtySsh> {
    const s = new PtySsh(opts);
    try {
      await s.answerPassword(opts.password ?? ADMIN_PASSWORD, opts.timeoutMs);
      await s.out.waitFor('admin:', 0, opts.timeoutMs ?? 15000);
    } catch (e) {
      s.kill();
      throw e;
    }
    return s;
  }

  async answerPassword(password: string, ms = 15000): Promise<void> {
    await this.out.waitFor(/password:\s*$/i, 0, ms);
    this.proc.write(password + '\r');
  }

  send(bytes: string): void {
    this.proc.write(bytes);
  }

  /** Waits for ssh to exit, bounded. */
  async waitExit(ms = 10000): Promise<{ exitCode: number; signal?: number }> {
    if (this.exit) return this.exit;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`ssh did not exit within ${ms} ms; output:\n${JSON.stringify(this.text.slice(-2000))}`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills ssh if it is still running and waits for it to go. */
  async close(): Promise<void> {
    if (this.exit) return;
    this.kill();
    await this.waitExit(5000).catch(() => undefined);
  }

  kill(): void {
    if (this.exit) return;
    try {
      this.proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
