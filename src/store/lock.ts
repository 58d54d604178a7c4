// One `serve` per data directory: a lock file holding the owner's PID. A lock left by a process
// that no longer exists (kill -9) is taken over.
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir, PRIVATE_FILE } from './modes';

export const LOCK_FILE = 'serve.lock';

export class DataDirInUse extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`data directory ${dir} is already in use by ucmsim serve (pid ${pid}); stop it first or use another --data`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Returns the owner's PID if a live serve holds the directory. */
export function lockOwner(dir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

export function acquireServeLock(dir: string): () => void {
  makePrivateDir(dir);
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: PRIVATE_FILE });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = lockOwner(dir);
      if (owner !== null) throw new DataDirInUse(dir, owner);
      fs.rmSync(file, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`could not lock ${dir}`);
}
