// The node's active log partition (`file list|get activelog`): a small tree of log files written from
// the lab's event log, so what an admin did and what the cluster did shows up where CUCM keeps it:
// the CLI audit, certificate changes, Cisco Tftp (ITL, CTL), TVS (phone trust checks), diagnostic runs
// and replication status reports.
import zlib from 'node:zlib';
import type { LabEvent, EventPayloads } from '../lab/events';
import type { Cluster, Actor } from './cluster';

export interface LogFile {
  /** path below activelog, e.g. platform/log/cli00001.log */
  path: string;
  content: Buffer;
  modified: string;
}

export interface LogEntry {
  name: string;
  dir: boolean;
  size: number;
  modified: string;
}

/** Events read to build the tree: the latest ones only, so the tree stays small. */
export const ACTIVELOG_EVENTS = 5000;
/** A diagnostic run or a replication status report is its own file; the latest this many are kept. */
const KEEP_REPORTS = 20;

const CERT_KINDS = new Set(['certificate-regenerated', 'certificate-activated', 'certificate-imported', 'csr-generated', 'trust-imported', 'trust-deleted']);
const TFTP_KINDS = new Set(['itl-built', 'itl-reset', 'ctl-built', 'tftp-file-deleted']);

function stamp(iso: string): string {
  // "2026-12-01 18:24:23,123" (log4j's default date form), in UTC as the platform logs keep it.
  return iso.replace('T', ' ').replace('.', ',').replace('Z', '');
}

function who(e: LabEvent): string {
  return e.user ? `${e.user}@${e.node ?? '-'}` : 'system';
}

function payloadText(e: LabEvent): string {
  return Object.entries(e.payload as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

/** Whether an event concerns this node: done on it, or naming it in its payload. */
function concerns(e: LabEvent, node: string): boolean {
  const p = e.payload as Record<string, unknown>;
  if (e.node === node || p.node === node) return true;
  return Array.isArray(p.nodes) && p.nodes.includes(node);
}

const CLUSTER_WIDE = new Set(['ctl-built', 'trust-imported']);

/** The log tree of one node, built from the events of its cluster (oldest first). */
export function activeLogFiles(events: LabEvent[], node: string): LogFile[] {
  const clusterWide = (e: LabEvent) => CLUSTER_WIDE.has(e.kind);
  const reports: LogFile[] = [];
  const files = new Map<string, { lines: string[]; modified: string }>();
  const add = (path: string, at: string, line: string) => {
    const f = files.get(path) ?? { lines: [], modified: at };
    f.lines.push(line);
    f.modified = at;
    files.set(path, f);
  };
  for (const e of events) {
    const line = `${stamp(e.simTime)} ${e.kind} ${who(e)}${e.command ? ` "${e.command}"` : ''} ${payloadText(e)}`.trimEnd();
    if (e.node === node && (e.command || e.kind === 'login' || e.kind === 'logout' || e.kind === 'login-failed')) add('platform/log/cli00001.log', e.simTime, line);
    if (CERT_KINDS.has(e.kind) && (concerns(e, node) || clusterWide(e))) add('platform/log/certMgr00001.log', e.simTime, line);
    if (TFTP_KINDS.has(e.kind) && (concerns(e, node) || clusterWide(e))) add('cm/trace/tftp/sdi/ctftp00001.txt', e.simTime, line);
    if (e.kind === 'phones-booted') add('cm/trace/tvs/sdi/tvs00001.txt', e.simTime, line);
    if (e.kind === 'node-restart' || e.kind === 'node-restarted') {
      if (concerns(e, node)) add('platform/log/servm00001.log', e.simTime, line);
    }
    if (e.kind.startsWith('service-') && e.node === node) add('platform/log/servm00001.log', e.simTime, line);
    if (e.kind === 'diagnose-run' && e.node === node) {
      const p = e.payload as EventPayloads['diagnose-run'];
      reports.push({ path: `platform/log/diag${p.log}.log`, content: Buffer.from(p.lines.join('\n') + '\n'), modified: e.simTime });
    }
    if (e.kind === 'dbreplication-status' && e.node === node) {
      const p = e.payload as EventPayloads['dbreplication-status'];
      reports.push({ path: `cm/trace/dbl/sdi/ReplicationStatus.${p.stamp}.out`, content: Buffer.from(p.lines.join('\n') + '\n'), modified: e.simTime });
    }
  }
  const out: LogFile[] = [...files].map(([path, f]) => ({ path, content: Buffer.from(f.lines.join('\n') + '\n'), modified: f.modified }));
  out.push(...reports.slice(-KEEP_REPORTS));
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The entries directly inside `dir` ('' is the top), directories first as the VOS listing puts them. */
export function entriesIn(files: LogFile[], dir: string): LogEntry[] | null {
  const prefix = dir === '' ? '' : `${dir}/`;
  const dirs = new Map<string, LogEntry>();
  const plain: LogEntry[] = [];
  let exists = dir === '';
  for (const f of files) {
    if (!f.path.startsWith(prefix)) continue;
    exists = true;
    const rest = f.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) {
      plain.push({ name: rest, dir: false, size: f.content.length, modified: f.modified });
    } else {
      const name = rest.slice(0, slash);
      const d = dirs.get(name);
      if (!d || d.modified < f.modified) dirs.set(name, { name, dir: true, size: 0, modified: f.modified });
    }
  }
  if (!exists) return null;
  return [...[...dirs.values()].sort((a, b) => a.name.localeCompare(b.name)), ...plain.sort((a, b) => a.name.localeCompare(b.name))];
}

/** gzip each file (file get ... compress). */
export function compressFiles(files: { name: string; content: Buffer }[]): { name: string; content: Buffer }[] {
  return files.map((f) => ({ name: `${f.name}.gz`, content: zlib.gzipSync(f.content) }));
}

/** Records a diagnostic run or a replication status report, whose file then appears in the tree. */
export function recordReport<K extends 'diagnose-run' | 'dbreplication-status'>(cluster: Cluster, actor: Actor, kind: K, payload: EventPayloads[K]): void {
  cluster.store.transaction(() => cluster.record(actor, kind, payload));
}

/** The number the next diag<N>.log of a node gets. */
export function nextDiagLog(events: LabEvent[], node: string): number {
  let n = 0;
  for (const e of events) if (e.kind === 'diagnose-run' && e.node === node) n = Math.max(n, (e.payload as EventPayloads['diagnose-run']).log);
  return n + 1;
}
