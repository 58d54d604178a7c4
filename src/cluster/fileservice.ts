// What each node's TFTP service serves: ITLFile.tlv, CTLFile.tlv and every phone's configuration
// (SEP<MAC>.cnf.xml, and .sgn signed with the node's CallManager key). The one path through which
// simulated phones, the TFTP server and the HTTP/HTTPS servers all get their bytes.
import { createHash } from 'node:crypto';
import { buildSignedFile } from '../tlv';
import { phoneConfigWriter } from '../phones/config-file';
import type { PhoneRow } from '../phones/phone';
import type { Cluster } from './cluster';
import { TFTP } from './cluster';
import { ITL_FILE, CTL_FILE, type KeyPair } from './trustfiles';

const sha1 = (b: string | Buffer) => createHash('sha1').update(b).digest('hex');

const CONFIG_NAME = /^((?:SEP|CSF)[0-9A-Z]+)\.cnf\.xml(\.sgn)?$/i;
/** The default configuration auto-registering phones boot on (XMLDefault.cnf.xml, and .sgn). */
export const XML_DEFAULT = 'XMLDefault.cnf.xml';


/** A phone's signed configuration before it is signed: its body, and an identity of the key that signs it. */
export interface UnsignedConfig {
  body: Buffer;
  signer: string;
}

/** What one node's TFTP serves, read once: a batch of phone boots asks one reader for all its files. */
export interface TftpReader {
  read(name: string): Buffer | null;
  /** SEP<MAC>.cnf.xml.sgn as it will be signed, without the cost of signing; null when not served */
  unsignedConfig(name: string): UnsignedConfig | null;
}

/** Most signed configurations kept, so that a file fetched again is not signed again. */
const SIGNED_KEPT = 4096;

/** What of a device its configuration file names. */
type PhoneConfigDevice = Pick<PhoneRow, 'name' | 'model' | 'device_pool'>;
/** What the TFTP server needs of a device to build its configuration file. */
type ConfiguredDevice = PhoneConfigDevice & Pick<PhoneRow, 'cluster'>;

export class FileService {
  /** signed configurations, by content and signer, so an unchanged file is not signed again */
  private readonly signed = new Map<string, Buffer>();

  constructor(private readonly cluster: Cluster) {}

  /** Cisco Tftp is running on the node. */
  serving(node: string): boolean {
    return this.cluster.services.started(node, TFTP);
  }

  read(node: string, name: string): Buffer | null {
    return this.reader(node).read(name);
  }

  /**
   * A reader of the node's files that takes the settings, the signer and the trust lists once, valid
   * while nothing changes them (within one transaction). `device` finds a phone by name, for callers
   * that hold the rows already.
   */
  reader(node: string, device: (name: string) => ConfiguredDevice | undefined = (n) => this.cluster.repo.phone(n)): TftpReader {
    let pools: ReturnType<Cluster['settings']['poolConfigs']> | undefined;
    let signer: { pair: KeyPair; id: string; timestamp: number } | undefined;
    const trustFiles = new Map<string, Buffer | null>();
    const signerOf = () => {
      if (!signer) {
        const pair = this.cluster.certificates.keyPair({ node, unit: 'CallManager' });
        // The timestamp is the ITL's, so the same contents always give the same bytes.
        const built = this.cluster.tftp.file(node, ITL_FILE)?.modified_at ?? this.cluster.createdAt;
        signer = { pair, id: sha1(pair.certPem), timestamp: Math.floor(Date.parse(built) / 1000) };
      }
      return signer;
    };
    const writers = new Map<string, ReturnType<typeof phoneConfigWriter>>();
    const xml = (phone: PhoneConfigDevice) => {
      let write = writers.get(phone.device_pool);
      if (!write) {
        write = phoneConfigWriter((pools ??= this.cluster.settings.poolConfigs())(phone.device_pool));
        writers.set(phone.device_pool, write);
      }
      return Buffer.from(write(phone.name, phone.model));
    };
    /** The configuration file `name` names, if this cluster's database holds its device. */
    const config = (name: string): { fileName: string; body: Buffer; signed: boolean } | null => {
      if (name === XML_DEFAULT || name === `${XML_DEFAULT}.sgn`) {
        // XMLDefault.cnf.xml: the cluster's first device pool, for a device the database does not hold yet.
        const pool = this.cluster.config.phones.devicePools[0];
        if (!pool) return null;
        return { fileName: `${XML_DEFAULT}.sgn`, body: xml({ name: 'XMLDefault', model: 'Default', device_pool: pool.name }), signed: name.endsWith('.sgn') };
      }
      const m = CONFIG_NAME.exec(name);
      const phone = m && device(m[1]);
      if (!phone || phone.name !== m![1] || phone.cluster !== this.cluster.name) return null;
      return { fileName: `${phone.name}.cnf.xml.sgn`, body: xml(phone), signed: !!m![2] };
    };
    return {
      read: (name) => {
        if (name === ITL_FILE || name === CTL_FILE) {
          if (!trustFiles.has(name)) trustFiles.set(name, this.cluster.tftp.file(node, name)?.content ?? null);
          return trustFiles.get(name)!;
        }
        const c = config(name);
        return !c ? null : c.signed ? this.sign(signerOf(), c.fileName, c.body) : c.body;
      },
      unsignedConfig: (name) => {
        const c = config(name);
        return c?.signed ? { body: c.body, signer: signerOf().id } : null;
      },
    };
  }

  private sign(signer: { pair: KeyPair; timestamp: number }, fileName: string, body: Buffer): Buffer {
    const key = createHash('sha1').update(fileName).update(body).update(signer.pair.certPem).digest('hex');
    let file = this.signed.get(key);
    if (!file) {
      file = buildSignedFile({ fileName, body, signerCertPem: signer.pair.certPem, signerKeyPem: signer.pair.keyPem, timestamp: signer.timestamp });
      if (this.signed.size >= SIGNED_KEPT) this.signed.delete(this.signed.keys().next().value!);
      this.signed.set(key, file);
    }
    return file;
  }
}
