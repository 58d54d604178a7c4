// What the fleet benchmarks share: the machine line, and a temp data directory holding the cluster of
// etc/cluster.yaml with `phones` phones (same model mix and device pools).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { Store } from '../src/store/store';
import { loadClusterConfig, loadUsers, ETC_DIR } from '../src/cluster/config';
import { initializeCluster } from '../src/cluster/init';

export function machineLine(): string {
  return `machine: ${os.cpus()[0].model}, ${os.cpus().length} cores, node ${process.version}; ${new Date().toISOString()}`;
}

/** A new temp directory and the cluster's YAML with `phones` phones in it; build it with `initialize`. */
export function fleetLab(prefix: string, phones: number): { dir: string; initialize: () => Promise<void> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const doc = YAML.parse(fs.readFileSync(path.join(ETC_DIR, 'cluster.yaml'), 'utf8'));
  doc.phones.count = phones;
  const cfgFile = path.join(dir, 'cluster.yaml');
  fs.writeFileSync(cfgFile, YAML.stringify(doc));
  return {
    dir,
    initialize: async () => {
      const store = Store.open(dir);
      try {
        await initializeCluster(store, loadClusterConfig(cfgFile), loadUsers(), new Date());
      } finally {
        store.close();
      }
    },
  };
}
