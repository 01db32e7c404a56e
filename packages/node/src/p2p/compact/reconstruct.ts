import { computeMerkleRoot, equalBytes, headerHash, txHash, type Block, type Transaction } from '@hackcoin/core';
import { repeatedTx } from '../mutated-block.js';
import type { CompactBlock } from './messages.js';
import { shortId, shortIdKey } from './short-id.js';
import type { SipKey } from './siphash.js';

/** A compact block made from a full one: the coinbase prefilled, every other transaction as a short id. */
export function toCompact(block: Block, nonce: Uint8Array): CompactBlock {
  const key = shortIdKey(block.header, nonce);
  const shortIds = new Array<number>(block.txs.length - 1);
  for (let i = 1; i < block.txs.length; i++) shortIds[i - 1] = shortId(key, txHash(block.txs[i]!));
  return { header: block.header, nonce, shortIds, prefilled: [{ index: 0, tx: block.txs[0]! }] };
}

/** A transaction the receiver already holds (its mempool), with its hash. */
export interface PoolTx {
  hash: Uint8Array;
  tx: Transaction;
}

/** A block being rebuilt: slots filled so far and the short id each empty slot must match. */
export interface PartialBlock {
  cb: CompactBlock;
  key: SipKey;
  slots: (Transaction | undefined)[];
  /** Short id expected at each slot (undefined for prefilled ones). */
  expected: (number | undefined)[];
  /** Indexes still empty, increasing. */
  missing: number[];
  fromPool: number;
}

/** Why a compact block cannot be finished from what we have: each one means "fetch the full block", nobody is blamed. */
export type FallbackReason = 'duplicate-short-ids' | 'merkle-mismatch' | 'blocktxn-mismatch' | 'mutated';

export type Rebuilt = { kind: 'complete'; block: Block; fromPool: number } | { kind: 'partial'; partial: PartialBlock } | { kind: 'fallback'; reason: FallbackReason };

/**
 * Fills a compact block from `pool`. A short id matching two pool transactions
 * is left empty (requested), as BIP152 prescribes; two equal short ids in the
 * block itself cannot be told apart, so the full block is needed.
 */
export function reconstruct(cb: CompactBlock, pool: Iterable<PoolTx>): Rebuilt {
  const total = cb.shortIds.length + cb.prefilled.length;
  const key = shortIdKey(cb.header, cb.nonce);
  const slots = new Array<Transaction | undefined>(total);
  const expected = new Array<number | undefined>(total);
  for (const p of cb.prefilled) slots[p.index] = p.tx;
  const slotOf = new Map<number, number>();
  let s = 0;
  for (let i = 0; i < total; i++) {
    if (slots[i]) continue;
    const id = cb.shortIds[s++]!;
    if (slotOf.has(id)) return { kind: 'fallback', reason: 'duplicate-short-ids' };
    slotOf.set(id, i);
    expected[i] = id;
  }
  const collided = new Set<number>();
  let fromPool = 0;
  // Like Core, stop once every slot is filled: a large mempool costs only until the block is complete.
  for (const t of pool) {
    if (fromPool === slotOf.size) break;
    const id = shortId(key, t.hash);
    const i = slotOf.get(id);
    if (i === undefined || collided.has(i)) continue;
    if (slots[i]) {
      if (equalBytes(txHash(slots[i]!), t.hash)) continue;
      collided.add(i);
      slots[i] = undefined;
      fromPool--;
    } else {
      slots[i] = t.tx;
      fromPool++;
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < total; i++) if (!slots[i]) missing.push(i);
  const partial: PartialBlock = { cb, key, slots, expected, missing, fromPool };
  return missing.length === 0 ? finish(partial) : { kind: 'partial', partial };
}

export type Filled = Rebuilt | { kind: 'peer-fault'; rule: string; detail: string };

/**
 * Completes a partial block with the peer's blocktxn answer. Only a wrong
 * count is the peer's fault: it answers what we asked on its own terms. A
 * transaction whose short id differs from the one announced for its slot
 * means the announcement does not describe the block the peer holds, which a
 * peer that merely passed on someone else's announcement cannot know, so, as
 * for a merkle mismatch (a short-id collision with one of our pool's
 * transactions), the full block decides (Bitcoin Core's READ_STATUS_FAILED).
 */
export function fill(partial: PartialBlock, txs: readonly Transaction[]): Filled {
  if (txs.length !== partial.missing.length) {
    return { kind: 'peer-fault', rule: 'cmpct-blocktxn-count', detail: `${txs.length} transactions for ${partial.missing.length} missing` };
  }
  const slots = partial.slots.slice();
  for (let k = 0; k < txs.length; k++) {
    const i = partial.missing[k]!;
    const tx = txs[k]!;
    if (shortId(partial.key, txHash(tx)) !== partial.expected[i]) return { kind: 'fallback', reason: 'blocktxn-mismatch' };
    slots[i] = tx;
  }
  return finish({ ...partial, slots, missing: [] });
}

/**
 * Why `block` is not the block `cb` announces, or undefined when it is: the
 * same header, a body that header commits to, as many transactions, the same
 * prefilled ones and every other one hashing to the short id announced for
 * its slot. Gossip forwards an announcement's own bytes, so one we forward
 * must rebuild into the block we serve for it; a block rebuilt from the
 * announcement matches it by construction, a block fetched whole has to be
 * checked.
 */
export function mismatch(cb: CompactBlock, block: Block): string | undefined {
  if (!equalBytes(headerHash(cb.header), headerHash(block.header))) return 'another header';
  if (!equalBytes(computeMerkleRoot(block.txs), block.header.merkleRoot)) return 'a body its header does not commit to';
  const total = cb.shortIds.length + cb.prefilled.length;
  if (block.txs.length !== total) return `${total} transactions announced, ${block.txs.length} in the block`;
  const key = shortIdKey(cb.header, cb.nonce);
  let pre = 0;
  let s = 0;
  for (let i = 0; i < total; i++) {
    const hash = txHash(block.txs[i]!);
    if (cb.prefilled[pre]?.index === i) {
      if (!equalBytes(txHash(cb.prefilled[pre++]!.tx), hash)) return `prefilled transaction ${i} differs`;
    } else if (shortId(key, hash) !== cb.shortIds[s++]) {
      return `transaction ${i} does not hash to its short id`;
    }
  }
  return undefined;
}

/**
 * The rebuilt block, if its body is the one its header commits to. A root
 * that matches is not enough: a prefilled transaction repeated by a short id
 * rebuilds a list that repeats its tail under the honest root
 * (CVE-2012-2459), which would be forwarded before validation and refused
 * after; as Bitcoin Core's FillBlock does for a mutated block, the full block
 * decides, and its sender answers for it (CompactRelay.full).
 */
function finish(p: PartialBlock): Rebuilt {
  const txs = p.slots as Transaction[];
  if (!equalBytes(computeMerkleRoot(txs), p.cb.header.merkleRoot)) return { kind: 'fallback', reason: 'merkle-mismatch' };
  if (repeatedTx(txs) !== undefined) return { kind: 'fallback', reason: 'mutated' };
  return { kind: 'complete', block: { header: p.cb.header, txs }, fromPool: p.fromPool };
}
