// When the server's KEXINIT goes out. OpenSSH's client keeps Nagle's algorithm on until its session is
// interactive: it sends its KEXINIT, reads ours, then sends its key-exchange init, a small write behind an
// unacknowledged one. ssh2 sends our KEXINIT as soon as the client's identification line arrives, so when
// the client's KEXINIT comes the server has nothing to send, the kernel delays its ACK (40 ms on Linux),
// and Nagle holds the client's next packet until then: 40 ms on every login. Sent in answer to the
// client's KEXINIT, ours carries that ACK at once. RFC 4253 lets either side send KEXINIT first; a client
// that waits for ours before sending its own gets it after a short hold.
import type net from 'node:net';

/** How long our KEXINIT waits for the client's, at most. */
export const KEXINIT_HOLD_MS = 20;

/**
 * Holds what the SSH layer writes on `socket` after the client's identification line until the client's
 * next bytes (its KEXINIT) arrive, or `holdMs` has passed. Call it before the SSH layer reads the socket,
 * so that the client's bytes are seen here first.
 */
export function kexInitInAnswer(socket: net.Socket, holdMs = KEXINIT_HOLD_MS): void {
  const write = socket.write;
  const held: unknown[][] = [];
  let identSeen = false;
  let timer: NodeJS.Timeout | null = null;

  const release = () => {
    socket.off('data', onData);
    socket.off('close', release);
    if (timer) clearTimeout(timer);
    timer = null;
    socket.write = write;
    if (socket.destroyed) return;
    for (const args of held.splice(0)) (write as (...a: unknown[]) => boolean).apply(socket, args);
  };
  const onData = (chunk: Buffer) => {
    if (identSeen) return release();
    const eol = chunk.indexOf(0x0a);
    if (eol < 0) return;
    identSeen = true;
    // The identification line and the KEXINIT in one read: nothing to hold.
    if (eol < chunk.length - 1) return release();
    timer = setTimeout(release, holdMs);
    timer.unref();
  };
  // Writes before the client's identification line (our own) go out as they come.
  socket.write = function (this: net.Socket, ...args: unknown[]): boolean {
    if (!identSeen) return (write as (...a: unknown[]) => boolean).apply(this, args);
    held.push(args);
    return true;
  } as typeof socket.write;
  socket.on('data', onData);
  socket.once('close', release);
}
