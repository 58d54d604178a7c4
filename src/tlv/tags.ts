// Tag, role and digest numbers of Cisco ITL/CTL (.tlv) and signed (.sgn) files
// (shared/reference/itl-ctl.md §1.2–1.5, numbers as in usecallmanagernz/certutils).

/** Header tags. 3, 7 and 9 are containers; 13 is a one-byte pad with no length field. */
export const HeaderTag = {
  VERSION: 1,
  HEADERLENGTH: 2,
  SIGNERID: 3,
  SIGNERNAME: 4,
  SERIALNUMBER: 5,
  CANAME: 6,
  SIGNATUREINFO: 7,
  DIGESTALGORITHM: 8,
  SIGNATUREALGOINFO: 9,
  SIGNATUREALGORITHM: 10,
  SIGNATUREMODULUS: 11,
  SIGNATURE: 12,
  PADDING: 13,
  FILENAME: 14,
  TIMESTAMP: 15,
  /** Written by certutils right after HEADERLENGTH (1.0 or 1.1); not seen in CUCM dumps. */
  SIGNERVERSION: 28,
} as const;

/** Record tags; CUCM writes them in ascending order. */
export const RecordTag = {
  RECORDLENGTH: 1,
  DNSNAME: 2,
  SUBJECTNAME: 3,
  FUNCTION: 4,
  ISSUERNAME: 5,
  SERIALNUMBER: 6,
  PUBLICKEY: 7,
  SIGNATURE: 8,
  CERTIFICATE: 9,
  IPADDRESS: 10,
  CERTHASH: 11,
  HASHALGO: 12,
} as const;

/** FUNCTION (role) codes of a record. */
export const Role = {
  SAST: 0,
  CCM: 1,
  CCM_TFTP: 2,
  TFTP: 3,
  CAPF: 4,
  APP_SERVER: 7,
  TVS: 21,
} as const;

/** Header tag 8 values. 2 (SHA-256) exists in certutils' table but is accepted by nobody. */
export const Digest = {
  SHA1: 1,
  SHA512: 3,
} as const;

export type DigestName = keyof typeof Digest;

const ROLE_TEXT: Record<number, string> = {
  [Role.SAST]: 'System Administrator Security Token',
  [Role.CCM]: 'CCM',
  [Role.CCM_TFTP]: 'CCM+TFTP',
  [Role.TFTP]: 'TFTP',
  [Role.CAPF]: 'CAPF',
  [Role.APP_SERVER]: 'APP-SERVER',
  [Role.TVS]: 'TVS',
};

/** FUNCTION text as `show itl`/`show ctl` print it; an unknown code prints as its number. */
export function roleText(role: number): string {
  return ROLE_TEXT[role] ?? String(role);
}

/** node:crypto hash name for a header tag 8 value, or undefined when unsupported. */
export function digestHashName(code: number): 'sha1' | 'sha512' | undefined {
  if (code === Digest.SHA1) return 'sha1';
  if (code === Digest.SHA512) return 'sha512';
  return undefined;
}

function invert(table: Record<string, number>): Record<number, string> {
  return Object.fromEntries(Object.entries(table).map(([name, tag]) => [tag, name]));
}

const HEADER_NAMES = invert(HeaderTag);
const RECORD_NAMES = invert(RecordTag);

/** Name used in error messages (correct spelling). */
export function headerTagName(tag: number): string {
  return HEADER_NAMES[tag] ?? `tag ${tag}`;
}

export function recordTagName(tag: number): string {
  return RECORD_NAMES[tag] ?? `tag ${tag}`;
}

// `show ctl` prints two tags misspelt; the TAG column must keep Cisco's spelling.
const HEADER_LABELS: Record<number, string> = {
  ...HEADER_NAMES,
  [HeaderTag.DIGESTALGORITHM]: 'DIGESTALGORTITHM',
  [HeaderTag.SIGNATUREALGORITHM]: 'SIGNATUREALGORTITHM',
};

const RECORD_LABELS: Record<number, string> = {
  ...RECORD_NAMES,
  [RecordTag.HASHALGO]: 'HASHALGORITHM',
};

/** TAG column text of `show itl`/`show ctl` for a header tag. */
export function headerTagLabel(tag: number): string {
  return HEADER_LABELS[tag] ?? String(tag);
}

/** TAG column text of `show itl`/`show ctl` for a record tag. */
export function recordTagLabel(tag: number): string {
  return RECORD_LABELS[tag] ?? String(tag);
}
