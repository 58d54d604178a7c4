// Typed access to the store's tables. All SQL lives here; callers wrap calls in Store.transaction.
import type Database from 'better-sqlite3';
import type { PhoneRow, PhoneScope, PhoneSettlement, RisPhone, BootingPhone } from '../phones/phone';

export type { PhoneRow };
/** The WHERE clause of a scope, with only its own terms (so one phone is found by its key). */
const scopeWhere = (s: PhoneScope) =>
  s.name !== undefined ? 'name = @name AND cluster = @cluster' : s.pool !== undefined ? 'cluster = @cluster AND device_pool = @pool COLLATE NOCASE' : 'cluster = @cluster';
const scopeParams = (s: PhoneScope) => ({ cluster: s.cluster, ...(s.pool !== undefined ? { pool: s.pool } : {}), ...(s.name !== undefined ? { name: s.name } : {}) });

export interface ClusterRow {
  name: string;
  position: number;
  domain: string;
  version: string;
  time_zone: string;
  config: string;
  created_at: string;
  security_mode: number;
  cli_session_timeout: number;
  online: number;
}
export interface NodeRow {
  name: string;
  cluster: string;
  /** place in the cluster: the publisher is 0 */
  position: number;
  role: 'publisher' | 'subscriber';
  fqdn: string;
  ip: string;
  booted_at: string;
  contact_search_auth: number;
  uds_port: number;
  /** simulated time at which a `utils system restart` completes */
  restarting_until: string | null;
  /** FIPS mode (utils fips enable) */
  fips: number;
}
export interface ServiceRow {
  node: string;
  name: string;
  activated: number;
  state: 'STARTED' | 'STOPPED';
  reason: string;
}
export interface CertificateRow {
  id: number;
  node: string;
  unit: string;
  status: 'active' | 'pending' | 'retired';
  cert_pem: string;
  key_pem: string;
  description: string;
  created_at: string;
}
export interface TrustRow {
  id: number;
  node: string;
  store: string;
  file: string;
  cert_pem: string;
  description: string;
  added_at: string;
}
export interface UserRow {
  cluster: string;
  name: string;
  privilege: number;
  password_hash: string;
}
export interface TftpFileRow {
  node: string;
  name: string;
  content: Buffer;
  modified_at: string;
  spec: string;
  signer: string;
  /** written by utils itl reset: kept until Cisco Tftp starts again */
  reset: number;
}
export interface EventRow {
  id: number;
  cluster: string | null;
  wall_time: string;
  sim_time: string;
  node: string | null;
  user: string | null;
  command: string | null;
  kind: string;
  change: string;
}

export class Repository {
  /** prepared once per SQL text: preparing costs more than running for the fleet's many small queries */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private prepared(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }
  private all<T>(sql: string, ...params: unknown[]): T[] {
    return this.prepared(sql).all(...params) as T[];
  }
  private one<T>(sql: string, ...params: unknown[]): T | undefined {
    return this.prepared(sql).get(...params) as T | undefined;
  }
  private run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.prepared(sql).run(...params);
  }

  clusters(): ClusterRow[] {
    return this.all<ClusterRow>('SELECT * FROM clusters ORDER BY position');
  }
  cluster(name: string): ClusterRow | undefined {
    return this.one<ClusterRow>('SELECT * FROM clusters WHERE name = ?', name);
  }
  insertCluster(r: Omit<ClusterRow, 'security_mode' | 'cli_session_timeout' | 'online'>): void {
    this.run(
      'INSERT INTO clusters (name, position, domain, version, time_zone, config, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      r.name, r.position, r.domain, r.version, r.time_zone, r.config, r.created_at,
    );
  }
  setClusterVersion(cluster: string, version: string, config: string): void {
    this.run('UPDATE clusters SET version = ?, config = ? WHERE name = ?', version, config, cluster);
  }
  setSecurityMode(cluster: string, mixed: boolean): void {
    this.run('UPDATE clusters SET security_mode = ? WHERE name = ?', mixed ? 1 : 0, cluster);
  }
  setCliSessionTimeout(cluster: string, minutes: number): void {
    this.run('UPDATE clusters SET cli_session_timeout = ? WHERE name = ?', minutes, cluster);
  }
  setOnline(cluster: string, online: boolean): void {
    this.run('UPDATE clusters SET online = ? WHERE name = ?', online ? 1 : 0, cluster);
  }

  /** Every node of the lab (cluster order, then publisher first). */
  allNodes(): NodeRow[] {
    return this.all<NodeRow>('SELECT n.* FROM nodes n JOIN clusters c ON c.name = n.cluster ORDER BY c.position, n.position');
  }
  nodes(cluster: string): NodeRow[] {
    return this.all<NodeRow>('SELECT * FROM nodes WHERE cluster = ? ORDER BY position', cluster);
  }
  insertNode(r: Omit<NodeRow, 'contact_search_auth' | 'uds_port' | 'restarting_until' | 'fips'>): void {
    this.run(
      'INSERT INTO nodes (name, cluster, position, role, fqdn, ip, booted_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      r.name, r.cluster, r.position, r.role, r.fqdn, r.ip, r.booted_at,
    );
  }
  setBootedAt(node: string, at: string): void {
    this.run('UPDATE nodes SET booted_at = ? WHERE name = ?', at, node);
  }
  setRestartingUntil(node: string, until: string | null): void {
    this.run('UPDATE nodes SET restarting_until = ? WHERE name = ?', until, node);
  }
  nodesRestartedBy(simTime: string): NodeRow[] {
    return this.all<NodeRow>('SELECT * FROM nodes WHERE restarting_until IS NOT NULL AND restarting_until <= ? ORDER BY restarting_until', simTime);
  }
  setNodeFips(node: string, on: boolean): void {
    this.run('UPDATE nodes SET fips = ? WHERE name = ?', on ? 1 : 0, node);
  }
  setContactSearch(node: string, enabled: boolean, udsPort: number): void {
    this.run('UPDATE nodes SET contact_search_auth = ?, uds_port = ? WHERE name = ?', enabled ? 1 : 0, udsPort, node);
  }

  enterpriseParameters(cluster: string): { name: string; value: string }[] {
    return this.all('SELECT name, value FROM enterprise_parameters WHERE cluster = ? ORDER BY name', cluster);
  }
  setEnterpriseParameter(cluster: string, name: string, value: string): void {
    this.run(
      'INSERT INTO enterprise_parameters VALUES (?, ?, ?) ON CONFLICT (cluster, name) DO UPDATE SET value = excluded.value',
      cluster, name, value,
    );
  }

  clockOffset(): number {
    return this.one<{ clock_offset_ms: number }>('SELECT clock_offset_ms FROM lab WHERE id = 1')?.clock_offset_ms ?? 0;
  }
  setClockOffset(ms: number): void {
    this.run('UPDATE lab SET clock_offset_ms = ? WHERE id = 1', Math.round(ms));
  }

  nextNodeRestart(): string | null {
    return this.one<{ due: string | null }>('SELECT MIN(restarting_until) AS due FROM nodes WHERE restarting_until IS NOT NULL')?.due ?? null;
  }
  nextPhoneBoot(): string | null {
    return this.one<{ due: string | null }>('SELECT MIN(reboot_until) AS due FROM phones WHERE reboot_until IS NOT NULL')?.due ?? null;
  }

  services(node: string): ServiceRow[] {
    return this.all<ServiceRow>('SELECT * FROM services WHERE node = ? ORDER BY rowid', node);
  }
  service(node: string, name: string): ServiceRow | undefined {
    return this.one<ServiceRow>('SELECT * FROM services WHERE node = ? AND name = ?', node, name);
  }
  insertService(r: ServiceRow): void {
    this.run('INSERT INTO services VALUES (?, ?, ?, ?, ?)', r.node, r.name, r.activated, r.state, r.reason);
  }
  updateService(r: ServiceRow): void {
    this.run(
      'UPDATE services SET activated = ?, state = ?, reason = ? WHERE node = ? AND name = ?',
      r.activated, r.state, r.reason, r.node, r.name,
    );
  }

  certificates(node: string, status: CertificateRow['status']): CertificateRow[] {
    return this.all<CertificateRow>('SELECT * FROM certificates WHERE node = ? AND status = ? ORDER BY id', node, status);
  }
  certificate(node: string, unit: string, status: CertificateRow['status']): CertificateRow | undefined {
    return this.one<CertificateRow>(
      'SELECT * FROM certificates WHERE node = ? AND unit = ? AND status = ? ORDER BY id DESC LIMIT 1', node, unit, status,
    );
  }
  insertCertificate(r: Omit<CertificateRow, 'id'>): number {
    return Number(
      this.run(
        'INSERT INTO certificates (node, unit, status, cert_pem, key_pem, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        r.node, r.unit, r.status, r.cert_pem, r.key_pem, r.description, r.created_at,
      ).lastInsertRowid,
    );
  }
  setCertificateStatus(id: number, status: CertificateRow['status']): void {
    this.run('UPDATE certificates SET status = ? WHERE id = ?', status, id);
  }
  certificateById(id: number): CertificateRow | undefined {
    return this.one<CertificateRow>('SELECT * FROM certificates WHERE id = ?', id);
  }
  /** The certificate a service loaded at its last start, if it recorded one. */
  serviceCertificate(node: string, service: string, unit: string): number | undefined {
    return this.one<{ certificate: number }>('SELECT certificate FROM service_certificates WHERE node = ? AND service = ? AND unit = ?', node, service, unit)?.certificate;
  }
  setServiceCertificate(node: string, service: string, unit: string, certificate: number): void {
    this.run('INSERT OR REPLACE INTO service_certificates (node, service, unit, certificate) VALUES (?, ?, ?, ?)', node, service, unit, certificate);
  }

  trust(node: string, store?: string): TrustRow[] {
    return store === undefined
      ? this.all<TrustRow>('SELECT * FROM trust WHERE node = ? ORDER BY store, id', node)
      : this.all<TrustRow>('SELECT * FROM trust WHERE node = ? AND store = ? ORDER BY id', node, store);
  }
  upsertTrust(r: Omit<TrustRow, 'id'>): void {
    this.run(
      `INSERT INTO trust (node, store, file, cert_pem, description, added_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (node, store, file) DO UPDATE SET cert_pem = excluded.cert_pem, description = excluded.description, added_at = excluded.added_at`,
      r.node, r.store, r.file, r.cert_pem, r.description, r.added_at,
    );
  }
  deleteTrust(node: string, store: string, file: string): boolean {
    return this.run('DELETE FROM trust WHERE node = ? AND store = ? AND file = ?', node, store, file).changes > 0;
  }

  users(cluster: string): UserRow[] {
    return this.all<UserRow>('SELECT * FROM accounts WHERE cluster = ? ORDER BY name', cluster);
  }
  user(cluster: string, name: string): UserRow | undefined {
    return this.one<UserRow>('SELECT * FROM accounts WHERE cluster = ? AND name = ?', cluster, name);
  }
  upsertUser(r: UserRow): void {
    this.run(
      `INSERT INTO accounts VALUES (?, ?, ?, ?) ON CONFLICT (cluster, name) DO UPDATE SET privilege = excluded.privilege, password_hash = excluded.password_hash`,
      r.cluster, r.name, r.privilege, r.password_hash,
    );
  }

  tftpFiles(node: string): TftpFileRow[] {
    return this.all<TftpFileRow>('SELECT * FROM tftp_files WHERE node = ? ORDER BY name', node);
  }
  tftpFile(node: string, name: string): TftpFileRow | undefined {
    return this.one<TftpFileRow>('SELECT * FROM tftp_files WHERE node = ? AND name = ?', node, name);
  }
  putTftpFile(r: TftpFileRow): void {
    this.run(
      `INSERT INTO tftp_files (node, name, content, modified_at, spec, signer, reset) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node, name) DO UPDATE SET
         content = excluded.content, modified_at = excluded.modified_at, spec = excluded.spec, signer = excluded.signer, reset = excluded.reset`,
      r.node, r.name, r.content, r.modified_at, r.spec, r.signer, r.reset,
    );
  }
  deleteTftpFile(node: string, name: string): boolean {
    return this.run('DELETE FROM tftp_files WHERE node = ? AND name = ?', node, name).changes > 0;
  }

  appendEvent(e: Omit<EventRow, 'id'>): number {
    return Number(this.run(
      'INSERT INTO events (cluster, wall_time, sim_time, node, user, command, kind, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      e.cluster, e.wall_time, e.sim_time, e.node, e.user, e.command, e.kind, e.change,
    ).lastInsertRowid);
  }
  /** The latest `limit` events, oldest first; of one cluster (and the lab's own) when named. */
  events(limit = 1000, cluster?: string): EventRow[] {
    const rows = cluster === undefined
      ? this.all<EventRow>('SELECT * FROM events ORDER BY id DESC LIMIT ?', limit)
      : this.all<EventRow>('SELECT * FROM events WHERE cluster = ? OR cluster IS NULL ORDER BY id DESC LIMIT ?', cluster, limit);
    return rows.reverse();
  }

  csrs(node: string): CsrRow[] {
    return this.all<CsrRow>('SELECT * FROM csrs WHERE node = ? ORDER BY unit', node);
  }
  csr(node: string, unit: string): CsrRow | undefined {
    return this.one<CsrRow>('SELECT * FROM csrs WHERE node = ? AND unit = ?', node, unit);
  }
  /** Stores a unit's CSR, replacing any older one (whose key is then gone for good). */
  putCsr(r: CsrRow): void {
    this.run(
      `INSERT INTO csrs (node, unit, csr_pem, key_pem, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (node, unit) DO UPDATE SET
         csr_pem = excluded.csr_pem, key_pem = excluded.key_pem, created_at = excluded.created_at`,
      r.node, r.unit, r.csr_pem, r.key_pem, r.created_at,
    );
  }
  deleteCsr(node: string, unit: string): boolean {
    return this.run('DELETE FROM csrs WHERE node = ? AND unit = ?', node, unit).changes > 0;
  }

  // --- Bulk Certificate Management --------------------------------------------------------
  bulkSftp(cluster: string): BulkSftpRow | undefined {
    return this.one<BulkSftpRow>('SELECT * FROM bulk_certificate_sftp WHERE cluster = ?', cluster);
  }
  setBulkSftp(r: BulkSftpRow): void {
    this.run(
      `INSERT INTO bulk_certificate_sftp (cluster, ip, port, user_id, password, directory) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (cluster) DO UPDATE SET ip = excluded.ip, port = excluded.port, user_id = excluded.user_id, password = excluded.password, directory = excluded.directory`,
      r.cluster, r.ip, r.port, r.user_id, r.password, r.directory,
    );
  }
  // --- DRS devices and history ---------------------------------------------------------------
  drsDevices(cluster: string): DrsDeviceRow[] {
    return this.all<DrsDeviceRow>('SELECT * FROM drs_devices WHERE cluster = ? ORDER BY name', cluster);
  }
  putDrsDevice(r: DrsDeviceRow): void {
    this.run(
      `INSERT INTO drs_devices VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (cluster, name) DO UPDATE SET
         path = excluded.path, server = excluded.server, username = excluded.username, password = excluded.password, keep = excluded.keep`,
      r.cluster, r.name, r.path, r.server, r.username, r.password, r.keep,
    );
  }
  drsHistory(cluster: string, operation: DrsHistoryRow['operation']): DrsHistoryRow[] {
    return this.all<DrsHistoryRow>('SELECT * FROM drs_history WHERE cluster = ? AND operation = ? ORDER BY id', cluster, operation);
  }
  addDrsHistory(r: Omit<DrsHistoryRow, 'id'>): void {
    this.run(
      'INSERT INTO drs_history (cluster, tar, device, operation, completed_at, result, features, components) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      r.cluster, r.tar, r.device, r.operation, r.completed_at, r.result, r.features, r.components,
    );
  }

  // --- phones and the blobs their trust lists are kept in ---------------------------------
  phones(cluster: string): PhoneRow[] {
    return this.all<PhoneRow>('SELECT * FROM phones WHERE cluster = ? ORDER BY position', cluster);
  }
  /** The phones last registered with `node`, in position order: what RIS of that node reports. */
  phonesOfNode(cluster: string, node: string): RisPhone[] {
    return this.all<RisPhone>(
      'SELECT name, description, position, mac, model, reg_state, reg_changed_at FROM phones WHERE cluster = ? AND reg_node = ? ORDER BY position',
      cluster, node,
    );
  }
  /** How many phones the cluster has, how many are registered and up, how many are rebooting. */
  phoneTotals(cluster: string): { total: number; registered: number; rebooting: number } {
    return this.one<{ total: number; registered: number; rebooting: number }>(
      `SELECT COUNT(*) AS total, COALESCE(SUM(reg_state = 'reg' AND reboot_until IS NULL), 0) AS registered, COUNT(reboot_until) AS rebooting
       FROM phones WHERE cluster = ?`, cluster,
    )!;
  }
  phoneCount(cluster: string): number {
    return this.one<{ n: number }>('SELECT COUNT(*) AS n FROM phones WHERE cluster = ?', cluster)!.n;
  }
  /** By exact name (the primary key), else ignoring case as the admin may type it. */
  phone(name: string): PhoneRow | undefined {
    return this.one<PhoneRow>('SELECT * FROM phones WHERE name = ?', name) ?? this.one<PhoneRow>('SELECT * FROM phones WHERE name = ? COLLATE NOCASE', name);
  }
  phonesDueCount(simTime: string): number {
    return this.one<{ n: number }>('SELECT COUNT(*) AS n FROM phones WHERE reboot_until IS NOT NULL AND reboot_until <= ?', simTime)!.n;
  }
  /** Phones whose boot is due by `simTime`, earliest first (in stored order), at most `limit` of them. */
  phonesDueBy(simTime: string, limit = Infinity): BootingPhone[] {
    return this.all<BootingPhone>(
      `SELECT name, cluster, tftp, model, device_pool, ctl_hash, itl_hash, config_hash, reg_state, reg_node, status
       FROM phones WHERE reboot_until IS NOT NULL AND reboot_until <= ? ORDER BY reboot_until, rowid LIMIT ?`,
      simTime, Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : -1,
    );
  }
  /** A boot that could not complete: the phone is up, unregistered, saying why. */
  failBoot(name: string, status: string): void {
    this.run("UPDATE phones SET reg_state = 'unr', reboot_until = NULL, status = ? WHERE name = ?", status, name);
  }
  insertPhone(r: PhoneRow): void {
    this.run(
      `INSERT INTO phones (name, cluster, tftp, position, model, mac, device_pool, description, ctl_hash, itl_hash, config_hash, reg_state, reg_node, reg_changed_at, status, reboot_until)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      r.name, r.cluster, r.tftp, r.position, r.model, r.mac, r.device_pool, r.description, r.ctl_hash, r.itl_hash, r.config_hash, r.reg_state, r.reg_node, r.reg_changed_at, r.status, r.reboot_until,
    );
  }
  updatePhone(r: PhoneRow): void {
    this.run(
      `UPDATE phones SET cluster = ?, tftp = ?, ctl_hash = ?, itl_hash = ?, config_hash = ?, reg_state = ?, reg_node = ?, reg_changed_at = ?, status = ?, reboot_until = ? WHERE name = ?`,
      r.cluster, r.tftp, r.ctl_hash, r.itl_hash, r.config_hash, r.reg_state, r.reg_node, r.reg_changed_at, r.status, r.reboot_until, r.name,
    );
  }
  /** Phones that booted alike: their trust lists and registration; they are up again. One statement. */
  settlePhones(s: PhoneSettlement): void {
    const lists = (['ctl_hash', 'itl_hash'] as const).filter((c) => s[c] !== undefined).map((c) => `${c} = @${c}, `).join('');
    const { names, ctl_hash, itl_hash, ...rest } = s;
    this.prepared(
      `UPDATE phones SET ${lists}reg_state = @reg_state, reg_node = @reg_node, status = @status,
       reg_changed_at = COALESCE(@reg_changed_at, reg_changed_at), reboot_until = NULL WHERE name IN (SELECT value FROM json_each(@names))`,
    ).run({ ...rest, ...(ctl_hash !== undefined ? { ctl_hash } : {}), ...(itl_hash !== undefined ? { itl_hash } : {}), names: JSON.stringify(names) });
  }
  /** The configuration file a phone accepted. */
  setPhoneConfig(name: string, hash: string | null): void {
    this.run('UPDATE phones SET config_hash = ? WHERE name = ?', hash, name);
  }
  /** The phones of `scope`, in position order. */
  phonesIn(scope: PhoneScope): PhoneRow[] {
    return this.prepared(`SELECT * FROM phones WHERE ${scopeWhere(scope)} ORDER BY position`).all(scopeParams(scope)) as PhoneRow[];
  }
  /** DHCP option 150 of the phones of `scope`; returns how many. */
  setPhonesTftp(scope: PhoneScope, tftp: string): number {
    return this.prepared(`UPDATE phones SET tftp = @tftp WHERE ${scopeWhere(scope)}`).run({ ...scopeParams(scope), tftp }).changes;
  }
  /** Whether a device pool of the cluster holds phones (its name in any case). */
  hasPhonesInPool(cluster: string, pool: string): boolean {
    return this.one('SELECT 1 FROM phones WHERE cluster = ? AND device_pool = ? COLLATE NOCASE LIMIT 1', cluster, pool) !== undefined;
  }
  /**
   * Phones of `scope` unregister and boot again at their model's time in `until` (`otherwise` for a
   * model not listed); `erase` drops their trust lists first (Settings > Security > Trust List >
   * delete). One statement for the whole set; returns how many phones it took in.
   */
  rebootPhones(scope: PhoneScope, until: Map<string, string>, otherwise: string, now: string, erase: string | null): number {
    const set = erase
      ? 'ctl_hash = NULL, itl_hash = NULL, status = @erase, reg_changed_at = @now'
      : "reg_changed_at = CASE reg_state WHEN 'unr' THEN reg_changed_at ELSE @now END";
    const models = [...until.keys()];
    const due = `CASE model ${models.map((_, i) => `WHEN @m${i} THEN @u${i}`).join(' ')} ELSE @otherwise END`;
    const params: Record<string, string | null> = { ...scopeParams(scope), now, otherwise, ...(erase ? { erase } : {}) };
    models.forEach((m, i) => {
      params[`m${i}`] = m;
      params[`u${i}`] = until.get(m)!;
    });
    return this.prepared(`UPDATE phones SET ${set}, reg_state = 'unr', reboot_until = ${due} WHERE ${scopeWhere(scope)}`).run(params).changes;
  }
  /** A phone's device record moves to another cluster's database (a BAT export and import). */
  movePhone(name: string, cluster: string, devicePool: string): void {
    this.run('UPDATE phones SET cluster = ?, device_pool = ? WHERE name = ?', cluster, devicePool, name);
  }
  /** Phones counted by registration state and status, and how many of each are rebooting: read from
   *  the phones_state index alone, in its order. */
  phoneStateCounts(cluster: string): { reg_state: string; status: string; n: number; rebooting: number }[] {
    return this.all('SELECT reg_state, status, COUNT(*) AS n, COUNT(reboot_until) AS rebooting FROM phones WHERE cluster = ? GROUP BY reg_state, status', cluster);
  }
  /** One page of phones in position order whose name, model, pool, TFTP address or status contains `text`
   *  (without text, the count and the page come from the phones_by_cluster index). */
  phonePage(cluster: string, text: string, offset: number, limit: number, count = true): { total: number | null; rows: PhoneRow[] } {
    if (!text) {
      return {
        total: this.phoneCount(cluster),
        rows: this.all<PhoneRow>('SELECT * FROM phones WHERE cluster = ? ORDER BY position LIMIT ? OFFSET ?', cluster, limit, offset),
      };
    }
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const filter = `cluster = @cluster AND (name LIKE @like ESCAPE '\\' OR model LIKE @like ESCAPE '\\'
      OR device_pool LIKE @like ESCAPE '\\' OR tftp LIKE @like ESCAPE '\\' OR status LIKE @like ESCAPE '\\')`;
    // Counting the matches reads every phone of the cluster: the caller may know the count already.
    const total = count ? (this.prepared(`SELECT COUNT(*) AS n FROM phones WHERE ${filter}`).get({ cluster, like }) as { n: number }).n : null;
    const rows = this.prepared(`SELECT * FROM phones WHERE ${filter} ORDER BY position LIMIT @limit OFFSET @offset`).all({ cluster, like, limit, offset }) as PhoneRow[];
    return { total, rows };
  }
  /** Keeps `content` once and returns its key. */
  putBlob(hash: string, content: Buffer): string {
    this.run('INSERT OR IGNORE INTO blobs VALUES (?, ?)', hash, content);
    return hash;
  }
  blob(hash: string): Buffer | undefined {
    return this.one<{ content: Buffer }>('SELECT content FROM blobs WHERE hash = ?', hash)?.content;
  }
}

export interface BulkSftpRow {
  cluster: string;
  ip: string;
  port: number;
  user_id: string;
  password: string;
  directory: string;
}
export interface DrsDeviceRow {
  cluster: string;
  name: string;
  path: string;
  server: string;
  username: string;
  password: string;
  keep: number;
}
export interface DrsHistoryRow {
  id: number;
  cluster: string;
  tar: string;
  device: string;
  operation: 'BACKUP' | 'RESTORE';
  completed_at: string;
  result: string;
  features: string;
  components: string;
}

export interface CsrRow {
  node: string;
  unit: string;
  csr_pem: string;
  key_pem: string;
  created_at: string;
}
