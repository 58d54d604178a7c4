// Building a fresh cluster from its configuration: nodes, the service catalog with its activation
// state, real certificates for every unit, and the trust stores a fresh install fills.
import crypto from 'node:crypto';
import { createSelfSigned, type IssuedCertificate } from '../pki';
import { trustOnEveryNode } from './certificates';
import type { Store } from '../store/store';
import { Repository } from '../store/repository';
import type { ClusterConfig, LabConfig, UserConfig } from './config';
import { versionProfile } from './versions';
import { unitsOnNode, unitSubject, unitDefinition, SELF_SIGNED_DESCRIPTION, DEFAULT_VALIDITY_YEARS, type UnitDefinition } from './units';
import { NOT_ACTIVATED } from './services';
import { validityEnd } from './keyrules';
import { Lab } from '../lab/lab';

export interface InitProgress {
  (done: number, total: number): void;
}

/** Builds a one-cluster lab. */
export function initializeCluster(store: Store, cfg: ClusterConfig, users: UserConfig[], now: Date, progress?: InitProgress): Promise<void> {
  return initializeLab(store, { name: cfg.name, clusters: [cfg] }, users, now, progress);
}

/** Builds every cluster of a lab (each with the CLI accounts of etc/users.yaml), then boots the phones. */
export async function initializeLab(store: Store, lab: LabConfig, users: UserConfig[], now: Date, progress?: InitProgress): Promise<void> {
  const total = lab.clusters.reduce((n, c) => n + c.nodes.reduce((m, _, i) => m + unitsOnNode(versionProfile(c.version), i === 0).length, 0), 0);
  let done = 0;
  const tick = () => progress?.(++done, total);
  const built = await Promise.all(lab.clusters.map((cfg) => certificatesFor(cfg, now, tick)));
  store.transaction(() => {
    const repo = new Repository(store.db);
    if (repo.clusters().length) throw new Error('the store already holds a lab');
    lab.clusters.forEach((cfg, i) => insertCluster(repo, cfg, i, users, now, built[i]));
    // Activating Cisco Tftp builds each node's ITL; then every phone boots for the first time.
    const world = new Lab({ dataDir: store.dir, timeScale: 0 }, store);
    for (const c of world.clusters.values()) {
      // Every node keeps every node's certificate of a unit in the unit's trust store.
      for (const n of c.nodes()) {
        for (const cert of c.certificates.own(n.name)) {
          const store = unitDefinition(cert.unit)?.trustStore;
          if (store) trustOnEveryNode(c, store, cert.cert_pem, cert.description);
        }
        c.certificates.loadForTftp(n.name);
      }
      c.tftp.refresh(null);
      world.fleetOf(c.name).create(null);
    }
    world.scheduler.close();
  });
}

type Built = { jobs: { node: string; def: UnitDefinition }[]; issued: IssuedCertificate[] };

async function certificatesFor(cfg: ClusterConfig, now: Date, tick: () => void): Promise<Built> {
  const profile = versionProfile(cfg.version);
  const capfSuffix = crypto.randomBytes(4).toString('hex');
  const jobs: { node: string; def: UnitDefinition }[] = [];
  cfg.nodes.forEach((n, i) => {
    for (const def of unitsOnNode(profile, i === 0)) jobs.push({ node: n.name, def });
  });

  // Key generation dominates init; run it concurrently and report each certificate as it lands.
  const issued: IssuedCertificate[] = await Promise.all(
    jobs.map(async ({ node, def }) => {
      // An ITLRecovery carried through an upgrade keeps the 5 years it was issued with.
      const years = def.unit === 'ITLRecovery' && !cfg.upgraded ? profile.itlRecoveryYears : DEFAULT_VALIDITY_YEARS;
      const cert = await createSelfSigned({
        keyType: def.keyType,
        keySize: def.keySize,
        hash: def.hash, // SHA256, which FIPS mode requires anyway
        subject: unitSubject(def.unit, node, cfg, capfSuffix),
        notBefore: now,
        notAfter: validityEnd(now, years),
        purpose: def.unit,
      });
      tick();
      return cert;
    }),
  );
  return { jobs, issued };
}

function insertCluster(repo: Repository, cfg: ClusterConfig, position: number, users: UserConfig[], now: Date, { jobs, issued }: Built): void {
    const at = now.toISOString();
    repo.insertCluster({
      name: cfg.name, position, domain: cfg.domain, version: cfg.version, time_zone: cfg.timeZone,
      config: JSON.stringify(cfg), created_at: at,
    });
    cfg.nodes.forEach((n, i) => {
      repo.insertNode({ name: n.name, cluster: cfg.name, position: i, role: i === 0 ? 'publisher' : 'subscriber', fqdn: `${n.name}.${cfg.domain}`, ip: n.ip, booted_at: at });
      if (cfg.fips) repo.setNodeFips(n.name, true);
      for (const def of cfg.services) {
        if (def.publisherOnly && i !== 0) continue;
        const activated = def.group === 'feature' ? n.activate.includes(def.name) : def.activatedByDefault;
        repo.insertService({
          node: n.name, name: def.name, activated: activated ? 1 : 0,
          state: activated ? 'STARTED' : 'STOPPED', reason: activated ? '' : NOT_ACTIVATED,
        });
      }
    });
    jobs.forEach(({ node, def }, i) => {
      const c = issued[i];
      repo.insertCertificate({
        node, unit: def.unit, status: 'active', cert_pem: c.certPem, key_pem: c.keyPem,
        description: SELF_SIGNED_DESCRIPTION, created_at: at,
      });
    });
    for (const u of users) repo.upsertUser({ cluster: cfg.name, name: u.name, privilege: u.privilege, password_hash: u.passwordHash });
    for (const [name, value] of Object.entries(cfg.enterpriseParameters)) repo.setEnterpriseParameter(cfg.name, name, value);
    repo.appendEvent({
      cluster: cfg.name, wall_time: at, sim_time: at, node: null, user: null, command: 'ucmsim init', kind: 'cluster-created',
      change: JSON.stringify({ nodes: cfg.nodes.map((n) => n.name), version: cfg.version, certificates: jobs.length }),
    });
}
