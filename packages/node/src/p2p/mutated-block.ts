import { blockHash, computeMerkleRoot, equalBytes, hashToHex, txHash, type Block, type Transaction } from '@hackcoin/core';

/**
 * Why `block` is a CVE-2012-2459 mutation of the block its header names, or
 * undefined when it is not one. Bitcoin's merkle tree pairs an odd level's
 * last hash with itself, so a list that repeats its tail ([a,b,c] and
 * [a,b,c,c]) keeps the root, and with it the honest block's header and proof
 * of work. Consensus refuses it ('bad-txns-duplicate'), unstored, so the
 * honest block is still taken; here the copy is named before anything marks
 * or forwards its hash, and its sender pays for it: no honest node builds
 * or serves a block that repeats a transaction. A repeat under another root
 * is no mutation, just a block the chain refuses under its own rules.
 */
export function mutation(block: Block): string | undefined {
  const i = repeatedTx(block.txs);
  if (i === undefined || !equalBytes(computeMerkleRoot(block.txs), block.header.merkleRoot)) return undefined;
  return `transaction ${i} repeats an earlier one under the header's merkle root`;
}

/** The index of the first transaction that repeats an earlier one. */
export function repeatedTx(txs: readonly Transaction[]): number | undefined {
  // Bucketed by a hash prefix, as the chain's own check: no hex string per transaction on every block.
  const seen = new Map<number, Uint8Array[]>();
  for (let i = 0; i < txs.length; i++) {
    const h = txHash(txs[i]!);
    const prefix = h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24);
    const bucket = seen.get(prefix);
    if (!bucket) seen.set(prefix, [h]);
    else if (bucket.some((b) => equalBytes(b, h))) return i;
    else bucket.push(h);
  }
  return undefined;
}

/** The misbehaviour detail for a mutated copy, led by the consensus rule it breaks, as logs and tests name it. */
export function mutationDetail(block: Block, why: string): string {
  return `bad-txns-duplicate: block ${hashToHex(blockHash(block)).slice(0, 16)}: ${why}`;
}
