// Password hashes as stored in etc/users.yaml and the store: scrypt$N$r$p$salt$hash (base64).
import crypto from 'node:crypto';

export const DEFAULT_PASSWORD = 'ciscopsdt';

export function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  const hash = crypto.scryptSync(password, salt, 32, { N: 16384, r: 8, p: 1 });
  return `scrypt$16384$8$1$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Verifies off the event loop (scrypt in the libuv pool), so logins do not stall other sessions. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) },
      (err, key) => (err ? reject(err) : resolve(key))),
  );
  return crypto.timingSafeEqual(expected, actual);
}
