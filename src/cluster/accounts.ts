// A cluster's platform CLI accounts: who may log in, with which privilege.
import crypto from 'node:crypto';
import type { Cluster, Actor } from './cluster';
import type { UserRow } from '../store/repository';
import { verifyPassword } from './passwords';
import { ClusterError } from './errors';

export class Accounts {
  /** password checks already passed, so repeat logins skip scrypt */
  private readonly verified = new Set<string>();

  constructor(private readonly cluster: Cluster) {}

  /** Returns the user's privilege level, or null when the name or password is wrong. */
  async authenticate(user: string, password: string): Promise<number | null> {
    const u = this.cluster.repo.user(this.cluster.name, user);
    const key = `${u?.password_hash}\0${crypto.createHash('sha256').update(password).digest('hex')}`;
    if (u && this.verified.has(key)) return u.privilege;
    // Hash even for an unknown user, so both failures take the same time.
    const ok = await verifyPassword(password, u?.password_hash ?? DUMMY_HASH);
    if (!u || !ok) return null;
    this.verified.add(key); // repeat logins skip scrypt; a password change changes the hash and the key
    return u.privilege;
  }

  /** The platform CLI accounts of this cluster. */
  list(): UserRow[] {
    return this.cluster.repo.users(this.cluster.name);
  }

  /** A new account (a classroom's trainee or instructor); a name already taken is refused. */
  create(actor: Actor | null, user: string, privilege: number, hash: string): void {
    this.cluster.store.transaction(() => {
      if (this.cluster.repo.user(this.cluster.name, user)) throw new ClusterError(`the account ${user} exists`);
      this.cluster.repo.upsertUser({ cluster: this.cluster.name, name: user, privilege, password_hash: hash });
      this.cluster.record(actor, 'account-created', { user, privilege });
    });
  }

  setPassword(actor: Actor | null, user: string, hash: string): void {
    this.cluster.store.transaction(() => {
      const u = this.cluster.repo.user(this.cluster.name, user);
      if (!u) throw new ClusterError(`no user named ${user}`);
      this.cluster.repo.upsertUser({ ...u, password_hash: hash });
      this.cluster.record(actor, 'password-changed', { user });
    });
  }
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
