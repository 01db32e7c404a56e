import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { newPrivateKey } from './libp2p.js';

/**
 * The node's Ed25519 identity, created once into DATA_DIR/p2p/identity.key
 * (mode 0600) so its peer id, and with it other nodes' address books and
 * bans, survive restarts.
 */
export async function loadOrCreateIdentity(path: string): Promise<Uint8Array> {
  if (existsSync(path)) return new Uint8Array(readFileSync(path));
  mkdirSync(dirname(path), { recursive: true });
  const key = await newPrivateKey();
  writeFileSync(path, key, { mode: 0o600 });
  return key;
}
