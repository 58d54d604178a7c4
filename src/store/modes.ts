// The data directory holds every private key: only its owner may read it. New files and directories are
// created private, and modes loosened by hand or by an older version are tightened when the store opens.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;
const STICKY = 0o1000;

/** Creates `dir` private (missing parents as usual). */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  try {
    fs.mkdirSync(dir, { mode: PRIVATE_DIR });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/**
 * Makes the data directory private. A shared sticky directory (/tmp) or one owned by someone else is left
 * as it is: the files in it are private anyway.
 */
export function tightenDir(dir: string): void {
  const st = fs.statSync(dir);
  if (st.mode & STICKY) return;
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return;
  if ((st.mode & 0o777) !== PRIVATE_DIR) fs.chmodSync(dir, PRIVATE_DIR);
}

/** Creates `file` empty and private if it does not exist; makes it private if it does. */
export function privateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
  tightenFile(file);
}

/** Makes an existing file private; a missing one is fine. */
export function tightenFile(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o777) !== PRIVATE_FILE) fs.chmodSync(file, PRIVATE_FILE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
