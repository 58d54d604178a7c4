// The TLV primitive: 1-byte tag, 2-byte big-endian length, value (itl-ctl.md §1.1).
import { isIPv4 } from 'node:net';

/** Any malformed TLV input, or a value that cannot be encoded in 16-bit lengths. */
export class TlvFormatError extends Error {
  override name = 'TlvFormatError';
}

export const MAX_LENGTH = 0xffff;

/** One encoded TLV. */
export function tlv(tag: number, value: Buffer): Buffer {
  if (value.length > MAX_LENGTH) {
    throw new TlvFormatError(`value of tag ${tag} is ${value.length} bytes; a TLV holds at most ${MAX_LENGTH}`);
  }
  const head = Buffer.alloc(3);
  head.writeUInt8(tag, 0);
  head.writeUInt16BE(value.length, 1);
  return Buffer.concat([head, value]);
}

/** A container's 3 bytes: tag and the byte count of the TLVs it holds, no value of its own. */
export function containerHead(tag: number, contentLength: number): Buffer {
  if (contentLength > MAX_LENGTH) {
    throw new TlvFormatError(`container tag ${tag} holds ${contentLength} bytes; at most ${MAX_LENGTH} fit`);
  }
  return Buffer.concat([u8(tag), u16(contentLength)]);
}

export function u8(n: number): Buffer {
  return Buffer.from([n]);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** Strings are stored with a trailing NUL that the length counts. */
export function cString(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), u8(0)]);
}

/** Dotted IPv4 as 4 bytes in network order. */
export function ipv4Bytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw new TlvFormatError(`IPADDRESS must be a dotted IPv4 address, got "${ip}"`);
  return Buffer.from(ip.split('.').map(Number));
}

/** Position of one TLV inside a buffer. */
export interface TlvHead {
  offset: number;
  tag: number;
  length: number;
  valueStart: number;
  end: number;
}

/**
 * Reads the tag and length at `offset`, refusing anything that would cross `limit`
 * (the end of the header, record or file the TLV must fit in).
 */
export function readHead(buf: Buffer, offset: number, limit: number, region: string): TlvHead {
  if (offset + 3 > limit) {
    throw new TlvFormatError(`truncated TLV at offset ${offset}: ${limit - offset} byte(s) left in the ${region}`);
  }
  const tag = buf[offset];
  const length = buf.readUInt16BE(offset + 1);
  const end = offset + 3 + length;
  if (end > limit) {
    throw new TlvFormatError(
      `tag ${tag} at offset ${offset} has length ${length}, which runs past the end of the ${region} (offset ${limit})`,
    );
  }
  return { offset, tag, length, valueStart: offset + 3, end };
}

/** Decodes a NUL-terminated string value, refusing a missing or an embedded NUL. */
export function readCString(value: Buffer, what: string, offset: number): string {
  const nul = value.indexOf(0);
  if (nul !== value.length - 1) {
    throw new TlvFormatError(
      nul < 0
        ? `${what} at offset ${offset} is not NUL-terminated`
        : `${what} at offset ${offset} has a NUL before its end`,
    );
  }
  return value.subarray(0, nul).toString('utf8');
}
