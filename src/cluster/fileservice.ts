// What each node's TFTP service serves: ITLFile.tlv, CTLFile.tlv and every phone's configuration
// (SEP<MAC>.cnf.xml, and .sgn signed with the node's CallManager key). The one path through which
// simulated phones, the TFTP server and the HTTP/HTTPS servers all get their bytes.
import { createHash } from 'node:crypto';
import { buildSignedFile } from '../tlv';
import { phoneConfigXml } from '../phones/config-file';
import type { PhoneRow } from '../phones/phone';
import type { Cluster } from './cluster';
import { TFTP } from './cluster';
import { ITL_FILE, CTL_FILE } from './trustfiles';

const CONFIG_NAME = /^((?:SEP|CSF)[0-9A-Z]+)\.cnf\.xml(\.sgn)?$/i;
/** The default configuration auto-registering phones boot on (XMLDefault.cnf.xml, and .sgn). */
export const XML_DEFAULT = 'XMLDefault.cnf.xml';


export class FileService {
  /** signed configurations, by content and signer, so an unchanged file is not signed again */
  private readonly signed = new Map<string, Buffer>();

  constructor(private readonly cluster: Cluster) {}

  /** Cisco Tftp is running on the node. */
  serving(node: string): boolean {
    return this.cluster.services.started(node, TFTP);
  }

  read(node: string, name: string): Buffer | null {
    if (name === ITL_FILE || name === CTL_FILE) return this.cluster.tftp.file(node, name)?.content ?? null;
    if (name === XML_DEFAULT || name === `${XML_DEFAULT}.sgn`) return this.xmlDefault(node, name.endsWith('.sgn'));
    const m = CONFIG_NAME.exec(name);
    // Only devices in this cluster's database have a configuration file here.
    const phone = m && this.cluster.repo.phone(m[1]);
    if (!phone || phone.name !== m![1] || phone.cluster !== this.cluster.name) return null;
    const xml = Buffer.from(phoneConfigXml(this.cluster.settings.phoneConfigInput(phone)));
    return m![2] ? this.sign(node, `${phone.name}.cnf.xml.sgn`, xml) : xml;
  }

  /** XMLDefault.cnf.xml: the cluster's first device pool, for a device the database does not hold yet. */
  private xmlDefault(node: string, signed: boolean): Buffer | null {
    const pool = this.cluster.config.phones.devicePools[0];
    if (!pool) return null;
    const input = this.cluster.settings.phoneConfigInput({ name: 'XMLDefault', model: 'Default', device_pool: pool.name } as PhoneRow);
    const xml = Buffer.from(phoneConfigXml(input));
    return signed ? this.sign(node, `${XML_DEFAULT}.sgn`, xml) : xml;
  }

  private sign(node: string, fileName: string, body: Buffer): Buffer {
    const signer = this.cluster.certificates.keyPair({ node, unit: 'CallManager' });
    const key = createHash('sha1').update(fileName).update(body).update(signer.certPem).digest('hex');
    let file = this.signed.get(key);
    if (!file) {
      // The timestamp is the ITL's, so the same contents always give the same bytes.
      const built = this.cluster.tftp.file(node, ITL_FILE)?.modified_at ?? this.cluster.createdAt;
      file = buildSignedFile({ fileName, body, signerCertPem: signer.certPem, signerKeyPem: signer.keyPem, timestamp: Math.floor(Date.parse(built) / 1000) });
      if (this.signed.size > 50_000) this.signed.clear();
      this.signed.set(key, file);
    }
    return file;
  }
}
