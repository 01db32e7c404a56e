import { BufferWriter } from '../encoding/writer.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '../encoding/bytes.js';
import { sha256, sha256d } from '../crypto/hash.js';
import { encodeAccount, type Account } from './account.js';
import type { ContractWorkspace } from './contract-workspace.js';

/**
 * The state root is a hash chain over state transitions:
 *   root(h) = sha256d(root(h-1) ‖ height ‖ n ‖ Σ sorted(address ‖ account))
 * over every account the block changed, in address order. By induction it
 * commits to the whole state (every balance and nonce) after the block, costs
 * O(changes) per block instead of O(accounts), and any divergence between two
 * nodes changes every later root. It does not support state proofs; a trie
 * can replace it in a later version without touching the header.
 *
 * A block that deployed contracts or wrote contract storage appends a
 * contract section (blocks without contract changes hash exactly as before):
 *   0x01 ‖ n ‖ Σ sorted(address ‖ sha256(code)) ‖ m ‖ Σ sorted(address ‖ key ‖ 0 | 1 ‖ value)
 * with key and value as CompactSize-prefixed UTF-8, a deleted slot as 0 and no
 * value, slots sorted by address then key (UTF-16 code-unit order).
 */
export function nextStateRoot(
  prevRoot: Uint8Array,
  height: number,
  changes: ReadonlyMap<string, { address: Uint8Array; account: Account }>,
  contracts?: ContractWorkspace,
): Uint8Array {
  const keys = [...changes.keys()].sort();
  const w = new BufferWriter(40 + keys.length * 36);
  w.fixed(prevRoot, 32).u32(height).varint(keys.length);
  for (const k of keys) {
    const c = changes.get(k)!;
    w.fixed(c.address, 20).bytes(encodeAccount(c.account));
  }
  if (contracts && !contracts.empty) writeContractSection(w, contracts);
  return sha256d(w.finish());
}

function writeContractSection(w: BufferWriter, contracts: ContractWorkspace): void {
  w.u8(1);
  const deployed = [...contracts.deployments()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  w.varint(deployed.length);
  for (const [address, code] of deployed) w.fixed(hexToBytes(address), 20).fixed(sha256(utf8ToBytes(code)), 32);
  const slots = [...contracts.storageChanges().values()].sort((a, b) =>
    a.address !== b.address ? (a.address < b.address ? -1 : 1) : a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
  );
  w.varint(slots.length);
  for (const s of slots) {
    w.fixed(hexToBytes(s.address), 20).varBytes(utf8ToBytes(s.key));
    if (s.value === null) w.u8(0);
    else w.u8(1).varBytes(utf8ToBytes(s.value));
  }
}

/** Map key for an address: lowercase hex, which also sorts in byte order. */
export function addressKey(address: Uint8Array): string {
  return bytesToHex(address);
}
