// Certificates-only PKCS#12 bundles (Bulk Certificate Management): one unencrypted certificate bag per
// certificate, each named by its friendlyName (a BMPString, which forge encodes as UTF-16BE), with a SHA-1 MAC over the password (which may be empty,
// as `openssl pkcs12 -passin pass:` reads it). No private key ever goes in.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { seq, set, oid, octets, explicit0, der, dataContent, pfxWithMac } from './pkcs12';

const { asn1, pki } = forge;
/** the most certificates a bundle may hold or a reader accepts */
export const MAX_BUNDLE_CERTIFICATES = 1000;

export interface NamedCertificate {
  certPem: string;
  friendlyName: string;
}


export function buildCertificateBundle(certs: NamedCertificate[], password = ''): Buffer {
  if (certs.length > MAX_BUNDLE_CERTIFICATES) throw new Error(`a bundle holds at most ${MAX_BUNDLE_CERTIFICATES} certificates`);
  const bags = certs.map((c) => seq([
    oid(pki.oids.certBag),
    explicit0(seq([oid(pki.oids.x509Certificate), explicit0(octets(new X509Certificate(c.certPem).raw.toString('binary')))])),
    set([seq([oid(pki.oids.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, c.friendlyName)])])]),
  ]));
  const authSafe = der(seq([dataContent(der(seq(bags)))]));
  const pfx = pfxWithMac(authSafe, password);
  return Buffer.from(der(pfx), 'binary');
}

/** The certificates of a bundle with their friendly names, byte for byte; throws on anything that is
 *  not one (a bad MAC included). */
export function readCertificateBundle(p12: Buffer, password = ''): NamedCertificate[] {
  const top = asn1.fromDer(p12.toString('binary'));
  forge.pkcs12.pkcs12FromAsn1(top, true, password); // checks the structure and the MAC
  const kids = (a: forge.asn1.Asn1) => {
    if (!Array.isArray(a.value)) throw new Error('a primitive where a structure was expected');
    return a.value as forge.asn1.Asn1[];
  };
  const bytes = (a: forge.asn1.Asn1): string => (typeof a.value === 'string' ? a.value : kids(a).map(bytes).join(''));
  const inner = (contentInfo: forge.asn1.Asn1) => bytes(kids(kids(contentInfo)[1])[0]);
  const out: NamedCertificate[] = [];
  for (const ci of kids(asn1.fromDer(inner(kids(top)[1])))) {
    if (asn1.derToOid(kids(ci)[0].value as string) !== pki.oids.data) throw new Error('an encrypted or unknown content');
    for (const bag of kids(asn1.fromDer(inner(ci)))) {
      const [type, value, attrs] = kids(bag);
      if (asn1.derToOid(type.value as string) !== pki.oids.certBag) continue;
      const certDer = Buffer.from(bytes(kids(kids(kids(value)[0])[1])[0]), 'binary');
      let friendlyName = '';
      for (const attr of attrs ? kids(attrs) : []) {
        const [id, values] = kids(attr);
        if (asn1.derToOid(id.value as string) === pki.oids.friendlyName) {
          // forge reads a BMPString as UTF-16 code units already.
          friendlyName = bytes(kids(values)[0]);
        }
      }
      if (out.length >= MAX_BUNDLE_CERTIFICATES) throw new Error('too many certificates');
      out.push({ certPem: new X509Certificate(certDer).toString(), friendlyName });
    }
  }
  return out;
}
