// A cluster's settings: security mode, enterprise parameters, the CLI session timeout, contact search
// authentication per node, device pools, and what a phone's configuration file says from them.
import type { Cluster, Actor } from './cluster';
import type { DevicePoolConfig } from './config';
import type { NodeRow } from '../store/repository';
import type { PoolConfigInput } from '../phones/config-file';
import { ClusterError } from './errors';

/** The UDS users URL of a node, on the port it answers on. */
const udsUsersUrl = (n: NodeRow) => `https://${n.fqdn}:${n.uds_port}/cucm-uds/users`;

/** Enterprise parameters the simulator models, with their defaults. */
export const ENTERPRISE_PARAMETERS: Record<string, string> = {
  'Prepare Cluster for Rollback to pre-8.0': 'False',
  'Auto-registration': 'False',
  'Secure Contact Search URL': '',
  'Secured Services URL': '',
  'Phone Interaction on Certificate Update': 'Reset Phones Automatically',
};

/** Parameters that exist only from a release on (the 14 "Security Parameters" addition). */
const SINCE_14 = new Set(['Phone Interaction on Certificate Update']);


export class ClusterSettings {
  constructor(private readonly cluster: Cluster) {}

  get mixedMode(): boolean {
    return this.cluster.row().security_mode === 1;
  }

  enterpriseParameter(name: string): string {
    return this.cluster.repo.enterpriseParameters(this.cluster.name).find((p) => p.name === name)?.value ?? ENTERPRISE_PARAMETERS[name];
  }

  /** The parameters this cluster's release has. */
  enterpriseParameterNames(): string[] {
    const modern = this.cluster.profile.phoneResetOnCertUpdate === 'parameter';
    return Object.keys(ENTERPRISE_PARAMETERS).filter((n) => modern || !SINCE_14.has(n));
  }

  /** What a parameter left empty stands for, as the phones' configuration files get it. */
  effectiveEnterpriseParameter(name: string): string {
    const value = this.enterpriseParameter(name);
    if (value) return value;
    if (name === 'Secured Services URL') return `https://${this.cluster.publisher().fqdn}:8443/ccmcip/getservicesmenu.jsp`;
    if (name === 'Secure Contact Search URL') {
      // Each device pool's primary CallManager answers its phones' searches.
      const urls = this.cluster.config.phones.devicePools.map((p) => this.contactSearchDefault(p.cmGroup[0]));
      return [...new Set(urls.length ? urls : [this.contactSearchDefault(this.cluster.publisher().name)])].join(', ');
    }
    return value;
  }

  private contactSearchDefault(node: string): string {
    return udsUsersUrl(this.cluster.node(node));
  }

  setEnterpriseParameter(actor: Actor | null, name: string, value: string): void {
    this.cluster.store.transaction(() => {
      const from = this.enterpriseParameter(name);
      this.cluster.repo.setEnterpriseParameter(this.cluster.name, name, value);
      this.cluster.record(actor, 'enterprise-parameter', { name, from, to: value });
      this.cluster.tftp.refresh(actor);
    });
  }

  /** Minutes a new CLI session may stay idle (set cli session timeout; 30 by default). */
  get cliSessionTimeout(): number {
    return this.cluster.row().cli_session_timeout;
  }
  setCliSessionTimeout(actor: Actor, minutes: number): void {
    this.cluster.store.transaction(() => {
      const from = this.cliSessionTimeout;
      this.cluster.repo.setCliSessionTimeout(this.cluster.name, minutes);
      this.cluster.record(actor, 'cli-session-timeout', { from, to: minutes });
    });
  }

  // --- contact search authentication (per node) -----------------------------------------------

  contactSearchAuth(node: string): boolean {
    return this.cluster.node(node).contact_search_auth === 1;
  }
  /** The UDS port: 8443, moved to 9443 when authentication is enabled and not moved back. */
  udsPort(node: string): number {
    return this.cluster.node(node).uds_port;
  }
  setContactSearchAuth(actor: Actor, enabled: boolean): void {
    this.cluster.store.transaction(() => {
      this.cluster.repo.setContactSearch(actor.node, enabled, enabled ? 9443 : this.udsPort(actor.node));
      this.cluster.record(actor, 'contact-search-authentication', { enabled, udsPort: this.udsPort(actor.node) });
    });
  }

  /**
   * What a device pool's configuration file says, from the settings read once: a batch of boots builds
   * thousands of files from one reading. Valid until the settings change.
   */
  poolConfigs(): (pool: string) => PoolConfigInput {
    const nodes = new Map(this.cluster.nodes().map((n) => [n.name, n]));
    const node = (name: string) => {
      const n = nodes.get(name);
      if (!n) throw new ClusterError(`no node named ${name}`);
      return n;
    };
    const searchUrl = this.enterpriseParameter('Secure Contact Search URL');
    const servicesUrl = this.enterpriseParameter('Secured Services URL') || `https://${this.cluster.publisher().fqdn}:8443/ccmcip/getservicesmenu.jsp`;
    const mixedMode = this.mixedMode;
    return (name) => {
      const pool = this.devicePool(name);
      const primary = node(pool.cmGroup[0]);
      return {
        devicePool: pool.name,
        callManagers: pool.cmGroup.map((n) => ({ name: n, fqdn: node(n).fqdn })),
        tvs: pool.cmGroup.map((n) => node(n).fqdn),
        mixedMode,
        secureContactSearchUrl: searchUrl || udsUsersUrl(primary),
        contactSearchAuth: primary.contact_search_auth === 1,
        secureServicesUrl: servicesUrl,
      };
    };
  }

  devicePool(name: string): DevicePoolConfig {
    const pool = this.cluster.config.phones.devicePools.find((p) => p.name === name);
    if (!pool) throw new ClusterError(`no device pool ${name}`);
    return pool;
  }
}
