// ITL/CTL (.tlv) and signed (.sgn) files: encode, decode, sign, verify, and the `show itl`/`show ctl` text.
export { TlvFormatError } from './codec';
export { Digest, DigestName, HeaderTag, RecordTag, Role, digestHashName, roleText } from './tags';
export { SignedHeader, SignerOptions, TlvItem, cucmName, signatureTlvRange } from './header';
export {
  ParsedRecord,
  ParsedTrustList,
  TrustListOptions,
  TrustListVerification,
  TrustRecord,
  buildTrustList,
  encodeRecord,
  isSignerRecord,
  md5Hex,
  parseTrustList,
  recordFromCertificate,
  sha1Hex,
  verifyTrustList,
} from './trustlist';
export { ParsedSignedFile, SignedFileOptions, buildSignedFile, parseSignedFile, verifySignedFile } from './signedfile';
export { TrustListKind, renderTrustList } from './dump';
