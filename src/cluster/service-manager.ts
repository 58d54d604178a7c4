// Service Manager (ServM) of each node: the services, their state, starts, stops and restarts, and the
// restart of a whole node that the lab's scheduler completes.
import type { Cluster, Actor } from './cluster';
import type { ServiceDefinition } from './config';
import { planServiceAction, type ServiceAction, type ServicePlan, type ServiceState } from './services';
import { activatePending } from './certificates';
import { ClusterError } from './errors';

/** Simulated seconds a `utils system restart` keeps a node down. */
export const NODE_RESTART_SECONDS = 300;

export const TFTP = 'Cisco Tftp';
export const CAPF_SERVICE = 'Cisco Certificate Authority Proxy Function';
export const TVS_SERVICE = 'Cisco Trust Verification Service';
export const CALLMANAGER = 'Cisco CallManager';
export const CTL_PROVIDER = 'Cisco CTL Provider';

export interface ServiceStatus {
  def: ServiceDefinition;
  state: ServiceState;
}

export class ServiceManager {
  constructor(private readonly cluster: Cluster) {}

  private toStatus(def: ServiceDefinition, row: { activated: number; state: string; reason: string }): ServiceStatus {
    return { def, state: { activated: row.activated === 1, state: row.state as ServiceState['state'], reason: row.reason as ServiceState['reason'] } };
  }

  list(node: string): ServiceStatus[] {
    const defs = new Map(this.cluster.config.services.map((d) => [d.name, d]));
    return this.cluster.repo.services(node).map((r) => this.toStatus(defs.get(r.name)!, r));
  }

  /** Finds a service by the name typed: exact first, then a unique case-insensitive match. */
  find(node: string, typed: string): ServiceStatus | undefined {
    const all = this.list(node);
    const exact = all.find((s) => s.def.name === typed);
    if (exact) return exact;
    const ci = all.filter((s) => s.def.name.toLowerCase() === typed.toLowerCase());
    return ci.length === 1 ? ci[0] : undefined;
  }

  plan(node: string, service: string, action: ServiceAction): ServicePlan {
    const s = this.find(node, service);
    if (!s) throw new ClusterError(`no service ${service} on ${node}`);
    return planServiceAction(s.def, s.state, action);
  }

  /** Applies a service action in one transaction, re-planned against the state at commit time. */
  apply(actor: Actor, service: string, action: ServiceAction): ServicePlan {
    return this.cluster.store.transaction(() => {
      const s = this.find(actor.node, service);
      if (!s) throw new ClusterError(`no service ${service} on ${actor.node}`);
      const plan = planServiceAction(s.def, s.state, action);
      if (plan.outcome === 'change') {
        this.cluster.repo.updateService({
          node: actor.node, name: s.def.name, activated: plan.next.activated ? 1 : 0, state: plan.next.state, reason: plan.next.reason,
        });
        this.cluster.record(actor, `service-${action}`, { service: s.def.name, from: s.state, to: plan.next });
        if (plan.next.state === 'STARTED') activatePending(this.cluster, actor, actor.node, s.def.name);
        // Starting Cisco Tftp makes it build its ITL afresh (undoing a reset ITL).
        const tftpStarts = s.def.name === TFTP && plan.next.state === 'STARTED';
        if (tftpStarts) this.cluster.certificates.loadForTftp(actor.node);
        this.cluster.tftp.refresh(actor, tftpStarts ? [actor.node] : []);
      }
      return plan;
    });
  }

  /** utils system restart: the node goes down now and comes back when the scheduler says it is due. */
  restartNode(actor: Actor): void {
    this.cluster.store.transaction(() => {
      const until = new Date(this.cluster.clock.nowMs() + NODE_RESTART_SECONDS * 1000).toISOString();
      this.cluster.repo.setRestartingUntil(actor.node, until);
      this.cluster.record(actor, 'node-restart', { node: actor.node, until });
    });
    this.cluster.wake();
  }

  /** A node back from its restart: every activated service comes up; manual stops do not survive a reboot. */
  completeRestart(node: string): void {
    for (const s of this.list(node)) {
      if (s.state.activated && s.state.state !== 'STARTED') {
        this.cluster.repo.updateService({ node, name: s.def.name, activated: 1, state: 'STARTED', reason: '' });
      }
    }
    this.cluster.repo.setRestartingUntil(node, null);
    this.cluster.repo.setBootedAt(node, this.cluster.clock.now().toISOString());
    this.cluster.record(null, 'node-restarted', { node });
    activatePending(this.cluster, null, node, 'all');
    this.cluster.certificates.loadForTftp(node);
    this.cluster.tftp.refresh(null, [node]);
  }

  /** The node is down for a restart. */
  restarting(node: string): boolean {
    return this.cluster.node(node).restarting_until !== null;
  }

  /** Activated on the node (running or not). */
  activated(node: string, name: string): boolean {
    return this.cluster.repo.service(node, name)?.activated === 1;
  }
  started(node: string, name: string): boolean {
    const r = this.cluster.repo.service(node, name);
    return r?.activated === 1 && r.state === 'STARTED';
  }

  /** Nodes where Cisco Tftp is activated and running. */
  activeTftpNodes(): string[] {
    return this.cluster.nodes().map((n) => n.name).filter((n) => this.started(n, TFTP));
  }
}
