// What one node of the lab sees of another over the network: the answer `utils network ping`,
// `show network cluster` and `utils dbreplication runtimestate` give. A node always reaches itself;
// any other node is out of reach while either cluster is off the network or the node is restarting.
import type { Lab } from './lab';
import type { Host } from './network';

export interface Reach {
  host: Host;
  reachable: boolean;
  /** a stable round-trip time in ms for a reachable node (0.016 to itself, about 0.2 across the LAN) */
  rttMs: number;
}

export function reachFrom(lab: Lab, fromNode: string, address: string): Reach | null {
  const host = lab.network.resolve(address);
  if (!host) return null;
  const from = lab.clusterOf(fromNode);
  if (host.node.name === fromNode) return { host, reachable: true, rttMs: 0.016 };
  const reachable = from.online && host.cluster.online && host.node.restarting_until === null;
  // Deterministic per pair, so exact-bytes tests hold: 0.150 .. 0.249 ms.
  let h = 0;
  for (const ch of fromNode + '>' + host.node.name) h = (h * 31 + ch.charCodeAt(0)) % 100;
  return { host, reachable, rttMs: 0.15 + h / 1000 };
}
