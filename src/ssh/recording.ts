// Session recordings: every SSH session is written as an asciicast v2 file (a JSON header line, then
// one [seconds, "o", text] line per chunk the client was sent) under <data>/recordings/, and can be
// followed live (an instructor's `sim classroom watch`). Files are 0600 in a 0700 directory.
import fs from 'node:fs';
import path from 'node:path';

export const RECORDINGS_DIR = 'recordings';
/** A session's recording stops growing past this (its session goes on). */
export const MAX_RECORDING_BYTES = 32 * 1024 * 1024;
/** Live recordings a lab keeps track of at most (closed ones are dropped). */
const MAX_LIVE = 1000;

export interface RecordingMeta {
  user: string;
  node: string;
  from: string;
  cols: number;
  rows: number;
  term?: string;
}

export type RecordingListener = (text: string) => void;

export class Recording {
  readonly startedAt = Date.now();
  private readonly stream: fs.WriteStream;
  private bytes = 0;
  private full = false;
  private ended = false;
  private readonly listeners = new Set<RecordingListener>();
  /** settles once the file is complete on disk */
  readonly closed: Promise<void>;

  constructor(readonly file: string, readonly meta: RecordingMeta, private readonly log: (m: string) => void, private readonly done: () => void) {
    this.stream = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    this.closed = new Promise((resolve) => {
      this.stream.once('close', () => resolve());
      this.stream.once('error', (e) => {
        this.log(`recording ${file}: ${e.message}`);
        resolve();
      });
    });
    const header = {
      version: 2, width: meta.cols, height: meta.rows, timestamp: Math.floor(this.startedAt / 1000),
      title: `${meta.user}@${meta.node} from ${meta.from}`, env: { TERM: meta.term ?? 'vt100', SHELL: '/bin/false' },
    };
    this.append(JSON.stringify(header) + '\n');
  }

  private append(line: string): void {
    if (this.full || this.ended) return;
    this.bytes += Buffer.byteLength(line);
    if (this.bytes > MAX_RECORDING_BYTES) {
      this.full = true;
      this.log(`recording ${this.file} reached ${MAX_RECORDING_BYTES} bytes; the rest of the session is not recorded`);
      return;
    }
    this.stream.write(line);
  }

  /** What the client was sent. */
  output(text: string): void {
    if (this.ended || !text) return;
    this.append(JSON.stringify([Number(((Date.now() - this.startedAt) / 1000).toFixed(6)), 'o', text]) + '\n');
    for (const l of [...this.listeners]) {
      try {
        l(text);
      } catch (e) {
        this.log(`recording watcher failed: ${(e as Error).message}`);
      }
    }
  }

  /** Follows the session live; returns the unsubscribe function. */
  watch(listener: RecordingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get live(): boolean {
    return !this.ended;
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.listeners.clear();
    this.stream.end();
    this.done();
  }
}

/** The recordings of one lab: files under its data directory, and the sessions live now. */
export class Recorder {
  private readonly live = new Set<Recording>();
  private readonly openers = new Set<(r: Recording) => void>();
  private seq = 0;

  constructor(readonly dir: string, private readonly log: (m: string) => void = () => {}) {}

  open(meta: RecordingMeta): Recording | null {
    try {
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);
      const file = path.join(this.dir, `${stamp}-${safe(meta.user)}-${safe(meta.node)}-${++this.seq}.cast`);
      const r = new Recording(file, meta, this.log, () => this.live.delete(r));
      if (this.live.size < MAX_LIVE) this.live.add(r);
      for (const f of [...this.openers]) f(r);
      return r;
    } catch (e) {
      // A session is never refused because it cannot be recorded.
      this.log(`cannot record a session of ${meta.user}: ${(e as Error).message}`);
      return null;
    }
  }

  /** The sessions being recorded now, oldest first. */
  sessions(): Recording[] {
    return [...this.live];
  }

  /** Called with each recording opened from now on. */
  onOpen(f: (r: Recording) => void): () => void {
    this.openers.add(f);
    return () => this.openers.delete(f);
  }
}
