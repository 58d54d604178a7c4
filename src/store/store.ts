// The SQLite store: one file in the data directory, WAL, versioned migrations, and one
// IMMEDIATE transaction per command so that concurrent sessions serialize cleanly.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations';
import { makePrivateDir, privateFile, tightenDir, tightenFile } from './modes';

export const STORE_FILE = 'ucmsim.db';

export class Store {
  private constructor(readonly db: Database.Database, readonly dir: string) {}

  static open(dir: string): Store {
    makePrivateDir(dir);
    tightenDir(dir);
    const file = path.join(dir, STORE_FILE);
    // SQLite would create the file 0644 (and its WAL and SHM files with the same mode): create it 0600 first.
    privateFile(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    for (const f of [`${file}-wal`, `${file}-shm`]) tightenFile(f);
    // In WAL mode, NORMAL keeps every committed transaction through a crash or kill -9 of the server;
    // only a crash of the machine itself may lose the last ones. It spares a disk flush per command.
    db.pragma('synchronous = NORMAL');
    // A bulk reset writes a few thousand pages per due time: fold them into the database file every
    // ~40 MB of log rather than every 4 MB (SQLite's default), and trim the log back afterwards.
    db.pragma('wal_autocheckpoint = 10000');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 10000');
    const store = new Store(db, dir);
    store.migrate();
    return store;
  }

  /** The store of a lab another process serves, for reading only: no migration, no mode changes, no writes. */
  static openReadOnly(dir: string): Store {
    const db = new Database(path.join(dir, STORE_FILE), { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 10000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version !== migrations.length) {
      db.close();
      throw new Error(`the store in ${dir} has schema ${version}; this ucmsim reads schema ${migrations.length}`);
    }
    return new Store(db, dir);
  }

  static exists(dir: string): boolean {
    return fs.existsSync(path.join(dir, STORE_FILE));
  }

  private migrate(): void {
    const current = this.db.pragma('user_version', { simple: true }) as number;
    if (current > migrations.length) {
      throw new Error(`the store in ${this.dir} was written by a newer ucmsim (schema ${current})`);
    }
    for (let v = current; v < migrations.length; v++) {
      this.db.transaction(() => {
        this.db.exec(migrations[v]);
        this.db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  }

  get initialized(): boolean {
    return this.db.prepare('SELECT 1 FROM clusters LIMIT 1').get() !== undefined;
  }

  /** work to do once the outermost transaction has committed (publishing its events) */
  private committed: (() => void)[] = [];

  /** Runs fn in one IMMEDIATE transaction (a savepoint when nested); a throw rolls it back. */
  transaction<T>(fn: () => T): T {
    const outermost = !this.db.inTransaction;
    const mark = this.committed.length;
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (e) {
      this.committed.length = mark; // what the rolled-back part queued never happened
      throw e;
    }
    if (outermost) {
      const todo = this.committed.splice(0);
      for (const f of todo) f();
    }
    return result;
  }

  /** Runs `f` after the current transaction commits, or now when none is open. */
  afterCommit(f: () => void): void {
    if (this.db.inTransaction) this.committed.push(f);
    else f();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
