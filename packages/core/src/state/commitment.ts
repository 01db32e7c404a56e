import { BufferWriter } from '../encoding/writer.js';
import { bytesToHex } from '../encoding/bytes.js';
import { sha256d } from '../crypto/hash.js';
import { encodeAccount, type Account } from './account.js';

/**
 * The state root is a hash chain over state transitions:
 *   root(h) = sha256d(root(h-1) ‖ height ‖ n ‖ Σ sorted(address ‖ account))
 * over every account the block changed, in address order. By induction it
 * commits to the whole state (every balance and nonce) after the block, costs
 * O(changes) per block instead of O(accounts), and any divergence between two
 * nodes changes every later root. It does not support state proofs; a trie
 * can replace it in a later version without touching the header.
 */
export function nextStateRoot(
  prevRoot: Uint8Array,
  height: number,
  changes: ReadonlyMap<string, { address: Uint8Array; account: Account }>,
): Uint8Array {
  const keys = [...changes.keys()].sort();
  const w = new BufferWriter(40 + keys.length * 36);
  w.fixed(prevRoot, 32).u32(height).varint(keys.length);
  for (const k of keys) {
    const c = changes.get(k)!;
    w.fixed(c.address, 20).bytes(encodeAccount(c.account));
  }
  return sha256d(w.finish());
}

/** Map key for an address: lowercase hex, which also sorts in byte order. */
export function addressKey(address: Uint8Array): string {
  return bytesToHex(address);
}
