// Waiting for a simulator to notice that its clients are gone.
//
// Simulator.close() resolves once the listening sockets are closed, which Node reports before the
// accepted connections' 'close' events have run; the SSH server's 'close' handler then appends a
// 'logout' event to a store that is already closed and throws "The database connection is not
// open" as an uncaught exception (reported as a bug). Tests call this before close() so that their
// result does not depend on that race.
import type { Simulator } from '../../src/simulator';
import { waitUntil } from './wait';

export function logoutsPending(sim: Simulator): number {
  const events = sim.app.cluster.repo.events(1_000_000);
  const logins = events.filter((e) => e.kind === 'login').length;
  const logouts = events.filter((e) => e.kind === 'logout').length;
  return logins - logouts;
}

/** Resolves once every login recorded so far has its logout (bounded). */
export function allLoggedOut(sim: Simulator, ms = 5000): Promise<void> {
  return waitUntil(() => logoutsPending(sim) <= 0, ms, `every SSH connection to be seen closed (${logoutsPending(sim)} still open)`);
}
