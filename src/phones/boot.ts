// What a phone does when it boots: fetch CTL, ITL and its configuration from its TFTP server and
// decide, by verifying real signatures, what to trust (rules I1-I9, C1-C6, F1-F4 of the reference).
// Pure: the files, the TVS answers and the registration target come from the caller.
import { createHash } from 'node:crypto';
import {
  parseTrustList, verifyTrustList, isSignerRecord, parseSignedFile, verifySignedFile, Role, TlvFormatError,
  type ParsedTrustList, type ParsedRecord,
} from '../tlv';
import type { PhoneModel } from './models';
import { ITL_SIZE_LIMIT } from '../cluster/trustfiles';


export interface InstalledTrust {
  /** the last status message the phone showed */
  status: string;
  ctl: Buffer | null;
  itl: Buffer | null;
  /** the configuration file last accepted, null if none ever was */
  config: Buffer | null;
}

/** A TVS reached over TLS: null when no TVS of the phone's group answers or TLS to it fails. */
export type TvsQuery = (issuer: string, serial: Buffer, installedItl: ParsedTrustList | null) => { certPem: string; roles: number[] } | null;

export interface BootEnvironment {
  model: PhoneModel;
  deviceName: string;
  /** false while Cisco Tftp is stopped on the phone's TFTP node */
  tftpServing: boolean;
  download(name: string): Buffer | null;
  /**
   * A signed configuration offered, before it is signed: its body and who signs it. Phones that hold
   * the same trust lists decide the same on files of one signer, so only the first is signed and checked.
   */
  unsignedConfig?(name: string): { body: Buffer; signer: string } | null;
  tvs: TvsQuery;
  /** the first node of the CallManager group running Cisco CallManager, and its CallManager key size */
  callManager: { node: string; rsaBits: number | null } | null;
  /**
   * Decisions already taken in this environment: phones of one pool holding the same lists and offered
   * the same files decide the same way, so a bulk reset verifies each distinct case once.
   */
  memo?: Map<string, Decision & { fatal?: boolean }>;
}

export interface BootOutcome extends InstalledTrust {
  reg: 'reg' | 'unr' | 'rej';
  regNode: string | null;
}

// Phones of a batch share the buffers of one trust list: hash and parse each buffer once.
const hashes = new WeakMap<Buffer, string>();
const parsed = new WeakMap<Buffer, ParsedTrustList | null>();

/** The SHA-1 a phone's files are kept under, computed once per buffer. */
export function fileHash(b: Buffer): string {
  let h = hashes.get(b);
  if (h === undefined) hashes.set(b, (h = createHash('sha1').update(b).digest('hex')));
  return h;
}

function parse(buf: Buffer): ParsedTrustList | null {
  if (parsed.has(buf)) return parsed.get(buf)!;
  let list: ParsedTrustList | null;
  try {
    list = parseTrustList(buf);
  } catch (e) {
    if (!(e instanceof TlvFormatError)) throw e;
    list = null;
  }
  parsed.set(buf, list);
  return list;
}

/** The certificate in `list` that signed `file`, among records of `roles`, if it verifies. */
function signedBy(file: Buffer, header: ParsedTrustList['header'], list: ParsedTrustList, roles: number[]): boolean {
  return list.records.some(
    (r) => roles.includes(r.role) && r.certificate && isSignerRecord(header, r) && verifyTrustList(file, r.certificate).ok,
  );
}

/** A rollback ("empty") ITL: no TVS and no TFTP certificates, so the phone accepts what comes next. */
export function isRollbackItl(itl: ParsedTrustList): boolean {
  return !itl.records.some((r) => (r.role === Role.TVS || r.role === Role.TFTP || r.role === Role.CCM_TFTP) && r.certificate);
}

type Decision = { accept: boolean; status?: string };

/** Rules C1-C5 for a downloaded CTL. */
function decideCtl(file: Buffer, installed: Buffer | null, model: PhoneModel, tvs: TvsQuery, itl: ParsedTrustList | null): Decision {
  const next = parse(file);
  if (!next) return { accept: false, status: 'CTL update failed' };
  if (installed && fileHash(installed) === fileHash(file)) return { accept: false };
  if (!installed) return { accept: true, status: 'CTL installed' }; // C1: trust on first use
  const current = parse(installed);
  if (current && signedBy(file, next.header, current, [Role.SAST])) return { accept: true, status: 'Trust List updated' }; // C2
  if (model.tvs) {
    const known = tvs(next.header.caName, next.header.serialNumber, itl); // C3
    if (known && verifyTrustList(file, known.certPem).ok) return { accept: true, status: 'Trust List updated' };
  }
  return { accept: false, status: 'CTL update failed' }; // C4, C5
}

/** Rules I1-I8 for a downloaded ITL. */
function decideItl(file: Buffer, installed: Buffer | null, ctl: Buffer | null, model: PhoneModel, tvs: TvsQuery): Decision & { fatal?: boolean } {
  if (file.length > ITL_SIZE_LIMIT) return { accept: false, fatal: true, status: 'Trust List update failed' }; // I8
  const next = parse(file);
  if (!next) return { accept: false, status: 'Trust List update failed' };
  if (installed && fileHash(installed) === fileHash(file)) return { accept: false }; // I3
  const ctlList = ctl ? parse(ctl) : null;
  if (ctlList) {
    // I2: with a CTL, only a SAST of the CTL may sign the ITL.
    return signedBy(file, next.header, ctlList, [Role.SAST]) ? { accept: true, status: installed ? 'Trust List updated' : 'ITL installed' } : { accept: false, status: 'Trust List update failed' };
  }
  if (!installed) return { accept: true, status: 'ITL installed' }; // I1
  const current = parse(installed);
  if (!current || isRollbackItl(current)) return { accept: true, status: 'Trust List updated' }; // I7
  if (signedBy(file, next.header, current, [Role.SAST])) return { accept: true, status: 'Trust List updated' }; // I4
  if (model.tvs) {
    // I5: ask TVS about the signer certificate the new file carries.
    const signer = next.records.find((r: ParsedRecord) => r.role === Role.SAST && r.certificate && isSignerRecord(next.header, r));
    const known = signer && tvs(next.header.caName, next.header.serialNumber, current);
    if (known && verifyTrustList(file, known.certPem).ok) return { accept: true, status: 'Trust List updated' };
  }
  return { accept: false, status: 'Trust List update failed' }; // I6
}

/** The record names the header's signer: same serial and issuer, whatever its role. */
function namesSigner(header: ParsedTrustList['header'], r: ParsedRecord): boolean {
  return !!r.serial?.equals(header.serialNumber) && r.issuerName === header.caName;
}

/**
 * Rules F1-F4: the signed configuration must verify with a TFTP or CCM+TFTP certificate of the trust
 * list (the CTL if there is one, else the ITL), or one TVS vouches for; TLS to TVS is checked against
 * the ITL's TVS records. `trustKey` names the model and the lists held, under which the decision is shared.
 */
function decideConfig(env: BootEnvironment, trust: ParsedTrustList | null, itl: ParsedTrustList | null, rollback: boolean, trustKey: string): Buffer | null {
  const plain = `${env.deviceName}.cnf.xml`;
  if (!env.model.sbd || !trust || rollback) return env.download(plain); // B5, F4
  const offered = env.memo && env.unsignedConfig?.(`${plain}.sgn`);
  if (!offered) return verifiedConfig(env, `${plain}.sgn`, trust, itl);
  const k = `config/${offered.signer}/${trustKey}`;
  let d = env.memo!.get(k);
  if (!d) {
    d = { accept: verifiedConfig(env, `${plain}.sgn`, trust, itl) !== null };
    env.memo!.set(k, d);
  }
  return d.accept ? offered.body : null;
}

function verifiedConfig(env: BootEnvironment, name: string, trust: ParsedTrustList, itl: ParsedTrustList | null): Buffer | null {
  const sgn = env.download(name);
  if (!sgn) return null;
  let header;
  try {
    header = parseSignedFile(sgn).header;
  } catch (e) {
    if (e instanceof TlvFormatError) return null;
    throw e;
  }
  const holders = trust.records.filter((r) => (r.role === Role.TFTP || r.role === Role.CCM_TFTP) && r.certificate && namesSigner(header, r));
  if (holders.some((r) => verifySignedFile(sgn, r.certificate!).ok)) return parseSignedFile(sgn).body; // F1
  if (env.model.tvs) {
    const known = env.tvs(header.caName, header.serialNumber, itl); // F2
    if (known && known.roles.some((x) => x === Role.TFTP || x === Role.CCM_TFTP) && verifySignedFile(sgn, known.certPem).ok) return parseSignedFile(sgn).body;
  }
  return null; // F3: the phone keeps its last good configuration
}

/** Messages that say what trust list the phone holds; others (TFTP Timeout, File auth error...) are passing. */
const TRUST_MESSAGES = new Set(['ITL installed', 'CTL installed', 'CTL and ITL installed', 'Trust List updated']);

function holding(t: InstalledTrust): string {
  return t.ctl && t.itl ? 'CTL and ITL installed' : t.itl ? 'ITL installed' : t.ctl ? 'CTL installed' : 'No Trust List installed';
}

export function bootPhone(env: BootEnvironment, before: InstalledTrust): BootOutcome {
  // The configuration held is read only if the phone keeps it (`before` may read it lazily).
  const out: BootOutcome = { status: '', ctl: before.ctl, itl: before.itl, config: null, reg: 'unr', regNode: null };
  if (!env.tftpServing) return { ...out, config: before.config, status: 'TFTP Timeout' };
  let itlStatus = '';
  let ctlStatus = '';
  let fatal = false;
  const installedItl = before.itl ? parse(before.itl) : null;
  // Every phone asks for the CTL; only Security By Default phones ask for the ITL (B1, B5).
  const key = (...parts: (Buffer | null)[]) => [env.model.name, ...parts.map((b) => (b ? fileHash(b) : '-'))].join('/');
  const remembered = <T extends Decision>(k: string, decide: () => T): T => {
    const hit = env.memo?.get(k) as T | undefined;
    if (hit) return hit;
    const d = decide();
    env.memo?.set(k, d);
    return d;
  };
  const ctl = env.download('CTLFile.tlv');
  if (ctl) {
    const d = remembered(`ctl/${key(ctl, before.ctl, before.itl)}`, () => decideCtl(ctl, before.ctl, env.model, env.tvs, installedItl));
    if (d.accept) out.ctl = ctl;
    ctlStatus = d.status ?? '';
  }
  if (env.model.sbd) {
    const itl = env.download('ITLFile.tlv');
    if (itl) {
      const d = remembered(`itl/${key(itl, before.itl, out.ctl)}`, () => decideItl(itl, before.itl, out.ctl, env.model, env.tvs));
      if (d.accept) out.itl = itl;
      itlStatus = d.status ?? '';
      fatal = !!d.fatal;
    }
  }
  const itlList = out.itl ? parse(out.itl) : null;
  const ctlList = out.ctl ? parse(out.ctl) : null;
  const trust = ctlList ?? itlList;
  // A CTL left over from mixed mode (empty CCM+TFTP records, C6) has no certificate to check a
  // configuration with, so a rollback ITL decides: unsigned configurations are accepted (F4).
  const rollback = !!itlList && isRollbackItl(itlList) && (!ctlList || !ctlList.records.some((r) => (r.role === Role.CCM_TFTP || r.role === Role.TFTP) && r.certificate));
  const config = decideConfig(env, trust, itlList, rollback, key(out.ctl, out.itl));
  out.config = config ?? before.config;
  const failed = [ctlStatus, itlStatus].find((x) => x.endsWith('failed'));
  const both = ctlStatus === 'CTL installed' && itlStatus === 'ITL installed';
  // A boot that changes nothing leaves the last trust-list message; passing errors give way.
  out.status = failed ?? (both ? 'CTL and ITL installed' : itlStatus || ctlStatus || (TRUST_MESSAGES.has(before.status) ? before.status : holding(out)));
  if (!config && env.model.sbd && trust && !rollback && !failed) out.status = `File auth error: ${env.deviceName}.cnf.xml.sgn`;
  if (fatal) return { ...out, reg: 'unr' };
  if (!out.config) return { ...out, reg: 'unr' };
  if (!env.callManager) return { ...out, reg: 'unr' };
  if (env.model.sbd && env.callManager.rsaBits !== null && env.callManager.rsaBits > 2048 && !env.model.rsaOver2048) {
    return { ...out, reg: 'rej', regNode: env.callManager.node, status: 'Registration rejected: CallManager certificate key length not supported' };
  }
  return { ...out, reg: 'reg', regNode: env.callManager.node };
}
