// The check vocabulary of scenario objectives and penalties: a small, declarative language over the
// lab's state (phones, trust files, settings, certificates, the lab SFTP server's files) and its typed
// event log. Checks are data from the scenario file; evaluating one only reads the lab (no SQL, no
// code from the file). Each check says whether it holds and what shows it: facts and events.
import fs from 'node:fs';
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import type { Lab } from '../lab/lab';
import type { LabEvent } from '../lab/events';
import { isEventKind } from '../lab/events';
import type { Cluster } from '../cluster/cluster';
import type { PhoneRow } from '../phones/phone';
import { phoneModel } from '../phones/models';
import { readPhoneConfig } from '../phones/config-file';
import { verifyTrustList } from '../tlv';

/** A pattern over events: a kind, and payload fields (dotted paths) that must equal the values given. */
export interface EventPattern {
  kind: string;
  where?: Record<string, string | number | boolean>;
}

export interface PhonesCheck {
  cluster?: string;
  /** only the phones of Security By Default models */
  sbd?: boolean;
  /** only phones of these models */
  models?: string[];
  registered?: boolean;
  /** the installed ITL is byte for byte the one the phone's TFTP node serves now */
  'itl-current'?: boolean;
  /** the installed ITL verifies with the current certificate of this unit (the TFTP node's, else the publisher's) */
  'itl-signed-by'?: string;
  'ctl-current'?: boolean;
  'ctl-signed-by'?: string;
  /** the configuration the phone runs on turns contact search authentication on, and the model does it */
  'contact-search-authenticated'?: boolean;
  /** the phone shows no status containing this text */
  'status-not'?: string;
}

export type Check =
  | { phones: PhonesCheck }
  | { 'mixed-mode': boolean; cluster?: string }
  | { 'enterprise-parameter': { name: string; value: string; cluster?: string } }
  | { 'contact-search': { enabled: boolean; 'uds-port'?: number; cluster?: string } }
  | { certificate: { unit: string; node?: string; 'key-size'?: number; cluster?: string } }
  | { 'sftp-file': string }
  | { happened: EventPattern }
  | { never: EventPattern }
  | { sequence: EventPattern[] }
  | { between: { from: EventPattern; to: EventPattern; without: EventPattern } }
  | { not: Check }
  | { all: Check[] }
  | { any: Check[] };

export interface Outcome {
  met: boolean;
  facts: string[];
  events: LabEvent[];
}

export class CheckError extends Error {}

const KEYS = ['phones', 'mixed-mode', 'enterprise-parameter', 'contact-search', 'certificate', 'sftp-file', 'happened', 'never', 'sequence', 'between', 'not', 'all', 'any'];
const PHONE_KEYS = ['cluster', 'sbd', 'models', 'registered', 'itl-current', 'itl-signed-by', 'ctl-current', 'ctl-signed-by', 'contact-search-authenticated', 'status-not'];
const MAX_DEPTH = 8;

function pattern(p: unknown, where: string): void {
  if (!p || typeof p !== 'object' || typeof (p as EventPattern).kind !== 'string') throw new CheckError(`${where}: an event pattern needs a kind`);
  const e = p as EventPattern;
  if (!isEventKind(e.kind)) throw new CheckError(`${where}: unknown event kind ${e.kind}`);
  if (e.where !== undefined && (typeof e.where !== 'object' || Object.values(e.where).some((v) => typeof v === 'object'))) throw new CheckError(`${where}: where takes plain values`);
}

/** Rejects what the vocabulary does not know, before a scenario runs. */
export function validateCheck(c: unknown, where: string, depth = 0): asserts c is Check {
  if (depth > MAX_DEPTH) throw new CheckError(`${where}: checks nested too deep`);
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new CheckError(`${where}: a check is a mapping`);
  const key = Object.keys(c).find((k) => KEYS.includes(k));
  if (!key) throw new CheckError(`${where}: unknown check ${Object.keys(c).join(', ')}; known: ${KEYS.join(', ')}`);
  const v = (c as Record<string, unknown>)[key];
  switch (key) {
    case 'phones':
      for (const k of Object.keys(v as object)) if (!PHONE_KEYS.includes(k)) throw new CheckError(`${where}: unknown phones condition ${k}`);
      break;
    case 'happened':
    case 'never':
      pattern(v, where);
      break;
    case 'sequence':
      if (!Array.isArray(v) || v.length < 2) throw new CheckError(`${where}: a sequence lists two events or more`);
      v.forEach((p) => pattern(p, where));
      break;
    case 'between': {
      const b = v as Record<string, unknown>;
      for (const k of ['from', 'to', 'without']) pattern(b?.[k], `${where} between.${k}`);
      break;
    }
    case 'not':
      validateCheck(v, where, depth + 1);
      break;
    case 'all':
    case 'any':
      if (!Array.isArray(v) || !v.length) throw new CheckError(`${where}: ${key} lists checks`);
      v.forEach((x) => validateCheck(x, where, depth + 1));
      break;
    case 'sftp-file':
      if (typeof v !== 'string' || !/^[\w.-]{1,100}$/.test(v)) throw new CheckError(`${where}: sftp-file takes a file name`);
      break;
    default:
      break;
  }
}

/** What a check reads: the lab, and its events since the exercise began. */
export interface CheckContext {
  lab: Lab;
  /** events since the start, oldest first */
  events: LabEvent[];
  /** the lab SFTP server's root directory */
  sftpRoot: string;
}

function field(payload: unknown, dotted: string): unknown {
  let v: unknown = payload;
  for (const k of dotted.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return v;
}

export function matches(e: LabEvent, p: EventPattern): boolean {
  if (e.kind !== p.kind) return false;
  for (const [k, want] of Object.entries(p.where ?? {})) {
    const got = k === 'user' || k === 'node' || k === 'cluster' ? (e as unknown as Record<string, unknown>)[k] : field(e.payload, k);
    if (String(got).toLowerCase() !== String(want).toLowerCase()) return false;
  }
  return true;
}

const describePattern = (p: EventPattern) => `${p.kind}${p.where ? ` (${Object.entries(p.where).map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}`;

function clusterOf(lab: Lab, name?: string): Cluster {
  return name ? lab.cluster(name) : lab.defaultCluster;
}

/** The latest event of these kinds: what last changed the state a check looks at. */
function lastOf(ctx: CheckContext, kinds: string[]): LabEvent[] {
  for (let i = ctx.events.length - 1; i >= 0; i--) if (kinds.includes(ctx.events[i].kind)) return [ctx.events[i]];
  return [];
}

function phonesCheck(ctx: CheckContext, c: PhonesCheck): Outcome {
  const cluster = clusterOf(ctx.lab, c.cluster);
  const fleet = ctx.lab.fleetOf(cluster.name);
  // Phones of one pool share their TFTP node's files and certificates, and most hold the same lists:
  // each is read, and each signature checked, once per evaluation.
  const once = <T>(cache: Map<string, T>, key: string, f: () => T): T => {
    if (!cache.has(key)) cache.set(key, f());
    return cache.get(key)!;
  };
  const certs = new Map<string, string | undefined>();
  const files = new Map<string, Buffer | undefined>();
  const signatures = new Map<string, boolean>();
  const certFor = (p: PhoneRow, unit: string) => once(certs, `${p.device_pool}\n${unit}`, () => {
    const tftp = cluster.settings.devicePool(p.device_pool).tftp;
    return (cluster.certificates.find(tftp, unit) ?? cluster.certificates.find(cluster.publisher().name, unit))?.cert_pem;
  });
  const served = (p: PhoneRow, name: string) => once(files, `${p.device_pool}\n${name}`, () => cluster.tftp.file(cluster.settings.devicePool(p.device_pool).tftp, name)?.content);
  const held = fleet.holdings();
  const phones = fleet.phones().filter((p) => (!c.sbd || phoneModel(p.model).sbd) && (!c.models || c.models.includes(p.model)));
  const bad: string[] = [];
  for (const p of phones) {
    const t = held(p);
    const why: string[] = [];
    if (c.registered !== undefined && (p.reg_state === 'reg' && !p.reboot_until) !== c.registered) why.push(p.reboot_until ? 'rebooting' : p.reg_state === 'reg' ? 'registered' : `not registered (${p.status})`);
    if (c['itl-current'] && !(t.itl && served(p, 'ITLFile.tlv')?.equals(t.itl))) why.push('ITL not current');
    if (c['ctl-current'] && !(t.ctl && served(p, 'CTLFile.tlv')?.equals(t.ctl))) why.push('CTL not current');
    for (const [key, file] of [['itl-signed-by', t.itl], ['ctl-signed-by', t.ctl]] as const) {
      const unit = c[key];
      if (!unit) continue;
      const pem = certFor(p, unit);
      const hash = key === 'itl-signed-by' ? p.itl_hash : p.ctl_hash;
      if (!file || !pem || !once(signatures, `${hash}\n${pem}`, () => verifyTrustList(file, pem).ok)) why.push(`${key === 'itl-signed-by' ? 'ITL' : 'CTL'} not signed by ${unit}`);
    }
    if (c['contact-search-authenticated'] !== undefined) {
      const on = !!t.config && readPhoneConfig(t.config.toString('utf8')).contactSearchAuth && phoneModel(p.model).contactSearchAuth;
      if (on !== c['contact-search-authenticated']) why.push(`contact search ${on ? '' : 'not '}authenticated`);
    }
    if (c['status-not'] && p.status.toLowerCase().includes(c['status-not'].toLowerCase())) why.push(`status ${p.status}`);
    if (why.length) bad.push(`${p.name} (${p.model}): ${why.join(', ')}`);
  }
  const met = phones.length > 0 && bad.length === 0;
  const facts = [`${phones.length - bad.length} of ${phones.length} phones${c.sbd ? ' (Security By Default)' : ''} qualify`, ...bad.slice(0, 5)];
  if (bad.length > 5) facts.push(`and ${bad.length - 5} more`);
  return { met, facts, events: lastOf(ctx, ['phones-booted', 'phones-reset', 'phones-trust-list-deleted']) };
}

function sftpFiles(root: string, name: string): string[] {
  // A bounded walk: the lab SFTP server keeps its own caps; this only looks, at most 2000 entries deep 4.
  const found: string[] = [];
  let seen = 0;
  const walk = (dir: string, depth: number) => {
    if (depth > 4) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > 2000) return;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, depth + 1);
      else if (e.isFile() && e.name === name) found.push('/' + path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root, 0);
  return found;
}

export function evaluate(ctx: CheckContext, c: Check): Outcome {
  const ok = (met: boolean, facts: string[], events: LabEvent[] = []): Outcome => ({ met, facts, events });
  if ('phones' in c) return phonesCheck(ctx, c.phones);
  if ('mixed-mode' in c) {
    const mixed = clusterOf(ctx.lab, c.cluster).settings.mixedMode;
    return ok(mixed === c['mixed-mode'], [`the cluster is in ${mixed ? 'mixed' : 'non-secure'} mode`], lastOf(ctx, ['ctl-built']));
  }
  if ('enterprise-parameter' in c) {
    const e = c['enterprise-parameter'];
    const v = clusterOf(ctx.lab, e.cluster).settings.enterpriseParameter(e.name);
    return ok(v.toLowerCase() === String(e.value).toLowerCase(), [`${e.name} is ${v || '(default)'}`], lastOf(ctx, ['enterprise-parameter']));
  }
  if ('contact-search' in c) {
    const s = c['contact-search'];
    const cluster = clusterOf(ctx.lab, s.cluster);
    const nodes = cluster.nodes().map((n) => n.name);
    const wrong = nodes.filter((n) => cluster.settings.contactSearchAuth(n) !== s.enabled || (s['uds-port'] !== undefined && cluster.settings.udsPort(n) !== s['uds-port']));
    const facts = nodes.map((n) => `${n}: authentication ${cluster.settings.contactSearchAuth(n) ? 'enabled' : 'disabled'}, UDS port ${cluster.settings.udsPort(n)}`);
    return ok(wrong.length === 0, facts, lastOf(ctx, ['contact-search-authentication']));
  }
  if ('certificate' in c) {
    const s = c.certificate;
    const cluster = clusterOf(ctx.lab, s.cluster);
    const node = s.node ?? cluster.publisher().name;
    const row = cluster.certificates.find(node, s.unit);
    const size = row ? keySize(row.cert_pem) : 0;
    return ok(!!row && (s['key-size'] === undefined || size === s['key-size']), [`${s.unit} of ${node} has a ${size}-bit key`], lastOf(ctx, ['certificate-regenerated']));
  }
  if ('sftp-file' in c) {
    const found = sftpFiles(ctx.sftpRoot, c['sftp-file']);
    return ok(found.length > 0, found.length ? found.map((f) => `${f} is on the SFTP server`) : [`no ${c['sftp-file']} on the SFTP server`], lastOf(ctx, ['file-exported']));
  }
  if ('happened' in c) {
    const e = ctx.events.find((x) => matches(x, c.happened));
    return ok(!!e, e ? [] : [`no ${describePattern(c.happened)} yet`], e ? [e] : []);
  }
  if ('never' in c) {
    const e = ctx.events.find((x) => matches(x, c.never));
    return ok(!e, e ? [] : [`no ${describePattern(c.never)}`], e ? [e] : []);
  }
  if ('sequence' in c) {
    const seen: LabEvent[] = [];
    for (const e of ctx.events) if (seen.length < c.sequence.length && matches(e, c.sequence[seen.length])) seen.push(e);
    const met = seen.length === c.sequence.length;
    return ok(met, met ? [] : [`waiting for ${describePattern(c.sequence[seen.length])}`], seen);
  }
  if ('between' in c) {
    // An occurrence of `to` after a `from` with no `without` in between.
    let open: LabEvent | null = null;
    for (const e of ctx.events) {
      if (open && matches(e, c.between.to)) return ok(true, [`${describePattern(c.between.to)} came before ${describePattern(c.between.without)}`], [open, e]);
      if (matches(e, c.between.from)) open = e;
      else if (open && matches(e, c.between.without)) open = null;
    }
    return ok(false, []);
  }
  if ('not' in c) {
    const r = evaluate(ctx, c.not);
    return { ...r, met: !r.met };
  }
  if ('all' in c) {
    const rs = c.all.map((x) => evaluate(ctx, x));
    return ok(rs.every((r) => r.met), rs.flatMap((r) => r.facts), rs.flatMap((r) => r.events));
  }
  const rs = c.any.map((x) => evaluate(ctx, x));
  const hit = rs.find((r) => r.met);
  return hit ?? ok(false, rs.flatMap((r) => r.facts), rs.flatMap((r) => r.events));
}

function keySize(pem: string): number {
  try {
    const k = new X509Certificate(pem).publicKey.asymmetricKeyDetails;
    return k?.modulusLength ?? 0;
  } catch {
    return 0;
  }
}
