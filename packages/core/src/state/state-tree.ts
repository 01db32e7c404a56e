import { sha256, sha256Into } from '../crypto/hash.js';
import { BufferReader } from '../encoding/reader.js';
import { BufferWriter, U64_MAX } from '../encoding/writer.js';
import { hexToBytes, utf8ToBytes } from '../encoding/bytes.js';
import type { Account } from './account.js';
import type { ContractWorkspace } from './contract-workspace.js';
import { EMPTY_ROOT, isEmptyRoot, type TreeUpdate, type TreeWriter } from './smt.js';

/**
 * The state commitment: a sparse Merkle tree (smt.ts) of accounts keyed by
 * sha256(address), whose leaf value is
 *   balance u64 ‖ nonce u64 ‖ codeHash (32) ‖ storageRoot (32)
 * (codeHash = sha256 of the contract's stored code as UTF-8, zeros for a plain
 * account; storageRoot = root of the contract's own storage tree, keyed by
 * sha256(UTF-8 key) with the UTF-8 JSON value as leaf value). An account
 * whose four fields are all zero is absent from the tree. The empty state's
 * root is 32 zero bytes.
 */
export interface CommittedAccount extends Account {
  codeHash: Uint8Array;
  storageRoot: Uint8Array;
}

export const STATE_ACCOUNT_SIZE = 80;

export const EMPTY_COMMITTED_ACCOUNT: Readonly<CommittedAccount> = Object.freeze({
  balance: 0n,
  nonce: 0n,
  codeHash: EMPTY_ROOT,
  storageRoot: EMPTY_ROOT,
});

export function encodeStateAccount(a: CommittedAccount): Uint8Array {
  return new BufferWriter(STATE_ACCOUNT_SIZE).u64(a.balance).u64(a.nonce).fixed(a.codeHash, 32).fixed(a.storageRoot, 32).finish();
}

export function decodeStateAccount(bytes: Uint8Array): CommittedAccount {
  const r = new BufferReader(bytes);
  const a = { balance: r.u64(), nonce: r.u64(), codeHash: r.bytes(32).slice(), storageRoot: r.bytes(32).slice() };
  r.done();
  return a;
}

export function accountPath(address: Uint8Array): Uint8Array {
  return sha256(address);
}

export function storagePath(key: string): Uint8Array {
  return sha256(utf8ToBytes(key));
}


/**
 * An account leaf value with a new balance and nonce and the code hash and
 * storage root of `old` (null: none), byte for byte what encodeStateAccount
 * gives, without decoding: most accounts a block touches only send or receive.
 */
function withBalanceAndNonce(old: Uint8Array | null, a: Account): Uint8Array | null {
  if (a.balance < 0n || a.balance > U64_MAX || a.nonce < 0n || a.nonce > U64_MAX) throw new RangeError('u64 out of range');
  const out = new Uint8Array(STATE_ACCOUNT_SIZE);
  let rest = 0;
  if (old) for (let i = 16; i < STATE_ACCOUNT_SIZE; i++) rest |= out[i] = old[i]!;
  if (a.balance === 0n && a.nonce === 0n && rest === 0) return null;
  // One shared view: a DataView per account cost as much as the rest of this function.
  u64View.setBigUint64(0, a.balance, true);
  u64View.setBigUint64(8, a.nonce, true);
  for (let i = 0; i < 16; i++) out[i] = u64Bytes[i]!;
  return out;
}

const u64Bytes = new Uint8Array(16);
const u64View = new DataView(u64Bytes.buffer);

function isAbsent(a: CommittedAccount): boolean {
  return a.balance === 0n && a.nonce === 0n && isEmptyRoot(a.codeHash) && isEmptyRoot(a.storageRoot);
}

/**
 * The state root after a block: the accounts it changed (address key →
 * final balance and nonce, and the address's bytes when the caller has them,
 * sparing a hex decode), the contracts it deployed and the storage slots it
 * wrote, applied to the tree at `prevRoot`. New nodes collect in the writer.
 */
export function commitState(
  writer: TreeWriter,
  prevRoot: Uint8Array,
  changes: ReadonlyMap<string, { account: Account; address?: Uint8Array }>,
  contracts?: ContractWorkspace,
): Uint8Array {
  const storage = new Map<string, TreeUpdate[]>();
  const touched = new Set(changes.keys());
  if (contracts && !contracts.empty) {
    for (const k of contracts.deployments().keys()) touched.add(k);
    for (const slot of contracts.storageChanges().values()) {
      touched.add(slot.address);
      let list = storage.get(slot.address);
      if (!list) storage.set(slot.address, (list = []));
      const value = slot.value === null ? null : utf8ToBytes(slot.value);
      list.push({ path: storagePath(slot.key), apply: () => value });
    }
  }
  const updates: TreeUpdate[] = [];
  // All account paths in one array: a fresh array per hash costs as much as the hash.
  const paths = new Uint8Array(32 * touched.size);
  for (const k of touched) {
    const change = changes.get(k);
    const changed = change?.account;
    const code = contracts?.deployments().get(k);
    const slots = storage.get(k);
    const at = 32 * updates.length;
    sha256Into(change?.address ?? hexToBytes(k), paths, at);
    updates.push({
      path: paths.subarray(at, at + 32),
      apply(old) {
        if (changed && code === undefined && !slots && (!old || old.length === STATE_ACCOUNT_SIZE)) return withBalanceAndNonce(old, changed);
        const prev = old ? decodeStateAccount(old) : EMPTY_COMMITTED_ACCOUNT;
        const next: CommittedAccount = {
          balance: changed ? changed.balance : prev.balance,
          nonce: changed ? changed.nonce : prev.nonce,
          codeHash: code === undefined ? prev.codeHash : sha256(utf8ToBytes(code)),
          storageRoot: slots ? writer.update(prev.storageRoot, slots) : prev.storageRoot,
        };
        return isAbsent(next) ? null : encodeStateAccount(next);
      },
    });
  }
  return writer.update(prevRoot, updates);
}
