// Test clusters: one real cluster (real keys) is built per test process and copied into a fresh
// temp data directory for each test, because generating its certificates takes seconds.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store, STORE_FILE } from '../../src/store/store';
import { loadClusterConfig, loadLabConfig, loadUsers, ETC_DIR } from '../../src/cluster/config';
import { initializeCluster, initializeLab } from '../../src/cluster/init';
import { loadOrCreateHostKey, HOST_KEY_FILE } from '../../src/ssh/hostkey';
import { hashPassword } from '../../src/cluster/passwords';

let template: Promise<string> | null = null;
const made: string[] = [];

/** Extra accounts every test cluster has, for privilege tests. */
export const TEST_USERS = { reader: { name: 'reader', password: 'readerpass', privilege: 0 }, operator: { name: 'operator', password: 'operatorpass', privilege: 1 } };

const testUsers = () => [
  ...loadUsers(),
  ...Object.values(TEST_USERS).map((u) => ({ name: u.name, privilege: u.privilege, passwordHash: hashPassword(u.password) })),
];

async function buildTemplate(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-template-'));
  made.push(dir);
  const store = Store.open(dir);
  await initializeCluster(store, loadClusterConfig(), testUsers(), new Date());
  store.close();
  loadOrCreateHostKey(dir);
  return dir;
}

const labTemplates = new Map<string, Promise<string>>();

/** A new data directory holding a copy of the lab a lab file describes (etc/labs/NAME.yaml by default). */
export async function labDataDir(name = 'two-clusters'): Promise<string> {
  let template = labTemplates.get(name);
  if (!template) {
    template = (async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ucmsim-lab-template-'));
      made.push(dir);
      const store = Store.open(dir);
      await initializeLab(store, loadLabConfig(path.join(ETC_DIR, 'labs', `${name}.yaml`)), testUsers(), new Date());
      store.close();
      loadOrCreateHostKey(dir);
      return dir;
    })();
    labTemplates.set(name, template);
  }
  return copyTemplate(await template, 'ucmsim-lab-');
}

/** A new data directory holding a copy of the test cluster. */
export async function freshDataDir(): Promise<string> {
  template ??= buildTemplate();
  return copyTemplate(await template, 'ucmsim-test-');
}

/** A new temp data directory with a copy of a template's store and host key (removed at exit). */
export function copyTemplate(src: string, prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  fs.copyFileSync(path.join(src, STORE_FILE), path.join(dir, STORE_FILE));
  fs.copyFileSync(path.join(src, HOST_KEY_FILE), path.join(dir, HOST_KEY_FILE));
  fs.chmodSync(path.join(dir, HOST_KEY_FILE), 0o600);
  return dir;
}

process.on('exit', () => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});
