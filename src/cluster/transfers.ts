// Moving files between a node and an SFTP server, and the key bundle some of them are: what
// `file get tftp`, `utils itl reset remotekey` and `set cert import` carry. The commands ask the
// questions; this module builds, sends and opens the bytes, so no command touches sockets or keys.
import { sftpUpload, sftpDownload, SftpError, type SftpTarget } from '../net/sftp-client';
import { buildPkcs12, readPkcs12, Pkcs12PasswordError, keyMatchesCertificate } from '../pki';
import type { Cluster, Actor } from './cluster';
import { ClusterError } from './errors';
import type { KeyPair } from './trustfiles';

export { SftpError, type SftpTarget };

/** The ITLRecovery key pair, bundled on request on the publisher (it is not a file of the TFTP directory). */
export const ITL_RECOVERY_P12 = 'ITLRecovery.p12';

export interface OutgoingFile {
  name: string;
  content: Buffer;
}

/** ITLRecovery.p12 of the publisher: the key pair in use, protected by `password`. */
export function itlRecoveryBundle(cluster: Cluster, node: string, password: string): OutgoingFile {
  const pair = cluster.certificates.keyPair({ node, unit: 'ITLRecovery' });
  return { name: ITL_RECOVERY_P12, content: buildPkcs12({ keyPem: pair.keyPem, certPem: pair.certPem, password, friendlyName: 'ITLRecovery' }) };
}

/** Sends files to one directory of an SFTP server, one at a time, and records the export. */
export async function exportFiles(
  cluster: Cluster, actor: Actor, files: OutgoingFile[], target: SftpTarget, directory: string, sent: (f: OutgoingFile) => void,
): Promise<void> {
  for (const f of files) {
    await sftpUpload(target, directory, f.name, f.content);
    sent(f);
  }
  cluster.record(actor, 'file-exported', { files: files.map((f) => f.name), to: `${target.username}@${target.host}:${target.port}${directory}` });
}

/** One file from an SFTP server, refused past `maxBytes`. */
export function downloadFile(target: SftpTarget, remotePath: string, maxBytes?: number): Promise<Buffer> {
  return sftpDownload(target, remotePath, maxBytes);
}

/** The key pair inside an ITLRecovery.p12, or a refusal fit for the admin. */
export function openRecoveryBundle(p12: Buffer, password: string, path: string): KeyPair {
  let pair: KeyPair;
  try {
    pair = readPkcs12(p12, password);
  } catch (e) {
    if (e instanceof Pkcs12PasswordError) throw new ClusterError('The password of ITLRecovery.p12 is not correct.');
    throw new ClusterError(`${path} is not a valid PKCS#12 file.`);
  }
  if (!keyMatchesCertificate(pair.keyPem, pair.certPem) || !pair.keyPem.includes('PRIVATE KEY')) {
    throw new ClusterError(`${path} does not hold a key pair.`);
  }
  return pair;
}
