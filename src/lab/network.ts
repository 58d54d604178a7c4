// The network between the lab's nodes: an address (IP, FQDN or host name) leads to a node, and a
// node's service answers only while its cluster is online, the node is not restarting and the
// service runs. Phones reach TFTP, HTTP(S) and TVS only through here; the real listeners ask the same
// questions, so what curl or openssl meets is what a simulated phone meets.
import type { Lab } from './lab';
import type { Cluster } from '../cluster/cluster';
import { TFTP, TVS_SERVICE } from '../cluster/cluster';
import type { NodeRow } from '../store/repository';
import type { FileService } from '../cluster/fileservice';
import { tvsEndpoint, type TvsEndpoint } from '../cluster/tvs';

export interface Host {
  cluster: Cluster;
  node: NodeRow;
}

export class Network {
  constructor(private readonly lab: Lab) {}

  /** The node an address names, if any in the lab. */
  resolve(address: string): Host | null {
    const a = address.trim().toLowerCase();
    for (const cluster of this.lab.clusters.values()) {
      const node = cluster.nodes().find((n) => n.ip === a || n.fqdn.toLowerCase() === a || n.name.toLowerCase() === a);
      if (node) return { cluster, node };
    }
    return null;
  }

  /** Why `service` on the node cannot be reached, or null when it answers. */
  unreachable(host: Host, service: string): string | null {
    if (!host.cluster.online) return `cluster ${host.cluster.name} is offline`;
    if (host.node.restarting_until !== null) return `${host.node.name} is restarting`;
    if (!host.cluster.services.started(host.node.name, service)) return `${service} is not running on ${host.node.name}`;
    return null;
  }

  /** The TFTP service at an address, or null when nothing answers there. */
  tftp(address: string): (Host & { files: FileService }) | null {
    const host = this.resolve(address);
    if (!host || this.unreachable(host, TFTP)) return null;
    return { ...host, files: this.lab.filesOf(host.cluster.name) };
  }

  /** The TVS at an address (port 2445), or null when nothing answers there. */
  tvs(address: string): TvsEndpoint | null {
    const host = this.resolve(address);
    if (!host || this.unreachable(host, TVS_SERVICE)) return null;
    return tvsEndpoint(host.cluster, host.node.name);
  }
}
