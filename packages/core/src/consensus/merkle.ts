import { concatBytes } from '../encoding/bytes.js';
import { sha256d } from '../crypto/hash.js';

/** One level up Bitcoin's tree: pairs hashed with sha256d, an odd last node paired with itself. */
function parentLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const next: Uint8Array[] = [];
  // One pair buffer per level, not one per node: sha256d reads its input and keeps nothing.
  const pair = new Uint8Array(64);
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i]!;
    const right = level[i + 1] ?? left;
    if (left.length !== 32 || right.length !== 32) {
      next.push(sha256d(concatBytes(left, right)));
      continue;
    }
    pair.set(left, 0);
    pair.set(right, 32);
    next.push(sha256d(pair));
  }
  return next;
}

/** Bitcoin's merkle root over txids (internal byte order). */
export function merkleRoot(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return new Uint8Array(32);
  let level: readonly Uint8Array[] = hashes;
  while (level.length > 1) level = parentLevel(level);
  return level[0]!;
}

/**
 * The branch a Stratum miner needs to recompute the root from the coinbase
 * (leaf 0): the sibling at every level, bottom up.
 */
export function coinbaseMerkleBranch(hashes: readonly Uint8Array[]): Uint8Array[] {
  const branch: Uint8Array[] = [];
  let level: readonly Uint8Array[] = hashes;
  while (level.length > 1) {
    branch.push(level[1] ?? level[0]!);
    level = parentLevel(level);
  }
  return branch;
}

export function rootFromBranch(leaf: Uint8Array, branch: readonly Uint8Array[]): Uint8Array {
  let h = leaf;
  for (const sibling of branch) h = sha256d(concatBytes(h, sibling));
  return h;
}
