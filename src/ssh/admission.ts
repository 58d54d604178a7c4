// Which TCP connections an SSH server keeps, as OpenSSH's sshd does: a cap on all connections, a smaller
// cap on those not yet authenticated with MaxStartups-style random early drop, a login grace time, and
// a bounded stop. Connections that hold a slot without logging in cannot lock the administrators out.
import type net from 'node:net';

export interface AdmissionLimits {
  /** connections kept at most, logged in or not */
  maxConnections: number;
  /** sshd's MaxStartups start:rate:full for connections not yet authenticated */
  maxStartups: { start: number; rate: number; full: number };
  /** ms from accept to a successful login before the connection is closed (sshd's LoginGraceTime) */
  loginGraceMs: number;
  /** ms a stop lets connections close by themselves before their sockets are destroyed */
  closeGraceMs: number;
  /** an unauthenticated connection silent at least this long may be dropped to make room */
  minIdleMs: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = {
  maxConnections: 1000,
  // sshd's default is 10:30:100; automation here opens 50 and more sessions at once.
  maxStartups: { start: 100, rate: 30, full: 200 },
  loginGraceMs: 120_000,
  closeGraceMs: 2_000,
  minIdleMs: 1_000,
};

/** setTimeout's largest delay; anything longer fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Tracked {
  socket: net.Socket;
  /** when a byte last arrived from the peer */
  lastData: number;
  authenticated: boolean;
  /** its password is being checked: the server owes the answer, so the silence is not the peer's */
  busy: boolean;
  grace: NodeJS.Timeout | null;
  closed: Promise<void>;
}

export class Admission {
  private readonly all = new Map<net.Socket, Tracked>();
  /** not yet authenticated, oldest first */
  private readonly unauthenticated = new Set<Tracked>();
  private stopping = false;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * Takes a new socket or refuses it (false: the socket is already destroyed). When the unauthenticated
   * connections are over MaxStartups' start, a random early drop closes one of them: the unauthenticated
   * one silent the longest if it has been silent a while, else the newcomer. So a flood of silent
   * connections gives way to a client that talks, and clients in the middle of a login are left alone.
   */
  admit(socket: net.Socket): boolean {
    if (this.stopping) {
      socket.destroy();
      return false;
    }
    if (this.all.size >= this.limits.maxConnections || this.shouldDrop()) {
      const idlest = this.idlest();
      if (!idlest || Date.now() - idlest.lastData < this.limits.minIdleMs) {
        socket.destroy();
        return false;
      }
      this.unauthenticated.delete(idlest); // gone now, though its 'close' comes later
      idlest.socket.destroy();
    }
    const t: Tracked = {
      socket,
      lastData: Date.now(),
      authenticated: false,
      busy: false,
      grace: null,
      closed: new Promise((done) => socket.once('close', () => done())),
    };
    t.grace = setTimeout(() => socket.destroy(), Math.min(this.limits.loginGraceMs, MAX_TIMER_MS));
    t.grace.unref();
    this.all.set(socket, t);
    this.unauthenticated.add(t);
    socket.on('data', () => {
      t.lastData = Date.now();
    });
    socket.on('error', () => {
      /* the SSH layer reports it; a reset peer must not stop the server */
    });
    socket.once('close', () => {
      if (t.grace) clearTimeout(t.grace);
      this.all.delete(socket);
      this.unauthenticated.delete(t);
    });
    return true;
  }

  /** The connection logged in: it leaves the unauthenticated pool and its grace timer stops. */
  authenticated(socket: net.Socket | undefined): void {
    const t = socket && this.all.get(socket);
    if (!t || t.authenticated) return;
    t.authenticated = true;
    if (t.grace) clearTimeout(t.grace);
    t.grace = null;
    this.unauthenticated.delete(t);
  }

  /** A password check on the connection starts (true) or has been answered (false). */
  busy(socket: net.Socket | undefined, on: boolean): void {
    const t = socket && this.all.get(socket);
    if (!t) return;
    t.busy = on;
    t.lastData = Date.now();
  }

  /** Finds the tracked socket by the peer's address and port (what ssh2 reports of a connection). */
  find(ip: string | undefined, port: number | undefined): net.Socket | undefined {
    for (const t of this.all.values()) if (t.socket.remoteAddress === ip && t.socket.remotePort === port) return t.socket;
    return undefined;
  }

  /**
   * Stops admitting; every socket still open after the grace is destroyed. Resolves once all are closed.
   * (Connections are asked to end politely by their owner; sockets that ignore it are cut.)
   */
  async close(): Promise<void> {
    this.stopping = true;
    const open = [...this.all.values()];
    for (const t of open) t.socket.end();
    const cut = setTimeout(() => {
      for (const t of this.all.values()) t.socket.destroy();
    }, Math.min(this.limits.closeGraceMs, MAX_TIMER_MS));
    await Promise.all(open.map((t) => t.closed));
    clearTimeout(cut);
  }

  /** MaxStartups: drop with probability rate% at start, rising linearly to 100% at full. */
  private shouldDrop(): boolean {
    const { start, rate, full } = this.limits.maxStartups;
    const n = this.unauthenticated.size;
    if (n < start) return false;
    if (n >= full) return true;
    const p = rate / 100 + ((1 - rate / 100) * (n - start)) / Math.max(1, full - start);
    return this.random() < p;
  }

  private idlest(): Tracked | undefined {
    let best: Tracked | undefined;
    for (const t of this.unauthenticated) if (!t.busy && (!best || t.lastData < best.lastData)) best = t;
    return best;
  }
}
