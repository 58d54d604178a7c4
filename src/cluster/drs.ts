// Disaster Recovery System: backup devices (a directory on an SFTP server), backups that write real
// tar archives there (the certificates and private keys encrypted with the cluster security
// password), the history, and a restore that brings a node's certificates and keys back and restarts it.
import crypto from 'node:crypto';
import type { Cluster, Actor } from './cluster';
import type { DrsDeviceRow, DrsHistoryRow } from '../store/repository';
import { ClusterError } from './errors';
import { sftpUpload, SftpError, type SftpTarget } from '../net/sftp-client';
import { downloadFile } from './transfers';
import { writeTar, readTar } from './tar';
import { regenerateCertificate } from './certificates';

export type { DrsDeviceRow, DrsHistoryRow };
export { SftpError };

/** The cluster security password of a lab whose file names none. */
export const DEFAULT_SECURITY_PASSWORD = 'ucmsim-security-password';
/** Components of feature UCM the simulator writes: PLATFORM (certificates and keys) and TFTP (its files). */
export const COMPONENTS = ['PLATFORM', 'TFTP'];
const MAX_ARCHIVE = 16 * 1024 * 1024;

export interface DrsComponent {
  server: string;
  component: string;
  status: string;
  log: string;
}

export function securityPassword(cluster: Cluster): string {
  return (cluster.config as { securityPassword?: string }).securityPassword ?? DEFAULT_SECURITY_PASSWORD;
}

export function sftpTargetOf(d: DrsDeviceRow): SftpTarget {
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(d.server)!;
  return { host: m[1], port: m[2] ? Number(m[2]) : 22, username: d.username, password: d.password };
}

function device(cluster: Cluster, name: string): DrsDeviceRow {
  const d = cluster.repo.drsDevices(cluster.name).find((x) => x.name === name);
  if (!d) throw new ClusterError(`drfCliMsg: Backup device ${name} does not exist`);
  return d;
}

export function devices(cluster: Cluster): DrsDeviceRow[] {
  return cluster.repo.drsDevices(cluster.name);
}

/** device add network: checks the server with a test file (as the DRF master does), then keeps the device. */
export async function addDevice(cluster: Cluster, actor: Actor, d: Omit<DrsDeviceRow, 'cluster'>): Promise<void> {
  const row = { ...d, cluster: cluster.name };
  const host = cluster.publisher().name;
  await sftpUpload(sftpTargetOf(row), d.path, `${host}_dUmmI_Drf`, Buffer.from('DRF test file\n'));
  cluster.store.transaction(() => {
    cluster.repo.putDrsDevice(row);
    cluster.record(actor, 'drs-device-added', { name: d.name, server: d.server, path: d.path });
  });
}

/** "2018-12-25-11-12-03" in the cluster's time zone. */
export function setName(d: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}-${p.hour}-${p.minute}-${p.second}`;
}

function keyFrom(password: string, salt: Buffer): Buffer {
  return crypto.scryptSync(password, salt, 32);
}

function encrypt(password: string, plain: Buffer): Buffer {
  const salt = crypto.randomBytes(16);
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', keyFrom(password, salt), iv);
  const body = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([Buffer.from('UCMSIMDRF1'), salt, iv, c.getAuthTag(), body]);
}

function decrypt(password: string, blob: Buffer): Buffer {
  if (blob.length < 10 + 16 + 12 + 16 || blob.subarray(0, 10).toString() !== 'UCMSIMDRF1') throw new ClusterError('The backup archive is damaged.');
  const salt = blob.subarray(10, 26);
  const iv = blob.subarray(26, 38);
  const tag = blob.subarray(38, 54);
  const d = crypto.createDecipheriv('aes-256-gcm', keyFrom(password, salt), iv);
  d.setAuthTag(tag);
  try {
    return Buffer.concat([d.update(blob.subarray(54)), d.final()]);
  } catch {
    throw new ClusterError('The backup cannot be opened with the cluster security password.');
  }
}

interface SavedCert {
  unit: string;
  cert_pem: string;
  key_pem: string;
  description: string;
}

/** backup network <features> <device>: every node of the cluster, component by component. */
export async function backup(cluster: Cluster, actor: Actor, features: string, deviceName: string): Promise<DrsHistoryRow> {
  const feats = features.toUpperCase().split(',').filter(Boolean);
  if (feats.length === 0 || feats.some((f) => f !== 'UCM')) throw new ClusterError(`drfCliMsg: ${features} is not a registered feature. Registered features: UCM`);
  const d = device(cluster, deviceName);
  const now = cluster.clock.now();
  const ts = setName(now, cluster.timeZone);
  const components: DrsComponent[] = [];
  let result = 'SUCCESS';
  try {
    for (const n of cluster.nodes()) {
      const host = n.name.toUpperCase();
      const certs: SavedCert[] = cluster.certificates.own(n.name).map((c) => ({ unit: c.unit, cert_pem: c.cert_pem, key_pem: c.key_pem, description: c.description }));
      const platform = writeTar([{ name: 'platform/certificates.enc', content: encrypt(securityPassword(cluster), Buffer.from(JSON.stringify(certs))) }], now);
      const tftp = writeTar(cluster.tftp.files(n.name).map((f) => ({ name: `tftp/${f.name}`, content: f.content })), now);
      for (const [component, tar] of [['PLATFORM', platform], ['TFTP', tftp]] as const) {
        await sftpUpload(sftpTargetOf(d), d.path, `${ts}_${host}_UCM_${component}.tar`, tar);
        components.push({ server: host, component, status: 'SUCCESS', log: `activelog/platform/drf/log/${ts}_b_${n.name.toLowerCase()}_ucm_${component.toLowerCase()}.log` });
      }
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<drfComponents server="${host}" tar="${ts}.tar">\n${COMPONENTS.map((c) => `  <component feature="UCM" name="${c}"/>`).join('\n')}\n</drfComponents>\n`;
      await sftpUpload(sftpTargetOf(d), d.path, `${ts}_${host}_drfComponent.xml`, Buffer.from(xml));
    }
  } catch (e) {
    if (!(e instanceof SftpError)) throw e;
    result = 'ERROR';
  }
  const row: Omit<DrsHistoryRow, 'id'> = {
    cluster: cluster.name, tar: `${ts}.tar`, device: d.name, operation: 'BACKUP', completed_at: cluster.clock.now().toISOString(),
    result, features: result === 'SUCCESS' ? feats.join(',') : '', components: JSON.stringify(components),
  };
  cluster.store.transaction(() => {
    cluster.repo.addDrsHistory(row);
    cluster.record(actor, 'drs-backup', { tar: row.tar, device: d.name, result });
  });
  return { ...row, id: 0 };
}

export function history(cluster: Cluster, operation: DrsHistoryRow['operation']): DrsHistoryRow[] {
  return cluster.repo.drsHistory(cluster.name, operation);
}

/** restore network <server> <tar> <device>: the node's certificates and keys from the archive, then a restart. */
export async function restore(cluster: Cluster, actor: Actor, server: string, tarName: string, deviceName: string): Promise<DrsHistoryRow> {
  const node = cluster.nodes().find((n) => n.name.toLowerCase() === server.toLowerCase() || n.fqdn.toLowerCase() === server.toLowerCase());
  if (!node) throw new ClusterError(`drfCliMsg: ${server} is not a server of this cluster`);
  const ts = tarName.replace(/\.tar$/i, '');
  if (!/^\d{4}(-\d\d){5}$/.test(ts)) throw new ClusterError(`drfCliMsg: ${tarName} is not a backup file name`);
  const d = device(cluster, deviceName);
  const host = node.name.toUpperCase();
  const target = sftpTargetOf(d);
  const archive = await downloadFile(target, `${d.path.replace(/\/+$/, '')}/${ts}_${host}_UCM_PLATFORM.tar`, MAX_ARCHIVE);
  const enc = readTar(archive).find((e) => e.name === 'platform/certificates.enc');
  if (!enc) throw new ClusterError('The backup archive is damaged.');
  const saved = JSON.parse(decrypt(securityPassword(cluster), enc.content).toString()) as SavedCert[];
  const now = cluster.clock.now();
  const row: Omit<DrsHistoryRow, 'id'> = {
    cluster: cluster.name, tar: `${ts}.tar`, device: d.name, operation: 'RESTORE', completed_at: now.toISOString(), result: 'SUCCESS', features: 'UCM',
    components: JSON.stringify(COMPONENTS.map((c) => ({ server: host, component: c, status: 'SUCCESS', log: `activelog/platform/drf/log/${ts}_r_${node.name.toLowerCase()}_ucm_${c.toLowerCase()}.log` }))),
  };
  cluster.store.transaction(() => {
    for (const c of saved) {
      for (const old of cluster.repo.certificates(node.name, 'pending')) if (old.unit === c.unit) cluster.repo.setCertificateStatus(old.id, 'retired');
      cluster.repo.insertCertificate({ node: node.name, unit: c.unit, status: 'pending', cert_pem: c.cert_pem, key_pem: c.key_pem, description: c.description, created_at: now.toISOString() });
    }
    cluster.repo.addDrsHistory(row);
    cluster.record(actor, 'drs-restore', { tar: row.tar, device: d.name, node: node.name, certificates: saved.length });
  });
  // The restored node restarts; its restored certificates go into use and Cisco Tftp builds the ITL again.
  cluster.services.restartNode({ ...actor, node: node.name });
  return { ...row, id: 0 };
}

/** sim node rebuild: a crash and a fresh install: every certificate and key of the node is new. */
export async function rebuildNode(cluster: Cluster, actor: Actor, node: string): Promise<number> {
  const n = cluster.node(node);
  const units = cluster.certificates.own(n.name).map((c) => c.unit);
  const on = { ...actor, node: n.name };
  for (const unit of units) await regenerateCertificate(cluster, on, unit);
  cluster.store.transaction(() => cluster.record(actor, 'node-rebuilt', { node: n.name, certificates: units.length }));
  cluster.services.restartNode(on);
  return units.length;
}
