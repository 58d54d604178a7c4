// `run sql`: a read-only SELECT over tables named and shaped like the CUCM (Informix) tables admins
// query, filled from the lab model in a private in-memory SQLite database, so no statement can reach
// the lab's store. Guards: one statement, SELECT only, no recursion, bounded joins over the big
// `device` table, bounded result. Errors come back as the Informix sentences CUCM prints.
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import type { Cluster } from './cluster';
import { ENTERPRISE_PARAMETERS } from './settings';
import { ClusterError } from './errors';

export interface SqlPhone {
  name: string;
  description: string;
  model: string;
  device_pool: string;
}

export interface SqlResult {
  columns: string[];
  rows: string[][];
  /** more rows matched than were returned */
  truncated: boolean;
}

/** Rows returned at most. */
export const MAX_SQL_ROWS = 5000;
/** Table scans a statement may plan at most; `device` (one row per phone) may be scanned once. */
const MAX_SCANS = 4;
const STATEMENT_MAX = 4000;

export class SqlError extends ClusterError {}

function pkid(kind: string, name: string): string {
  const h = crypto.createHash('sha1').update(`${kind}:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const ENTERPRISE_WIDE = '00000000-1111-0000-0000-000000000000';

function modelName(model: string): string {
  return model === 'Jabber' ? 'Cisco Unified Client Services Framework' : `Cisco ${model.replace(/^CP-/, '')}`;
}

/** SCCP (0) for the models that only speak it in the lab, SIP (11) for the rest. */
function protocolOf(model: string): number {
  return /^CP-79[46]0$/.test(model) ? 0 : 11;
}

function build(cluster: Cluster, phones: SqlPhone[], enums: Map<string, number>): Database.Database {
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE device (pkid TEXT, name TEXT, description TEXT, tkmodel INTEGER, tkdeviceprotocol INTEGER, tkclass INTEGER, fkdevicepool TEXT);
    CREATE TABLE typemodel (enum INTEGER, name TEXT, moniker TEXT);
    CREATE TABLE processnode (pkid TEXT, name TEXT, mac TEXT, ipv6name TEXT, nodeid INTEGER, description TEXT, isactive TEXT, tknodeusage INTEGER);
    CREATE TABLE callmanager (pkid TEXT, name TEXT, description TEXT, fkprocessnode TEXT, ctiid INTEGER);
    CREATE TABLE devicepool (pkid TEXT, name TEXT, fkcallmanagergroup TEXT);
    CREATE TABLE processconfig (pkid TEXT, fkprocessnode TEXT, tkservice INTEGER, paramname TEXT, paramvalue TEXT);
  `);
  const tx = db.transaction(() => {
    const models = new Set<string>();
    const dev = db.prepare('INSERT INTO device VALUES (?, ?, ?, ?, ?, 1, ?)');
    for (const p of phones) {
      models.add(p.model);
      dev.run(pkid('device', p.name), p.name, p.description, enums.get(p.model) ?? 0, protocolOf(p.model), pkid('devicepool', p.device_pool));
    }
    const tm = db.prepare('INSERT INTO typemodel VALUES (?, ?, ?)');
    for (const [model, e] of enums) tm.run(e, modelName(model), `MODEL_${modelName(model).toUpperCase().replace(/\W+/g, '_')}`);
    const pn = db.prepare('INSERT INTO processnode VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    pn.run(ENTERPRISE_WIDE, 'EnterpriseWideData', '', '', 1, '', 't', 1);
    const cm = db.prepare('INSERT INTO callmanager VALUES (?, ?, ?, ?, ?)');
    for (const n of cluster.nodes()) {
      pn.run(pkid('processnode', n.name), n.fqdn, '', '', n.position + 2, '', 't', n.role === 'publisher' ? 0 : 1);
      cm.run(pkid('callmanager', n.name), `CM_${n.name}`, n.fqdn, pkid('processnode', n.name), n.position + 1);
    }
    const dp = db.prepare('INSERT INTO devicepool VALUES (?, ?, ?)');
    for (const p of cluster.config.phones.devicePools) dp.run(pkid('devicepool', p.name), p.name, pkid('callmanagergroup', p.cmGroup.join(',')));
    const pc = db.prepare('INSERT INTO processconfig VALUES (?, ?, 11, ?, ?)');
    for (const name of Object.keys(ENTERPRISE_PARAMETERS)) pc.run(pkid('processconfig', name), ENTERPRISE_WIDE, name, cluster.settings.enterpriseParameter(name));
  });
  tx();
  return db;
}

const WRITE_ERRORS: Record<string, string> = {
  update: 'No UPDATE permission.',
  delete: 'No DELETE permission.',
  insert: 'No INSERT permission.',
};
const SYNTAX = 'A syntax error has occurred.';

/** Functions that could build huge values or are not Informix's. */
const REFUSED_WORDS = /\b(recursive|zeroblob|randomblob|printf|format|load_extension|pragma|attach|detach|vacuum)\b/i;

function strip(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "''").replace(/"(?:[^"]|"")*"/g, '""');
}

function informix(e: Error): SqlError {
  const m = e.message;
  const table = /no such table: (?:\w+\.)?(\S+)/.exec(m);
  if (table) return new SqlError(`The specified table (${table[1]}) is not in the database.`);
  const col = /no such column: (\S+)/.exec(m);
  if (col) return new SqlError(`Column (${col[1].replace(/^\w+\./, '')}) not found in any table in the query (or SLV is undefined).`);
  return new SqlError(SYNTAX);
}

/** Informix prints column names lower case, and an expression as (expression); count(*) as (count(*)). */
function header(name: string): string {
  if (/^\w+$/.test(name)) return name.toLowerCase();
  if (/^count\(\*\)$/i.test(name)) return '(count(*))';
  return '(expression)';
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (Buffer.isBuffer(v)) return v.toString('hex');
  return String(v);
}

export function runSelect(cluster: Cluster, phones: SqlPhone[], enums: Map<string, number>, statement: string): SqlResult {
  const sql = statement.trim().replace(/;\s*$/, '');
  if (sql.length === 0 || sql.length > STATEMENT_MAX) throw new SqlError(SYNTAX);
  const first = /^\w+/.exec(sql)?.[0].toLowerCase() ?? '';
  if (first in WRITE_ERRORS) throw new SqlError(WRITE_ERRORS[first]);
  if (first !== 'select' || sql.includes(';') && strip(sql).includes(';')) throw new SqlError(SYNTAX);
  if (REFUSED_WORDS.test(strip(sql))) throw new SqlError(SYNTAX);
  const db = build(cluster, phones, enums);
  try {
    let stmt: Database.Statement;
    try {
      stmt = db.prepare(sql);
    } catch (e) {
      throw informix(e as Error);
    }
    if (!stmt.reader || !stmt.readonly) throw new SqlError(SYNTAX);
    // The bytecode says which tables are opened, aliases or not: one cursor on device, a few on the small tables.
    const roots = new Map((db.prepare("SELECT rootpage, name FROM sqlite_schema WHERE type = 'table'").all() as { rootpage: number; name: string }[]).map((r) => [r.rootpage, r.name]));
    const opened = (db.prepare(`EXPLAIN ${sql}`).all() as { opcode: string; p2: number }[])
      .filter((op) => op.opcode === 'OpenRead' && roots.has(op.p2)).map((op) => roots.get(op.p2));
    if (opened.length > MAX_SCANS || opened.filter((t) => t === 'device').length > 1) {
      throw new SqlError('The query joins too many tables for this system.');
    }
    const columns = stmt.columns().map((c) => header(c.name));
    const rows: string[][] = [];
    let truncated = false;
    stmt.raw(true);
    try {
      for (const r of stmt.iterate() as Iterable<unknown[]>) {
        if (rows.length >= MAX_SQL_ROWS) {
          truncated = true;
          break;
        }
        rows.push(r.map(cell));
      }
    } catch (e) {
      throw e instanceof SqlError ? e : informix(e as Error);
    }
    return { columns, rows, truncated };
  } finally {
    db.close();
  }
}

/** The Informix layout: lower-case header, `=` underlines, columns as wide as their widest value, left-aligned. */
export function informixLines(r: SqlResult): string[] {
  const widths = r.columns.map((c, i) => Math.max(c.length, ...r.rows.map((row) => row[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join(' ').trimEnd();
  return [line(r.columns), widths.map((w) => '='.repeat(w)).join(' '), ...r.rows.map(line)];
}
