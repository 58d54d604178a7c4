// Signed files (.sgn): the trust-list header with VERSION 1.0, then the original file bytes
// unchanged (itl-ctl.md §1.8). The signature covers the header without SIGNATURE plus the body.
import { TlvFormatError } from './codec';
import { SignedHeader, SignerOptions, buildSigned, certificateKey, parseHeader, verifyHeaderSignature } from './header';

// certutils writes no signer version (tag 28) into .sgn files.
export interface SignedFileOptions extends Omit<SignerOptions, 'signerVersion'> {
  /** Name of the .sgn file including any sub-directory, e.g. 'SEP001122334455.cnf.xml.sgn'. */
  fileName: string;
  body: Buffer;
}

export interface ParsedSignedFile {
  header: SignedHeader;
  body: Buffer;
}

export function buildSignedFile(opts: SignedFileOptions): Buffer {
  return buildSigned(opts, [1, 0], opts.body);
}

/** Strict header decode; the body is everything after HEADERLENGTH. Throws TlvFormatError. */
export function parseSignedFile(buf: Buffer): ParsedSignedFile {
  const header = parseHeader(buf);
  return { header, body: Buffer.from(buf.subarray(header.headerLength)) };
}

/** Checks a .sgn signature with the signer's certificate (a TFTP or CCM+TFTP certificate on CUCM). */
export function verifySignedFile(buf: Buffer, certPem: string | Buffer): { ok: boolean; reason?: string } {
  let parsed: ParsedSignedFile;
  try {
    parsed = parseSignedFile(buf);
  } catch (err) {
    if (err instanceof TlvFormatError) return { ok: false, reason: err.message };
    throw err;
  }
  const key = certificateKey(certPem);
  if (typeof key === 'string') return { ok: false, reason: key };
  return verifyHeaderSignature(buf, parsed.header, key);
}
