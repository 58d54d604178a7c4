// The inactive partition and utils system switch-version: every node restarts into the other
// version, and the cluster takes that version's profile (ITL signer, messages, validity).
import type { Cluster, Actor } from './cluster';
import { ClusterError } from './errors';

export function inactiveVersion(cluster: Cluster): string | null {
  return cluster.config.inactiveVersion ?? null;
}

/** Swaps the active and inactive versions and restarts every node of the cluster. */
export function switchVersion(cluster: Cluster, actor: Actor): { from: string; to: string } {
  const to = inactiveVersion(cluster);
  if (!to) throw new ClusterError('There is no inactive side available');
  const from = cluster.version;
  cluster.store.transaction(() => {
    const config = { ...cluster.config, version: to, inactiveVersion: from };
    cluster.repo.setClusterVersion(cluster.name, to, JSON.stringify(config));
    cluster.record(actor, 'version-switched', { from, to });
  });
  cluster.reload();
  for (const n of cluster.nodes()) cluster.services.restartNode({ ...actor, node: n.name });
  return { from, to };
}
