// Key pairs through WebCrypto (generation runs in the libuv pool, so many can be made concurrently) and the
// conversions between WebCrypto keys and PEM.
import { createPrivateKey, webcrypto } from 'node:crypto';
import type { HashName, KeySpec } from './certificates';

type CryptoKey = webcrypto.CryptoKey;
export interface SigningAlgorithm { name: 'RSASSA-PKCS1-v1_5' | 'ECDSA'; hash: string }

const RSA_SIZES = [1024, 2048, 3072, 4096];
const EC_CURVES: Record<number, string> = { 256: 'P-256', 384: 'P-384', 521: 'P-521' };
const OPENSSL_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

export function webHash(hash: HashName): string {
  return hash.replace(/^SHA/, 'SHA-');
}

export function signingAlgorithm(keyType: KeySpec['keyType'], hash: HashName): SigningAlgorithm {
  return { name: keyType === 'RSA' ? 'RSASSA-PKCS1-v1_5' : 'ECDSA', hash: webHash(hash) };
}

export async function generateKeyPair(spec: KeySpec): Promise<{ keys: webcrypto.CryptoKeyPair; keyPem: string }> {
  const usages: webcrypto.KeyUsage[] = ['sign', 'verify'];
  let keys: webcrypto.CryptoKeyPair;
  if (spec.keyType === 'RSA') {
    if (!RSA_SIZES.includes(spec.keySize)) throw new Error(`Unsupported RSA key size ${spec.keySize}`);
    const params = { name: 'RSASSA-PKCS1-v1_5', modulusLength: spec.keySize, publicExponent: new Uint8Array([1, 0, 1]), hash: webHash(spec.hash) };
    keys = await webcrypto.subtle.generateKey(params, true, usages);
  } else {
    const namedCurve = EC_CURVES[spec.keySize];
    if (!namedCurve) throw new Error(`Unsupported EC key size ${spec.keySize}`);
    keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, true, usages);
  }
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }) as string;
  return { keys, keyPem };
}

// Imports any RSA or EC private key PEM (PKCS#8, PKCS#1 or SEC1) as a WebCrypto signing key for `hash`.
export async function importSigningKey(keyPem: string, hash: HashName): Promise<{ key: CryptoKey; algorithm: SigningAlgorithm }> {
  const keyObject = createPrivateKey(keyPem);
  const der = keyObject.export({ type: 'pkcs8', format: 'der' });
  if (keyObject.asymmetricKeyType === 'rsa') {
    const algorithm = signingAlgorithm('RSA', hash);
    return { key: await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']), algorithm };
  }
  const namedCurve = OPENSSL_CURVES[keyObject.asymmetricKeyDetails?.namedCurve ?? ''];
  if (keyObject.asymmetricKeyType !== 'ec' || !namedCurve) throw new Error(`Unsupported private key type ${keyObject.asymmetricKeyType}`);
  const algorithm = signingAlgorithm('EC', hash);
  return { key: await webcrypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']), algorithm };
}
