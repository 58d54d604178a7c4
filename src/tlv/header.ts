// The signed header shared by .tlv trust lists and .sgn files (itl-ctl.md §1.2, §1.6, §1.8):
// building it around a payload, decoding it strictly, and checking its signature.
import { createPrivateKey, sign, verify, KeyObject, X509Certificate } from 'node:crypto';
import {
  TlvFormatError,
  containerHead,
  cString,
  readCString,
  readHead,
  TlvHead,
  tlv,
  u8,
  u16,
  u32,
} from './codec';
import { certificateParts } from './der';
import { Digest, DigestName, HeaderTag as H, digestHashName, headerTagLabel, headerTagName } from './tags';

/** One TLV as found in the file. Containers have an empty value and their declared length. */
export interface TlvItem {
  offset: number;
  /** BYTEPOS column of `show ctl`: the tag number (a missing optional tag leaves a gap). */
  pos: number;
  tag: number;
  /** TAG column text, Cisco's spelling. */
  name: string;
  length: number;
  value: Buffer;
  container: boolean;
}

export interface SignedHeader {
  version: string;
  headerLength: number;
  signerVersion?: string;
  signerName: string;
  serialNumber: Buffer;
  caName: string;
  digestAlgorithm: number;
  signatureAlgorithm: number;
  signatureModulus: number;
  signature: Buffer;
  /** Offset of the SIGNATURE TLV (its tag byte). */
  signatureOffset: number;
  fileName: string;
  timestamp: number;
  /** Number of 0x0D pad bytes. */
  padding: number;
  /** Every TLV of the header in file order, padding left out. */
  items: TlvItem[];
}

export interface SignerOptions {
  fileName: string;
  signerCertPem: string;
  signerKeyPem: string;
  digest?: DigestName;
  /** Unix seconds written into TIMESTAMP. */
  timestamp: number;
  /** Writes tag 28 (certutils' signer version) when given. */
  signerVersion?: '1.0' | '1.1';
}

// SIGNATUREMODULUS is an index into these signature sizes (512-, 1024-, 2048-, 4096-bit keys).
const SIGNATURE_SIZES = [64, 128, 256, 512];

/**
 * Builds header + payload and signs it: the signature covers the whole output except the
 * SIGNATURE TLV itself, which is inserted after SIGNATUREMODULUS (recipe §1.9 steps 4–5).
 */
/** Parsed certificate and key of a signer, kept because the same few sign thousands of phone files. */
const signers = new Map<string, { cert: X509Certificate; key: KeyObject }>();
function signerKeys(certPem: string, keyPem: string): { cert: X509Certificate; key: KeyObject } {
  const id = certPem + keyPem;
  let s = signers.get(id);
  if (!s) {
    if (signers.size > 64) signers.clear();
    s = { cert: new X509Certificate(certPem), key: createPrivateKey(keyPem) };
    signers.set(id, s);
  }
  return s;
}

export function buildSigned(opts: SignerOptions, version: [number, number], payload: Buffer): Buffer {
  const { cert, key } = signerKeys(opts.signerCertPem, opts.signerKeyPem);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`signer key for ${opts.fileName} must be RSA, got ${key.asymmetricKeyType}`);
  }
  if (!cert.checkPrivateKey(key)) {
    throw new Error(`signer key for ${opts.fileName} does not belong to certificate ${cert.subject.replace(/\n/g, ';')}`);
  }
  const signatureLength = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const modulusIndex = SIGNATURE_SIZES.indexOf(signatureLength);
  if (modulusIndex < 0) {
    throw new Error(`signer key for ${opts.fileName} is ${signatureLength * 8}-bit; only 512/1024/2048/4096 can be encoded`);
  }
  const digestName = opts.digest ?? 'SHA1';
  const hash = digestHashName(Digest[digestName]);
  if (!hash) throw new Error(`unsupported digest ${digestName}`);
  if (!Number.isInteger(opts.timestamp) || opts.timestamp < 0 || opts.timestamp > 0xffffffff) {
    throw new TlvFormatError(`TIMESTAMP must be an unsigned 32-bit number of seconds, got ${opts.timestamp}`);
  }

  const signerId = Buffer.concat([
    tlv(H.SIGNERNAME, cString(cucmName(cert.subject))),
    tlv(H.SERIALNUMBER, certificateParts(cert.raw).serial),
    tlv(H.CANAME, cString(cucmName(cert.issuer))),
  ]);
  const algoInfo = Buffer.concat([tlv(H.SIGNATUREALGORITHM, u8(0)), tlv(H.SIGNATUREMODULUS, u8(modulusIndex))]);
  const signatureInfo = Buffer.concat([
    tlv(H.DIGESTALGORITHM, u8(Digest[digestName])),
    containerHead(H.SIGNATUREALGOINFO, algoInfo.length),
    algoInfo,
  ]);
  const beforeSignature = Buffer.concat([
    tlv(H.VERSION, Buffer.from(version)),
    tlv(H.HEADERLENGTH, u16(0)),
    opts.signerVersion ? tlv(H.SIGNERVERSION, Buffer.from(opts.signerVersion.split('.').map(Number))) : Buffer.alloc(0),
    containerHead(H.SIGNERID, signerId.length),
    signerId,
    containerHead(H.SIGNATUREINFO, signatureInfo.length),
    signatureInfo,
  ]);
  const afterSignature = Buffer.concat([tlv(H.FILENAME, cString(opts.fileName)), tlv(H.TIMESTAMP, u32(opts.timestamp))]);

  const unpadded = beforeSignature.length + 3 + signatureLength + afterSignature.length;
  const padding = Buffer.alloc((4 - (unpadded % 4)) % 4, H.PADDING);
  const headerLength = unpadded + padding.length;
  if (headerLength > 0xffff) throw new TlvFormatError(`header of ${opts.fileName} would be ${headerLength} bytes`);
  beforeSignature.writeUInt16BE(headerLength, 8); // value of HEADERLENGTH, right after VERSION (5 bytes) + tag/length

  const signed = Buffer.concat([beforeSignature, afterSignature, padding, payload]);
  const signature = sign(hash, signed, key);
  return Buffer.concat([beforeSignature, tlv(H.SIGNATURE, signature), afterSignature, padding, payload]);
}

/**
 * CUCM writes names as KEY=value pairs joined by ';' in the order Java prints them: the reverse of
 * the DER order, so a certificate encoded C..CN reads `CN=..;OU=..;O=..;L=..;ST=..;C=..`
 * (node's X509Certificate gives the DER order, one pair per line).
 */
export function cucmName(x509Name: string): string {
  return x509Name
    .split('\n')
    .filter((part) => part !== '')
    .reverse()
    .join(';');
}

// Which container each nested tag must sit in; everything else sits at top level.
const PARENT: Record<number, number> = {
  [H.SIGNERNAME]: H.SIGNERID,
  [H.SERIALNUMBER]: H.SIGNERID,
  [H.CANAME]: H.SIGNERID,
  [H.DIGESTALGORITHM]: H.SIGNATUREINFO,
  [H.SIGNATUREALGOINFO]: H.SIGNATUREINFO,
  [H.SIGNATUREALGORITHM]: H.SIGNATUREALGOINFO,
  [H.SIGNATUREMODULUS]: H.SIGNATUREALGOINFO,
};
const CONTAINERS = new Set<number>([H.SIGNERID, H.SIGNATUREINFO, H.SIGNATUREALGOINFO]);
const TOP_LEVEL = new Set<number>([H.SIGNERID, H.SIGNATUREINFO, H.SIGNATURE, H.FILENAME, H.TIMESTAMP, H.SIGNERVERSION]);
const FIXED_LENGTH: Record<number, number> = {
  [H.DIGESTALGORITHM]: 1,
  [H.SIGNATUREALGORITHM]: 1,
  [H.SIGNATUREMODULUS]: 1,
  [H.TIMESTAMP]: 4,
  [H.SIGNERVERSION]: 2,
};
const REQUIRED = [
  H.SIGNERNAME,
  H.SERIALNUMBER,
  H.CANAME,
  H.DIGESTALGORITHM,
  H.SIGNATUREALGORITHM,
  H.SIGNATUREMODULUS,
  H.SIGNATURE,
  H.FILENAME,
  H.TIMESTAMP,
];

/** Reads VERSION or HEADERLENGTH, which must open every file in this order. */
function readLeading(buf: Buffer, offset: number, tag: number): number {
  const head = readHead(buf, offset, buf.length, 'file');
  if (head.tag !== tag) {
    throw new TlvFormatError(`expected ${headerTagName(tag)} at offset ${offset}, found tag ${head.tag}`);
  }
  if (head.length !== 2) throw new TlvFormatError(`${headerTagName(tag)} at offset ${offset} has length ${head.length}, expected 2`);
  return head.valueStart;
}

/** Strict decoder of the header; throws TlvFormatError naming the offset of the first problem. */
export function parseHeader(buf: Buffer): SignedHeader {
  if (buf.length === 0) throw new TlvFormatError('empty file');
  const versionAt = readLeading(buf, 0, H.VERSION);
  const lengthAt = readLeading(buf, 5, H.HEADERLENGTH);
  const headerLength = buf.readUInt16BE(lengthAt);
  if (headerLength < 10 || headerLength > buf.length) {
    throw new TlvFormatError(`HEADERLENGTH at offset 5 is ${headerLength}, but the file is ${buf.length} bytes`);
  }

  const items: TlvItem[] = [
    item(buf, { offset: 0, tag: H.VERSION, length: 2, valueStart: versionAt, end: 5 }, false),
    item(buf, { offset: 5, tag: H.HEADERLENGTH, length: 2, valueStart: lengthAt, end: 10 }, false),
  ];
  const open: { tag: number; offset: number; end: number }[] = [];
  const closeContainers = (p: number) => {
    while (open.length > 0 && open[open.length - 1].end <= p) {
      const c = open.pop()!;
      if (c.end < p) {
        throw new TlvFormatError(`${headerTagName(c.tag)} at offset ${c.offset} ends at offset ${c.end}, inside the TLV before offset ${p}`);
      }
    }
  };

  let padding = 0;
  let p = 10;
  while (p < headerLength) {
    closeContainers(p);
    if (buf[p] === H.PADDING) {
      padding++;
      p++;
      continue;
    }
    const head = readHead(buf, p, headerLength, 'header');
    const name = headerTagName(head.tag);
    if (items.some((i) => i.tag === head.tag)) throw new TlvFormatError(`second ${name} at offset ${p}`);
    if (!TOP_LEVEL.has(head.tag) && PARENT[head.tag] === undefined) {
      throw new TlvFormatError(`unknown header tag ${head.tag} at offset ${p}`);
    }
    const parent = open.length > 0 ? open[open.length - 1].tag : undefined;
    if (parent !== PARENT[head.tag]) {
      throw new TlvFormatError(
        `${name} at offset ${p} must be ${PARENT[head.tag] === undefined ? 'outside any container' : `inside ${headerTagName(PARENT[head.tag])}`}`,
      );
    }
    const fixed = FIXED_LENGTH[head.tag];
    if (fixed !== undefined && head.length !== fixed) {
      throw new TlvFormatError(`${name} at offset ${p} has length ${head.length}, expected ${fixed}`);
    }
    const container = CONTAINERS.has(head.tag);
    items.push(item(buf, head, container));
    if (container) {
      open.push({ tag: head.tag, offset: p, end: head.end });
      p = head.valueStart;
    } else {
      p = head.end;
    }
  }
  closeContainers(headerLength);

  const field = (tag: number): TlvItem => {
    const found = items.find((i) => i.tag === tag);
    if (!found) throw new TlvFormatError(`header (${headerLength} bytes) has no ${headerTagName(tag)}`);
    return found;
  };
  for (const tag of REQUIRED) field(tag);
  const value = (tag: number) => field(tag).value;
  const text = (tag: number) => readCString(value(tag), headerTagName(tag), field(tag).offset);
  const signerVersion = items.find((i) => i.tag === H.SIGNERVERSION)?.value;
  const version = value(H.VERSION);
  return {
    version: `${version[0]}.${version[1]}`,
    headerLength,
    ...(signerVersion ? { signerVersion: `${signerVersion[0]}.${signerVersion[1]}` } : {}),
    signerName: text(H.SIGNERNAME),
    serialNumber: value(H.SERIALNUMBER),
    caName: text(H.CANAME),
    digestAlgorithm: value(H.DIGESTALGORITHM)[0],
    signatureAlgorithm: value(H.SIGNATUREALGORITHM)[0],
    signatureModulus: value(H.SIGNATUREMODULUS)[0],
    signature: value(H.SIGNATURE),
    signatureOffset: field(H.SIGNATURE).offset,
    fileName: text(H.FILENAME),
    timestamp: value(H.TIMESTAMP).readUInt32BE(0),
    padding,
    items,
  };
}

function item(buf: Buffer, head: TlvHead, container: boolean): TlvItem {
  return {
    offset: head.offset,
    pos: head.tag,
    tag: head.tag,
    name: headerTagLabel(head.tag),
    length: head.length,
    value: container ? Buffer.alloc(0) : Buffer.from(buf.subarray(head.valueStart, head.end)),
    container,
  };
}

/** Byte range [start, end) of the SIGNATURE TLV: tag, length and signature. */
export function signatureTlvRange(buf: Buffer): { start: number; end: number } {
  const header = parseHeader(buf);
  return { start: header.signatureOffset, end: header.signatureOffset + 3 + header.signature.length };
}

/** Checks the header signature over the file without its SIGNATURE TLV. */
export function verifyHeaderSignature(
  buf: Buffer,
  header: SignedHeader,
  publicKey: KeyObject,
): { ok: true } | { ok: false; reason: string } {
  const hash = digestHashName(header.digestAlgorithm);
  if (!hash) return { ok: false, reason: `unsupported DIGESTALGORITHM ${header.digestAlgorithm}` };
  const start = header.signatureOffset;
  const signed = Buffer.concat([buf.subarray(0, start), buf.subarray(start + 3 + header.signature.length)]);
  let ok = false;
  try {
    ok = verify(hash, signed, publicKey, header.signature);
  } catch (err) {
    return { ok: false, reason: `signature check failed: ${(err as Error).message}` };
  }
  return ok ? { ok: true } : { ok: false, reason: 'signature does not verify' };
}

const publicKeys = new Map<string, KeyObject | string>();

/** Public key of a PEM or DER certificate, or a reason why there is none (remembered: phones check the same few). */
export function certificateKey(cert: string | Buffer): KeyObject | string {
  const id = typeof cert === 'string' ? cert : cert.toString('base64');
  let key = publicKeys.get(id);
  if (key === undefined) {
    try {
      key = new X509Certificate(cert).publicKey;
    } catch (err) {
      key = `unreadable certificate: ${(err as Error).message}`;
    }
    if (publicKeys.size > 1024) publicKeys.clear();
    publicKeys.set(id, key);
  }
  return key;
}
