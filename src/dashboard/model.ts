// What the dashboard shows, read from a lab: clusters and nodes with the services that matter for
// security, the trust files each TFTP node serves, phone counts (aggregated by the store) and one page
// of the phone list. Plain data; the view (view.ts) only lays it out.
import type { Lab } from '../lab/lab';
import { EVENT_CATALOGUE, type LabEvent } from '../lab/events';
import { TFTP, TVS_SERVICE, CALLMANAGER, CTL_PROVIDER, CAPF_SERVICE } from '../cluster/cluster';
import { ITL_FILE, CTL_FILE, ITL_SIZE_LIMIT } from '../cluster/trustfiles';
import { parseTrustList, md5Hex } from '../tlv';
import type { PhoneSummary } from '../phones/summary';
import type { PhoneRow } from '../phones/phone';
import { objectivesOf, type ScenarioObjectives } from './objectives';

/** The services the dashboard follows, with their column titles. */
export const WATCHED_SERVICES: [title: string, service: string][] = [
  ['TFTP', TFTP], ['TVS', TVS_SERVICE], ['CM', CALLMANAGER], ['CTI', 'Cisco CTIManager'],
  ['CTLP', CTL_PROVIDER], ['CAPF', CAPF_SERVICE], ['Tomcat', 'Cisco Tomcat'],
];

/** up: started; down: activated and stopped; off: not activated; '-': not on this node; boot: restarting. */
export type ServiceMark = 'up' | 'down' | 'off' | '-' | 'boot';

export interface NodeView {
  name: string;
  publisher: boolean;
  services: ServiceMark[];
}

export interface TrustFileView {
  signer: string;
  size: number;
  md5: string;
  overLimit: boolean;
}

export interface TftpView {
  node: string;
  itl: TrustFileView | null;
  ctl: TrustFileView | null;
}

export interface ClusterView {
  name: string;
  version: string;
  mixed: boolean;
  online: boolean;
  nodes: NodeView[];
  tftp: TftpView[];
  phones: PhoneSummary;
}

export interface PhoneListRow {
  name: string;
  model: string;
  pool: string;
  tftp: string;
  /** the signer of the ITL the phone holds, or '-' */
  itl: string;
  /** the phone's state and last status, with the simulated time it changed */
  last: string;
}

/** The signer's CN of a trust file, cached by content (the same few files are read every frame). */
class SignerCache {
  private readonly byMd5 = new Map<string, string>();
  signer(content: Buffer, md5 = md5Hex(content)): string {
    let s = this.byMd5.get(md5);
    if (s === undefined) {
      try {
        s = /CN=([^;,]*)/.exec(parseTrustList(content).header.signerName)?.[1] ?? '?';
      } catch {
        s = 'unreadable';
      }
      if (this.byMd5.size >= 256) this.byMd5.clear();
      this.byMd5.set(md5, s);
    }
    return s;
  }
}

const hms = (iso: string) => iso.slice(11, 19);
/** How long the count of a filter's matches is reused. */
const MATCH_COUNT_MS = 1000;

/** The source of everything the dashboard shows. */
export interface DashboardSource {
  /** what the frame's title says: the lab's data directory, or a seat's name */
  readonly title: string;
  clusters(): ClusterView[];
  /** one page of a cluster's phone list */
  phones(cluster: string, filter: string, offset: number, limit: number): { total: number; rows: PhoneListRow[] };
  /** the latest events, oldest first */
  recentEvents(limit: number): LabEvent[];
  /** live events from now on; returns the unsubscribe function */
  subscribe(listener: (e: LabEvent) => void): () => void;
  objectives(): ScenarioObjectives | null;
  /** the lab's simulated time now */
  now(): Date;
}

/** A lab seen by the dashboard; `follow` replaces the lab's own event bus (a read-only attach). */
export function labSource(lab: Lab, title: string, follow?: DashboardSource['subscribe']): DashboardSource {
  const signers = new SignerCache();
  const itlSigners = new Map<string, string>();
  // The number of phones a filter matches costs a read of every phone: counted at most once a second.
  let matches: { key: string; total: number; at: number } | null = null;
  const trustFile = (node: string, name: string, c: ReturnType<Lab['cluster']>): TrustFileView | null => {
    const f = c.tftp.file(node, name);
    if (!f) return null;
    const md5 = md5Hex(f.content);
    return { signer: signers.signer(f.content, md5), size: f.content.length, md5, overLimit: name === ITL_FILE && f.content.length > ITL_SIZE_LIMIT };
  };
  return {
    title,
    clusters() {
      return [...lab.clusters.values()].map((c) => {
        const nodes = c.nodes().map((n) => {
          const restarting = n.restarting_until !== null;
          const list = new Map(c.services.list(n.name).map((s) => [s.def.name, s.state]));
          const services = WATCHED_SERVICES.map(([, name]): ServiceMark => {
            const st = list.get(name);
            if (!st) return '-';
            if (restarting) return 'boot';
            return !st.activated ? 'off' : st.state === 'STARTED' ? 'up' : 'down';
          });
          return { name: n.name, publisher: n.role === 'publisher', services };
        });
        const tftp = c.services.activeTftpNodes().map((node) => ({ node, itl: trustFile(node, ITL_FILE, c), ctl: trustFile(node, CTL_FILE, c) }));
        return { name: c.name, version: c.version, mixed: c.settings.mixedMode, online: c.online, nodes, tftp, phones: lab.fleetOf(c.name).summary() };
      });
    },
    phones(cluster, filter, offset, limit) {
      const fleet = lab.fleetOf(cluster);
      const key = `${cluster}\n${filter}`;
      const known = filter && matches?.key === key && Date.now() - matches.at < MATCH_COUNT_MS ? matches.total : null;
      const page = fleet.page(filter, offset, limit, known === null);
      const total = known ?? page.total ?? 0;
      if (filter && known === null) matches = { key, total, at: Date.now() };
      const itlOf = (p: PhoneRow) => {
        if (!p.itl_hash) return '-';
        let s = itlSigners.get(p.itl_hash);
        if (s === undefined) {
          const itl = fleet.installed(p).itl;
          s = itl ? signers.signer(itl) : '-';
          if (itlSigners.size >= 256) itlSigners.clear();
          itlSigners.set(p.itl_hash, s);
        }
        return s;
      };
      const state = (p: PhoneRow) => (p.reboot_until ? 'Rebooting' : p.reg_state === 'reg' ? `Registered ${p.reg_node ?? ''}`.trim() : p.status || (p.reg_state === 'rej' ? 'Rejected' : 'Unregistered'));
      return {
        total,
        rows: page.rows.map((p) => ({ name: p.name, model: p.model, pool: p.device_pool, tftp: p.tftp, itl: itlOf(p), last: `${hms(p.reg_changed_at)} ${state(p)}` })),
      };
    },
    recentEvents: (limit) => lab.recentEvents(limit),
    subscribe: follow ?? ((l) => lab.events.subscribe(l)),
    objectives: () => objectivesOf(lab),
    now: () => lab.clock.now(),
  };
}

/** One line of the live feed: simulated time, where, and what happened. */
export function feedLine(e: LabEvent): string {
  const where = [e.cluster, e.node].filter(Boolean).join('/');
  const p = e.payload as Record<string, unknown>;
  let what: string = EVENT_CATALOGUE[e.kind] ?? e.kind;
  if (e.kind === 'phones-booted') {
    const b = e.payload as LabEvent<'phones-booted'>['payload'];
    what = `${b.booted} booted: ${b.registered} registered, ${b.rejected} rejected, ${b.unregistered} unregistered`;
  } else if (e.kind === 'phones-reset' || e.kind === 'phones-trust-list-deleted') {
    what = `${what}: ${p.phones}`;
  } else if (typeof p.service === 'string') {
    what = `${what}: ${p.service}`;
  } else if (typeof p.signer === 'string') {
    what = `${what} (signer ${p.signer})`;
  }
  const who = e.user ? ` [${e.user}]` : '';
  return `${hms(e.simTime)} ${where ? where + ' ' : ''}${what}${who}`;
}
