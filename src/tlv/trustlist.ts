// ITLFile.tlv / CTLFile.tlv: records, building, strict parsing and signature verification
// (itl-ctl.md §1.3, §1.6, §1.9).
import { createHash, X509Certificate } from 'node:crypto';
import { TlvFormatError, TlvHead, cString, ipv4Bytes, readCString, readHead, tlv, u8, u16 } from './codec';
import { certificateParts } from './der';
import {
  SignedHeader,
  SignerOptions,
  TlvItem,
  buildSigned,
  certificateKey,
  cucmName,
  parseHeader,
  verifyHeaderSignature,
} from './header';
import { RecordTag as R, Role, recordTagLabel, recordTagName } from './tags';

/**
 * One certificate in one role. An "empty" record (non-secure CTL, rollback ITL) carries only
 * role, dnsName and ipAddress.
 */
export interface TrustRecord {
  role: number;
  dnsName: string;
  subjectName?: string;
  issuerName?: string;
  /** Unsigned big-endian serial bytes. */
  serial?: Buffer;
  /** RSA: PKCS#1 RSAPublicKey DER; EC: uncompressed X9.62 point. */
  publicKey?: Buffer;
  /** The certificate's own signatureValue bytes. */
  signature?: Buffer;
  /** The certificate, DER. */
  certificate?: Buffer;
  /** Dotted IPv4; written as 4 bytes in network order. */
  ipAddress: string;
  /** Tags 11/12: parsed by certutils, never seen in a CUCM dump; written only when set. */
  certHash?: Buffer;
  certHashAlgorithm?: number;
}

export interface ParsedRecord extends Partial<Omit<TrustRecord, 'role'>> {
  role: number;
  /** Offset of the record's RECORDLENGTH TLV. */
  offset: number;
  /** RECORDLENGTH: the record's size including its own 5 bytes. */
  length: number;
  /** Every TLV of the record in file order, RECORDLENGTH first. */
  items: TlvItem[];
}

export interface ParsedTrustList {
  header: SignedHeader;
  records: ParsedRecord[];
}

export interface TrustListOptions extends SignerOptions {
  /** 'ITLFile.tlv', 'CTLFile.tlv' or a per-phone name. */
  fileName: string;
  records: TrustRecord[];
}

/** A record for `certPem` in `role`, filled the way CUCM fills it. */
export function recordFromCertificate(certPem: string, role: number, dnsName: string, ipAddress: string): TrustRecord {
  const cert = new X509Certificate(certPem);
  const { serial, signatureValue } = certificateParts(cert.raw);
  return {
    role,
    dnsName,
    subjectName: cucmName(cert.subject),
    issuerName: cucmName(cert.issuer),
    serial,
    publicKey: recordPublicKey(cert),
    signature: signatureValue,
    certificate: Buffer.from(cert.raw),
    ipAddress,
  };
}

function recordPublicKey(cert: X509Certificate): Buffer {
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'rsa') return key.export({ type: 'pkcs1', format: 'der' });
  if (key.asymmetricKeyType === 'ec') {
    const { x, y } = key.export({ format: 'jwk' });
    return Buffer.concat([u8(4), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]);
  }
  throw new Error(`certificate ${cucmName(cert.subject)} has a ${key.asymmetricKeyType} key; records hold RSA or EC keys`);
}

/** Encodes one record with its tags in ascending order, RECORDLENGTH counting itself. */
export function encodeRecord(r: TrustRecord): Buffer {
  if (!Number.isInteger(r.role) || r.role < 0 || r.role > 0xffff) throw new TlvFormatError(`FUNCTION must be 0-65535, got ${r.role}`);
  const text = (s: string | undefined) => (s === undefined ? undefined : cString(s));
  const fields: [number, Buffer | undefined][] = [
    [R.DNSNAME, cString(r.dnsName)],
    [R.SUBJECTNAME, text(r.subjectName)],
    [R.FUNCTION, u16(r.role)],
    [R.ISSUERNAME, text(r.issuerName)],
    [R.SERIALNUMBER, r.serial],
    [R.PUBLICKEY, r.publicKey],
    [R.SIGNATURE, r.signature],
    [R.CERTIFICATE, r.certificate],
    [R.IPADDRESS, ipv4Bytes(r.ipAddress)],
    [R.CERTHASH, r.certHash],
    [R.HASHALGO, r.certHashAlgorithm === undefined ? undefined : u8(r.certHashAlgorithm)],
  ];
  const body = Buffer.concat(fields.flatMap(([tag, value]) => (value ? [tlv(tag, value)] : [])));
  const length = 5 + body.length;
  if (length > 0xffff) throw new TlvFormatError(`record for ${r.subjectName ?? r.dnsName} would be ${length} bytes`);
  return Buffer.concat([tlv(R.RECORDLENGTH, u16(length)), body]);
}

/** A signed trust list (VERSION 1.2) holding `records` in the given order. */
export function buildTrustList(opts: TrustListOptions): Buffer {
  return buildSigned(opts, [1, 2], Buffer.concat(opts.records.map(encodeRecord)));
}

const RECORD_FIXED_LENGTH: Record<number, number> = {
  [R.FUNCTION]: 2,
  [R.IPADDRESS]: 4,
  [R.HASHALGO]: 1,
};

/** Strict decoder; throws TlvFormatError naming the offset of the first problem. */
export function parseTrustList(buf: Buffer): ParsedTrustList {
  const header = parseHeader(buf);
  const records: ParsedRecord[] = [];
  for (let offset = header.headerLength; offset < buf.length; ) {
    const record = parseRecord(buf, offset);
    records.push(record);
    offset += record.length;
  }
  return { header, records };
}

function parseRecord(buf: Buffer, offset: number): ParsedRecord {
  const first = readHead(buf, offset, buf.length, 'file');
  if (first.tag !== R.RECORDLENGTH || first.length !== 2) {
    throw new TlvFormatError(`record at offset ${offset} does not start with RECORDLENGTH (tag ${first.tag}, length ${first.length})`);
  }
  const length = buf.readUInt16BE(first.valueStart);
  const end = offset + length;
  if (length < 5 || end > buf.length) {
    throw new TlvFormatError(`RECORDLENGTH ${length} at offset ${offset} does not fit the file (${buf.length} bytes)`);
  }
  // Tags may come in any order: certutils writes another order than CUCM and phones take both.
  const items: TlvItem[] = [recordItem(buf, first)];
  for (let p = first.end; p < end; ) {
    // A TLV crossing `end` means RECORDLENGTH does not match the record's contents.
    const head = readHead(buf, p, end, `record at offset ${offset} (RECORDLENGTH ${length})`);
    if (head.tag <= R.RECORDLENGTH || head.tag > R.HASHALGO) throw new TlvFormatError(`unknown record tag ${head.tag} at offset ${p}`);
    if (items.some((i) => i.tag === head.tag)) throw new TlvFormatError(`second ${recordTagName(head.tag)} at offset ${p}`);
    const fixed = RECORD_FIXED_LENGTH[head.tag];
    if (fixed !== undefined && head.length !== fixed) {
      throw new TlvFormatError(`${recordTagName(head.tag)} at offset ${p} has length ${head.length}, expected ${fixed}`);
    }
    items.push(recordItem(buf, head));
    p = head.end;
  }

  const found = (tag: number) => items.find((i) => i.tag === tag);
  const text = (tag: number) => {
    const i = found(tag);
    return i && readCString(i.value, recordTagName(tag), i.offset);
  };
  const functionItem = found(R.FUNCTION);
  if (!functionItem) throw new TlvFormatError(`record at offset ${offset} has no FUNCTION`);
  const ip = found(R.IPADDRESS)?.value;
  const record: ParsedRecord = {
    offset,
    length,
    items,
    role: functionItem.value.readUInt16BE(0),
    dnsName: text(R.DNSNAME),
    subjectName: text(R.SUBJECTNAME),
    issuerName: text(R.ISSUERNAME),
    serial: found(R.SERIALNUMBER)?.value,
    publicKey: found(R.PUBLICKEY)?.value,
    signature: found(R.SIGNATURE)?.value,
    certificate: found(R.CERTIFICATE)?.value,
    ipAddress: ip && Array.from(ip).join('.'),
    certHash: found(R.CERTHASH)?.value,
    certHashAlgorithm: found(R.HASHALGO)?.value[0],
  };
  // Absent tags leave no key, so a parsed record compares equal to the TrustRecord it was built from.
  for (const key of Object.keys(record) as (keyof ParsedRecord)[]) if (record[key] === undefined) delete record[key];
  return record;
}

function recordItem(buf: Buffer, head: TlvHead): TlvItem {
  return {
    offset: head.offset,
    pos: head.tag,
    tag: head.tag,
    name: recordTagLabel(head.tag),
    length: head.length,
    value: Buffer.from(buf.subarray(head.valueStart, head.end)),
    container: false,
  };
}

/** True for the SAST record of the certificate named by the header (serial and issuer). */
export function isSignerRecord(header: SignedHeader, record: ParsedRecord): boolean {
  return record.role === Role.SAST && !!record.serial?.equals(header.serialNumber) && record.issuerName === header.caName;
}

export interface TrustListVerification {
  ok: boolean;
  reason?: string;
  /** Index into `records` of the SAST record whose certificate verified the file. */
  signerRecordIndex?: number;
}

/**
 * Checks the file's signature with `certPem` (PEM or DER) if given, else with the certificate of the SAST record
 * that the header names. Never throws on bad file bytes.
 */
export function verifyTrustList(buf: Buffer, certPem?: string | Buffer): TrustListVerification {
  let list: ParsedTrustList;
  try {
    list = parseTrustList(buf);
  } catch (err) {
    if (err instanceof TlvFormatError) return { ok: false, reason: err.message };
    throw err;
  }
  const { header, records } = list;
  let signerRecordIndex: number | undefined;
  let key;
  if (certPem !== undefined) {
    key = certificateKey(certPem);
  } else {
    signerRecordIndex = records.findIndex((r) => isSignerRecord(header, r) && r.certificate);
    if (signerRecordIndex < 0) {
      return { ok: false, reason: `no SAST record with a CERTIFICATE matches signer serial ${header.serialNumber.toString('hex')} issued by ${header.caName}` };
    }
    key = certificateKey(records[signerRecordIndex].certificate!);
  }
  if (typeof key === 'string') return { ok: false, reason: key };
  const result = verifyHeaderSignature(buf, header, key);
  if (!result.ok) return { ok: false, reason: result.reason };
  return signerRecordIndex === undefined ? { ok: true } : { ok: true, signerRecordIndex };
}

/** Lowercase hex MD5 of a file, as in the checksum lines of `show itl`/`show ctl`. */
export function md5Hex(buf: Buffer): string {
  return createHash('md5').update(buf).digest('hex');
}

/** Lowercase hex SHA-1 of a file. */
export function sha1Hex(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}
