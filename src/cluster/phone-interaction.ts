// Phone Interaction on Certificate Update: phones that hold an ITL restart on their own when a TVS,
// CAPF, CallManager or ITLRecovery change rebuilds the ITL of their TFTP server (wave2-cli.md §4).
// 12.5 and earlier: they always do ("you might observe the phones reset automatically"); 14 and
// later: as the enterprise parameter says, automatic by default. Each phone resets after a short
// spread of its own, so a cluster does not reboot all at once.
import type { Cluster, Actor } from './cluster';
import { bootSeconds } from '../phones/models';

export const PHONE_INTERACTION = 'Phone Interaction on Certificate Update';
export const RESET_MANUALLY = 'Reset Phones Manually';

/** Units whose certificates the ITL carries (or that sign it). */
const ITL_UNITS = new Set(['TVS', 'CAPF', 'CallManager', 'CallManager-ECDSA', 'ITLRecovery']);

/** Simulated seconds between two phones' automatic resets, and how many phones share a slot. */
const SPREAD_STEP_SECONDS = 5;
const SPREAD_SLOTS = 12;

export function resetsAutomatically(cluster: Cluster): boolean {
  if (cluster.profile.phoneResetOnCertUpdate === 'always') return true;
  return cluster.settings.enterpriseParameter(PHONE_INTERACTION) !== RESET_MANUALLY;
}

/**
 * After `unit`'s certificate changed the ITL of the TFTP nodes in `rebuilt`: schedules a reset of the
 * registered phones that hold an ITL from one of them. Inside the caller's transaction; returns how
 * many phones were scheduled.
 */
export function resetPhonesForCertificateUpdate(cluster: Cluster, actor: Actor | null, unit: string, rebuilt: string[]): number {
  if (!ITL_UNITS.has(unit) || !rebuilt.length || !resetsAutomatically(cluster)) return 0;
  const addresses = new Set(cluster.nodes().filter((n) => rebuilt.includes(n.name)).flatMap((n) => [n.name, n.fqdn, n.ip]));
  const now = cluster.clock.nowMs();
  const nowIso = new Date(now).toISOString();
  let count = 0;
  for (const p of cluster.repo.phones(cluster.name)) {
    if (p.reg_state !== 'reg' || p.reboot_until || !p.itl_hash || !addresses.has(p.tftp.split(',')[0])) continue;
    const spread = (p.position % SPREAD_SLOTS) * SPREAD_STEP_SECONDS;
    cluster.repo.updatePhone({ ...p, reg_state: 'unr', reg_changed_at: nowIso, reboot_until: new Date(now + (spread + bootSeconds(p.model)) * 1000).toISOString() });
    count++;
  }
  if (count) {
    cluster.record(actor, 'phones-auto-reset', { phones: count, unit, nodes: rebuilt });
    cluster.wake();
  }
  return count;
}
