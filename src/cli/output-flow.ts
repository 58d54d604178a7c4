// Backpressure on a session's output stream: it reports when output backs up (the client stops
// reading) and when the backlog has gone out, so the session stops taking input (and so producing
// output) meanwhile; a backlog past a hard bound ends the session. Without it one client could grow
// the server without limit.
import type { Writable } from 'node:stream';

/** Output waiting to be sent at which the session stops reading its client. */
export const OUTPUT_HIGH_WATER = 256 * 1024;
/** Waiting output at which the session is dropped. */
export const OUTPUT_HARD_LIMIT = 16 * 1024 * 1024;

export interface FlowHandlers {
  /** `congested` changed */
  changed(): void;
  /** the backlog passed the hard bound */
  overflow?(): void;
}

export class OutputFlow {
  private waiting = false;

  constructor(private readonly stream: Writable, private readonly on: FlowHandlers) {}

  get congested(): boolean {
    return this.waiting;
  }

  write(s: string): void {
    if (this.stream.destroyed || this.stream.writableEnded) return;
    this.stream.write(s);
    const backlog = this.stream.writableLength;
    if (backlog > OUTPUT_HARD_LIMIT && this.on.overflow) return this.on.overflow();
    if (!this.waiting && backlog > OUTPUT_HIGH_WATER) {
      this.waiting = true;
      this.on.changed();
      this.waitFlushed();
    }
  }

  /** An empty write's callback runs once everything written before it has been sent. */
  private waitFlushed(): void {
    this.stream.write('', (err) => {
      if (err || this.stream.destroyed) return;
      if (this.stream.writableLength > OUTPUT_HIGH_WATER / 2) return this.waitFlushed();
      this.waiting = false;
      this.on.changed();
    });
  }
}
