// The node's SSH host key: generated once per data directory and kept (mode 0600), so
// known_hosts stays valid across restarts.
import fs from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';

export const HOST_KEY_FILE = 'ssh_host_ed25519_key';

export function loadOrCreateHostKey(dataDir: string): Buffer {
  const file = path.join(dataDir, HOST_KEY_FILE);
  if (!fs.existsSync(file)) fs.writeFileSync(file, generateHostKey(), { mode: 0o600, flag: 'wx' });
  fs.chmodSync(file, 0o600);
  return fs.readFileSync(file);
}

/**
 * A fresh ed25519 key in OpenSSH format. ssh2's generator strips leading zero bytes from the public
 * key, so about one key in 256 cannot be parsed back: generate until the key loads.
 */
export function generateHostKey(): string {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519').private;
    if (!(utils.parseKey(key) instanceof Error)) return key;
  }
}
