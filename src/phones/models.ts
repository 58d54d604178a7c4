// Phone models and what each supports (etc/phone-models.yaml).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { ETC_DIR, ConfigError } from '../cluster/config';

export interface PhoneModel {
  name: string;
  enum: number;
  sbd: boolean;
  tvs: boolean;
  ec: boolean;
  rsaOver2048: boolean;
  httpsConfig: boolean;
  contactSearchAuth: boolean;
  bootSeconds: number;
  /** device name prefix: SEP for hardware phones, CSF for Jabber */
  prefix: string;
  /** firmware load ID of the model's family ('' when unknown) */
  load: string;
  protocol: 'SIP' | 'SCCP';
}

/** The features `sim report phone-feature-list` knows, with the capability each maps to. */
export const FEATURES: Record<string, keyof PhoneModel> = {
  'Security By Default': 'sbd',
  'Trust Verification Service': 'tvs',
  'EC Certificates': 'ec',
  'RSA Key Length Above 2048': 'rsaOver2048',
  'HTTPS Configuration Download': 'httpsConfig',
  'Authenticated Contact Search': 'contactSearchAuth',
};

let cache: Map<string, PhoneModel> | null = null;

export function phoneModels(file = path.join(ETC_DIR, 'phone-models.yaml')): Map<string, PhoneModel> {
  if (cache) return cache;
  let doc: any;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const models = new Map<string, PhoneModel>();
  for (const [name, m] of Object.entries<any>(doc?.models ?? {})) {
    models.set(name, {
      name,
      enum: Number(m.enum),
      sbd: m.sbd === true,
      tvs: m.tvs === true,
      ec: m.ec === true,
      rsaOver2048: m['rsa-over-2048'] === true,
      httpsConfig: m['https-config'] === true,
      contactSearchAuth: m['contact-search-auth'] === true,
      bootSeconds: Number(m['boot-seconds'] ?? 60),
      prefix: String(m.prefix ?? 'SEP'),
      load: String(doc?.loads?.[name]?.load ?? ''),
      protocol: doc?.loads?.[name]?.protocol === 'SCCP' ? 'SCCP' : 'SIP',
    });
  }
  if (models.size === 0) throw new ConfigError(`no phone models in ${file}`);
  cache = models;
  return models;
}

/** Simulated seconds a phone of `model` takes to boot (a minute for a model no longer known). */
export function bootSeconds(model: string): number {
  return phoneModels().get(model)?.bootSeconds ?? 60;
}

export function phoneModel(name: string): PhoneModel {
  const m = phoneModels().get(name);
  if (!m) throw new ConfigError(`unknown phone model ${name}`);
  return m;
}
