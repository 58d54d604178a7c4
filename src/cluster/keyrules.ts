// Which key lengths, hash algorithms and validity periods a certificate unit may be given, as the
// OS Administration GUI offers them. Pure rules; the CLI's `set cert regen` always takes the defaults.
import type { HashName } from '../pki';
import type { UnitDefinition } from './units';
import type { VersionProfile } from './versions';
import { ClusterError } from './errors';

export interface RegenChoice {
  keySize?: number;
  hash?: HashName;
  validityYears?: number;
  /** the GUI's Distribution: this node (default) or Multi-server (SAN) */
  distribution?: 'node' | 'multi-server';
}

/** Units the GUI offers a Multi-server (SAN) distribution for. */
export const MULTI_SERVER_UNITS = ['tomcat', 'tomcat-ECDSA', 'CallManager', 'CallManager-ECDSA', 'TVS'];

/**
 * The subject CN and DNS SANs of a multi-server certificate (Security Guide, CSR fields):
 * `<host>-ms.<domain>` for RSA, `<host>-EC-ms.<domain>` for ECDSA, and every node's FQDN.
 */
export function multiServerNames(def: UnitDefinition, host: string, domain: string, nodeFqdns: string[]): { cn: string; altNames: string[] } {
  if (!MULTI_SERVER_UNITS.includes(def.unit)) {
    throw new KeyRuleError(`${def.unit} has no Multi-server distribution; it is available for ${MULTI_SERVER_UNITS.join(', ')}.`);
  }
  const cn = def.keyType === 'EC' ? `${host}-EC-ms.${domain}` : `${host}-ms.${domain}`;
  return { cn, altNames: [cn, ...nodeFqdns.filter((f) => f !== cn)] };
}

export interface RegenSpec {
  keySize: number;
  hash: HashName;
  validityYears: number;
}

export const RSA_KEY_SIZES = [1024, 2048, 3072, 4096];
export const EC_KEY_SIZES = [256, 384];

/** Hashes an EC key of this size may be signed with (the hash is limited by the key length). */
export function ecHashes(keySize: number): HashName[] {
  return keySize === 256 ? ['SHA256', 'SHA384', 'SHA512'] : ['SHA384', 'SHA512'];
}
export const RSA_HASHES: HashName[] = ['SHA256', 'SHA384', 'SHA512'];

export class KeyRuleError extends ClusterError {}

export function defaultValidityYears(def: UnitDefinition, profile: VersionProfile): number {
  return def.unit === 'ITLRecovery' ? profile.itlRecoveryYears : 5;
}

/** Checks a choice against the unit's key type, FIPS mode and the version; returns the full spec. */
export function resolveRegenSpec(def: UnitDefinition, profile: VersionProfile, fips: boolean, choice: RegenChoice = {}): RegenSpec {
  const sizes = def.keyType === 'RSA' ? RSA_KEY_SIZES : EC_KEY_SIZES;
  const keySize = choice.keySize ?? def.keySize;
  if (!sizes.includes(keySize)) {
    throw new KeyRuleError(`${def.unit} is an ${def.keyType} certificate: the key length must be one of ${sizes.join(', ')}.`);
  }
  if (fips && def.keyType === 'RSA' && keySize < 2048) throw new KeyRuleError('In FIPS mode an RSA key must be at least 2048 bits long.');
  const allowed = def.keyType === 'RSA' ? RSA_HASHES : ecHashes(keySize);
  const hash = choice.hash ?? (fips ? 'SHA256' : def.keyType === 'EC' ? allowed[0] : def.hash);
  if (fips && hash !== 'SHA256') throw new KeyRuleError('In FIPS mode the hash algorithm is always SHA256.');
  if (!allowed.includes(hash)) {
    throw new KeyRuleError(`A ${keySize}-bit ${def.keyType} key can be signed with ${allowed.join(', ')} only.`);
  }
  const validityYears = choice.validityYears ?? defaultValidityYears(def, profile);
  if (choice.validityYears !== undefined) {
    if (def.unit !== 'ITLRecovery' || !profile.itlRecoveryChoices) {
      throw new KeyRuleError('Only the ITLRecovery certificate of a 15.x cluster has a choice of validity.');
    }
    if (!profile.itlRecoveryChoices.includes(validityYears)) {
      throw new KeyRuleError(`The ITLRecovery validity must be one of ${profile.itlRecoveryChoices.join(', ')} years.`);
    }
  }
  return { keySize, hash, validityYears };
}

/** CUCM's validity: whole 365-day years, ending one second before the anniversary. */
export function validityEnd(notBefore: Date, years: number): Date {
  return new Date(notBefore.getTime() + years * 365 * 86400_000 - 1000);
}
