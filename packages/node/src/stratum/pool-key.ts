import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { addressFromPublicKey, bytesToHex, formatAddress, generatePrivateKey, hexToBytes, isValidPrivateKey, publicKeyFromPrivate } from '@hackcoin/core';

/**
 * The pool operator's own payout key (like any pool's hot wallet), kept in
 * DATA_DIR/pool.key with mode 0600. It is never logged or served.
 */
export function loadOrCreatePoolKey(dataDir: string): { key: Uint8Array; address: string } {
  const path = join(dataDir, 'pool.key');
  let key: Uint8Array;
  if (existsSync(path)) {
    key = hexToBytes(readFileSync(path, 'utf8').trim());
    if (!isValidPrivateKey(key)) throw new Error(`${path} does not hold a valid secp256k1 key`);
  } else {
    mkdirSync(dataDir, { recursive: true });
    key = generatePrivateKey();
    writeFileSync(path, `${bytesToHex(key)}\n`, { mode: 0o600 });
  }
  return { key, address: formatAddress(addressFromPublicKey(publicKeyFromPrivate(key))) };
}
