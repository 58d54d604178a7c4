// Waiting for a simulator to notice that its clients are gone (a client that vanishes is logged
// out when the server sees its socket close, which happens a little later).
import type { Simulator } from '../../src/simulator';
import { waitUntil } from './wait';

export function logoutsPending(sim: Simulator): number {
  const events = sim.app.lab.recentEvents(1_000_000);
  const logins = events.filter((e) => e.kind === 'login').length;
  const logouts = events.filter((e) => e.kind === 'logout').length;
  return logins - logouts;
}

/** Resolves once every login recorded so far has its logout (bounded). */
export function allLoggedOut(sim: Simulator, ms = 5000): Promise<void> {
  return waitUntil(() => logoutsPending(sim) <= 0, ms, `every SSH connection to be seen closed (${logoutsPending(sim)} still open)`);
}
