// FIPS mode of a node (utils fips enable|disable): the switch regenerates the node's certificates
// under the new rules and restarts the node, which puts them in use. Per node, one node at a time.
import type { Cluster, Actor } from './cluster';
import { ClusterError } from './errors';
import { regenerateCertificate } from './certificates';

/** The units a FIPS switch regenerates, in the order the warning lists them (SSH is the host key). */
export const FIPS_UNITS = ['CallManager', 'tomcat', 'ipsec', 'TVS', 'CAPF', 'ITLRecovery'];

export function fipsEnabled(cluster: Cluster, node: string): boolean {
  return cluster.node(node).fips === 1;
}

/** Refuses while another node of the cluster is still restarting (the guide: one node at a time). */
export function checkFipsChange(cluster: Cluster, node: string, on: boolean): void {
  if (fipsEnabled(cluster, node) === on) throw new ClusterError(`The system is already in ${on ? 'FIPS' : 'NON-FIPS'} mode.`);
  const busy = cluster.nodes().find((n) => n.name !== node && n.restarting_until !== null);
  if (busy) throw new ClusterError(`FIPS mode cannot be changed while ${busy.name} is restarting. Wait until it is back.`);
}

/** Sets the mode, regenerates the node's certificates under its rules and restarts the node. */
export async function changeFips(cluster: Cluster, actor: Actor, on: boolean, signal?: AbortSignal): Promise<string[]> {
  checkFipsChange(cluster, actor.node, on);
  cluster.store.transaction(() => {
    cluster.repo.setNodeFips(actor.node, on);
    cluster.record(actor, 'fips-changed', { node: actor.node, enabled: on });
  });
  const done: string[] = [];
  for (const unit of FIPS_UNITS) {
    if (!cluster.certificates.find(actor.node, unit)) continue;
    await regenerateCertificate(cluster, actor, unit, {}, signal);
    done.push(unit);
  }
  cluster.services.restartNode(actor);
  return done;
}
