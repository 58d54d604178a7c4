// The node's SSH host key: generated once per data directory and kept (mode 0600), so
// known_hosts stays valid across restarts.
import fs from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

export function loadOrCreateHostKey(dataDir: string): Buffer {
  const file = path.join(dataDir, HOST_KEY_FILE);
  if (!fs.existsSync(file)) {
    const pair = utils.generateKeyPairSync('ed25519');
    fs.writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
  }
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file);
}
