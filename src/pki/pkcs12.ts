// PKCS#12 (ITLRecovery.p12) through node-forge. The PFX is assembled here rather than by
// forge.pkcs12.toPkcs12Asn1, which only takes RSA keys and re-encodes the certificate; this keeps the
// certificate's DER byte for byte and accepts EC keys. The key is shrouded with pbeWithSHAAnd3-KeyTripleDES-CBC
// (what Java keystores use) and the certificate bag is left unencrypted, so OpenSSL 3 opens the file without
// -legacy (RC2-40, Java's certificate protection, would need it).
import { createPrivateKey, createHash, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { keyMatchesCertificate } from './certificates';

const { asn1, pki } = forge;
const ITERATIONS = 2048;

export class Pkcs12PasswordError extends Error {
  constructor(message = 'PKCS#12 password is incorrect') {
    super(message);
    this.name = 'Pkcs12PasswordError';
  }
}

// The ASN.1 pieces both PKCS#12 builders (key pair, certificates only) are made of.
export const seq = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
export const set = (items: forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, items);
export const oid = (o: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(o).getBytes());
export const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
export const explicit0 = (inner: forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [inner]);
export const der = (a: forge.asn1.Asn1) => asn1.toDer(a).getBytes();

/** The PFX around an authenticated safe: version 3, the safe, and a SHA-1 MAC keyed by the password. */
export function pfxWithMac(authSafe: string, password: string): forge.asn1.Asn1 {
  const macSalt = forge.random.getBytesSync(8);
  const macKey = forge.pkcs12.generateKey(password, forge.util.createBuffer(macSalt), 3, ITERATIONS, 20);
  const hmac = forge.hmac.create();
  hmac.start('sha1', macKey.getBytes());
  hmac.update(authSafe);
  const macData = seq([
    seq([seq([oid(pki.oids.sha1), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  return seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()), dataContent(authSafe), macData]);
}

// A PKCS#7 ContentInfo of type data wrapping the given DER.
export const dataContent = (bytes: string) => seq([oid(pki.oids.data), explicit0(octets(bytes))]);

export function buildPkcs12(opts: { keyPem: string; certPem: string; password: string; friendlyName: string }): Buffer {
  if (!keyMatchesCertificate(opts.keyPem, opts.certPem)) throw new Error('The private key does not match the certificate');
  const certDer = new X509Certificate(opts.certPem).raw;
  const keyDer = createPrivateKey(opts.keyPem).export({ type: 'pkcs8', format: 'der' });

  // The same localKeyId on both bags pairs the key with its certificate (SHA-1 of the certificate, as OpenSSL does).
  const attrs = set([
    seq([oid(pki.oids.localKeyId), set([octets(createHash('sha1').update(certDer).digest('binary'))])]),
    seq([oid(pki.oids.friendlyName), set([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, opts.friendlyName)])]),
  ]);
  const certBag = seq([
    oid(pki.oids.certBag),
    explicit0(seq([oid(pki.oids.x509Certificate), explicit0(octets(certDer.toString('binary')))])),
    attrs,
  ]);
  const shrouded = pki.encryptPrivateKeyInfo(asn1.fromDer(keyDer.toString('binary')), opts.password, { algorithm: '3des', count: ITERATIONS });
  const keyBag = seq([oid(pki.oids.pkcs8ShroudedKeyBag), explicit0(shrouded), attrs]);
  const authSafe = der(seq([dataContent(der(seq([certBag]))), dataContent(der(seq([keyBag])))]));

  const pfx = pfxWithMac(authSafe, opts.password);
  return Buffer.from(der(pfx), 'binary');
}

function toPem(label: string, derBytes: string): string {
  const b64 = Buffer.from(derBytes, 'binary').toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function readPkcs12(p12: Buffer, password: string): { keyPem: string; certPem: string } {
  let pfx: forge.pkcs12.Pkcs12Pfx;
  try {
    pfx = forge.pkcs12.pkcs12FromAsn1(asn1.fromDer(p12.toString('binary')), false, password);
  } catch (e) {
    const message = (e as Error).message;
    if (/invalid password|wrong password/i.test(message)) throw new Pkcs12PasswordError();
    throw new Error(`Not a readable PKCS#12 file: ${message}`);
  }
  // forge parses RSA keys and certificates into objects and leaves others (EC) as ASN.1.
  type Bag = forge.pkcs12.Bag & { asn1?: forge.asn1.Asn1 };
  const bags = (type: string) => (pfx.getBags({ bagType: type })[type] ?? []) as Bag[];
  const keyBag = [...bags(pki.oids.pkcs8ShroudedKeyBag), ...bags(pki.oids.keyBag)][0];
  if (!keyBag) throw new Error('The PKCS#12 file holds no private key');
  const keyInfo = keyBag.key ? pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1;
  if (!keyInfo) throw new Error('The PKCS#12 file holds no private key');
  const keyPem = createPrivateKey({ key: Buffer.from(der(keyInfo), 'binary'), format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' }) as string;

  const certPems = bags(pki.oids.certBag)
    .map((b) => (b.cert ? pki.certificateToAsn1(b.cert) : b.asn1))
    .filter((a): a is forge.asn1.Asn1 => a !== undefined)
    .map((a) => toPem('CERTIFICATE', der(a)));
  if (!certPems.length) throw new Error('The PKCS#12 file holds no certificate');
  const certPem = certPems.find((c) => keyMatchesCertificate(keyPem, c)) ?? certPems[0];
  return { keyPem, certPem };
}
