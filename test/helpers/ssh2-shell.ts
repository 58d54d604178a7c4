// An in-process SSH client (ssh2) that opens an interactive shell on the simulator the way
// automation does: pty, wait for `admin:`, type a line, wait for the next prompt.
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { TranscriptSession, within } from './wait';

export const ADMIN = { name: 'admin', password: 'ciscopsdt' };

export interface ShellOptions {
  port: number;
  host?: string;
  username?: string;
  password?: string;
  /** authenticate with keyboard-interactive only (answering every prompt with the password) */
  keyboardInteractive?: boolean;
  rows?: number;
  cols?: number;
  term?: string;
  /** ms for the whole login (connect + auth + banner prompt) */
  timeoutMs?: number;
}

/** Connects and authenticates; resolves with the ready client. */
export function connectClient(opts: ShellOptions, onPrompts?: (prompts: { prompt: string; echo?: boolean }[]) => void): Promise<Client> {
  const client = new Client();
  const password = opts.password ?? ADMIN.password;
  const cfg: ConnectConfig = {
    host: opts.host ?? '127.0.0.1',
    port: opts.port,
    username: opts.username ?? ADMIN.name,
    readyTimeout: opts.timeoutMs ?? 10000,
  };
  if (opts.keyboardInteractive) {
    cfg.tryKeyboard = true;
    cfg.authHandler = ['keyboard-interactive'];
    client.on('keyboard-interactive', (_name, _instr, _lang, prompts, finish) => {
      onPrompts?.(prompts);
      finish(prompts.map(() => password));
    });
  } else {
    cfg.password = password;
    cfg.authHandler = ['password'];
  }
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => {
      client.end();
      reject(e);
    };
    client.once('error', onError);
    client.once('ready', () => {
      client.off('error', onError);
      client.on('error', () => {
        /* reported through the shell's transcript ending */
      });
      resolve(client);
    });
    client.connect(cfg);
  });
}

export class Shell extends TranscriptSession {
  exitCode: number | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly client: Client, readonly stream: ClientChannel) {
    super();
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => this.out.append(d));
    stream.stderr.on('data', (d: Buffer) => this.out.append(d.toString('utf8')));
    stream.on('exit', (code: number | null) => {
      this.exitCode = code;
    });
    this.closed = new Promise((resolve) => {
      stream.on('close', () => {
        this.out.end('channel closed');
        resolve();
      });
    });
    client.on('close', () => this.out.end('connection closed'));
  }

  /** Logs in, opens a pty shell and waits for the first `admin:` prompt. */
  static async open(opts: ShellOptions): Promise<Shell> {
    const client = await connectClient(opts);
    try {
      return await Shell.onClient(client, opts);
    } catch (e) {
      client.end();
      throw e;
    }
  }

  /** Opens a pty shell on an already authenticated client and waits for the prompt. */
  static async onClient(client: Client, opts: Pick<ShellOptions, 'rows' | 'cols' | 'term' | 'timeoutMs'> = {}): Promise<Shell> {
    const stream = await within(
      new Promise<ClientChannel>((resolve, reject) => {
        client.shell({ term: opts.term ?? 'vt100', rows: opts.rows ?? 24, cols: opts.cols ?? 80, height: 0, width: 0 }, (err, s) => (err ? reject(err) : resolve(s)));
      }),
      opts.timeoutMs ?? 10000,
      'opening the shell',
    );
    const sh = new Shell(client, stream);
    await sh.out.waitFor('admin:', 0, opts.timeoutMs ?? 10000);
    return sh;
  }

  send(bytes: string): void {
    this.stream.write(bytes);
  }

  /** Output lines of a `run()` result: the echo and the final prompt removed. */
  static lines(result: string): string[] {
    const body = result.replace(/\r\nadmin:$/, '');
    const parts = body.split('\r\n');
    return parts.slice(1); // parts[0] is the echoed command
  }

  setWindow(rows: number, cols: number): void {
    this.stream.setWindow(rows, cols, 0, 0);
  }

  /** Ends the connection (idempotent) and waits until the client has closed. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      const c = this.client as Client & { _sock?: { destroyed?: boolean } };
      if (c._sock?.destroyed) return resolve();
      const timer = setTimeout(resolve, 2000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }
}
