// Test clusters of other shapes than etc/cluster.yaml: another version profile, other device pools,
// another phone mix. The cluster is described by a small object, written out as a cluster.yaml in a
// temp directory and built with loadClusterConfig + initializeCluster, exactly as `ucmsim init` would.
// Each shape is built once per test process (real keys take seconds) and copied into a fresh data
// directory for every test.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { Store } from '../../src/store/store';
import { loadClusterConfig, loadUsers } from '../../src/cluster/config';
import { initializeCluster } from '../../src/cluster/init';
import { loadOrCreateHostKey } from '../../src/ssh/hostkey';
import { hashPassword } from '../../src/cluster/passwords';
import { TEST_USERS, copyTemplate } from './cluster';

export interface CustomNode {
  name: string;
  ip: string;
  /** feature services to activate (Cisco CallManager, Cisco Tftp, ...) */
  activate: string[];
}

export interface CustomPool {
  name: string;
  callmanagerGroup: string[];
  tftp: string;
}

export interface CustomShape {
  version: string;
  nodes: CustomNode[];
  phones: { count: number; macPrefix?: string; models: Record<string, number>; pools: CustomPool[] };
  upgraded?: boolean;
  fips?: boolean;
}

const templates = new Map<string, Promise<string>>();
const made: string[] = [];

/** The cluster.yaml text for a shape (the fields etc/cluster.yaml has, the rest defaulted). */
export function shapeYaml(shape: CustomShape): string {
  return YAML.stringify({
    cluster: {
      name: 'StandAloneCluster',
      version: shape.version,
      upgraded: shape.upgraded ?? false,
      'fips-mode': shape.fips ?? false,
      domain: 'example.com',
      'time-zone': 'America/New_York',
    },
    nodes: shape.nodes.map((n) => ({ name: n.name, ip: n.ip, activate: n.activate })),
    phones: {
      count: shape.phones.count,
      'mac-prefix': shape.phones.macPrefix ?? '00BB00',
      models: shape.phones.models,
      'device-pools': shape.phones.pools.map((p) => ({ name: p.name, 'callmanager-group': p.callmanagerGroup, tftp: p.tftp })),
    },
  });
}

async function buildTemplate(yaml: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-custom-template-'));
  made.push(dir);
  const file = path.join(dir, 'cluster.yaml');
  fs.writeFileSync(file, yaml);
  const store = Store.open(dir);
  const users = [
    ...loadUsers(),
    ...Object.values(TEST_USERS).map((u) => ({ name: u.name, privilege: u.privilege, passwordHash: hashPassword(u.password) })),
  ];
  await initializeCluster(store, loadClusterConfig(file), users, new Date());
  store.close();
  loadOrCreateHostKey(dir);
  return dir;
}

/** A new data directory holding a copy of the cluster of this shape (built on first use). */
export async function customDataDir(shape: CustomShape): Promise<string> {
  const yaml = shapeYaml(shape);
  let template = templates.get(yaml);
  if (!template) {
    template = buildTemplate(yaml);
    templates.set(yaml, template);
  }
  return copyTemplate(await template, 'ucmsim-custom-');
}

/** The two nodes of etc/cluster.yaml: both run CallManager and Tftp, the publisher CAPF too. */
export const TWO_NODES: CustomNode[] = [
  { name: 'cucm-pub', ip: '10.10.10.11', activate: ['Cisco CallManager', 'Cisco Tftp', 'Cisco CTIManager', 'Cisco Certificate Authority Proxy Function'] },
  { name: 'cucm-sub1', ip: '10.10.10.12', activate: ['Cisco CallManager', 'Cisco Tftp', 'Cisco CTIManager'] },
];

/**
 * An 11.5 cluster (ITL signed by each TFTP node's CallManager key) of two call-processing nodes
 * where every device pool's CallManager group is a single node, so its phones know one TVS only.
 */
export const SINGLE_TVS_115: CustomShape = {
  version: '11.5.1.12900-21',
  nodes: TWO_NODES,
  phones: {
    count: 8,
    models: { 'CP-8841': 2, 'CP-7965': 1, 'CP-7960': 1 },
    pools: [
      { name: 'DP-Pub', callmanagerGroup: ['cucm-pub'], tftp: 'cucm-pub' },
      { name: 'DP-Sub', callmanagerGroup: ['cucm-sub1'], tftp: 'cucm-sub1' },
    ],
  },
};

/**
 * The two-node cluster of etc/cluster.yaml on 12.5, where service restarts after a regeneration stay
 * manual (the version profile's regenRestarts).
 */
export const TWO_NODE_125: CustomShape = {
  version: '12.5.1.13900-152',
  nodes: TWO_NODES,
  phones: {
    count: 8,
    models: { 'CP-8841': 2, 'CP-7965': 1, 'CP-7960': 1 },
    pools: [
      { name: 'DP-HQ', callmanagerGroup: ['cucm-pub', 'cucm-sub1'], tftp: 'cucm-pub' },
      { name: 'DP-Branch', callmanagerGroup: ['cucm-sub1', 'cucm-pub'], tftp: 'cucm-sub1' },
    ],
  },
};

process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
