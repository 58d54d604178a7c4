// Just enough DER to pull the serial number and the signature value out of an X.509
// certificate; node:crypto's X509Certificate exposes neither as raw bytes.

interface DerNode {
  tag: number;
  contentStart: number;
  end: number;
}

function readNode(der: Buffer, offset: number, limit: number): DerNode {
  if (offset + 2 > limit) throw new Error(`DER: truncated element at offset ${offset}`);
  const tag = der[offset];
  let length = der[offset + 1];
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 4 || contentStart + count > limit) {
      throw new Error(`DER: bad length at offset ${offset}`);
    }
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[contentStart + i];
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > limit) throw new Error(`DER: element at offset ${offset} runs past its parent`);
  return { tag, contentStart, end };
}

function children(der: Buffer, parent: DerNode): DerNode[] {
  const out: DerNode[] = [];
  for (let p = parent.contentStart; p < parent.end; p = out[out.length - 1].end) {
    out.push(readNode(der, p, parent.end));
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const EXPLICIT_VERSION = 0xa0;

/**
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, … },
 *                            signatureAlgorithm, signatureValue BIT STRING }
 */
export function certificateParts(der: Buffer): { serial: Buffer; signatureValue: Buffer } {
  const cert = readNode(der, 0, der.length);
  const [tbs, , signature] = cert.tag === SEQUENCE ? children(der, cert) : [];
  if (tbs?.tag !== SEQUENCE || signature?.tag !== BIT_STRING) throw new Error('DER: not an X.509 certificate');
  const tbsItems = children(der, tbs);
  const serialNode = tbsItems[0]?.tag === EXPLICIT_VERSION ? tbsItems[1] : tbsItems[0];
  if (serialNode?.tag !== INTEGER) throw new Error('DER: certificate has no serial number');

  let serial = der.subarray(serialNode.contentStart, serialNode.end);
  // A leading 0x00 only keeps a positive INTEGER positive; CUCM stores the unsigned bytes.
  if (serial.length > 1 && serial[0] === 0 && serial[1] & 0x80) serial = serial.subarray(1);
  // The first content byte of a BIT STRING counts unused bits (always 0 for a signature).
  const signatureValue = der.subarray(signature.contentStart + 1, signature.end);
  return { serial: Buffer.from(serial), signatureValue: Buffer.from(signatureValue) };
}
