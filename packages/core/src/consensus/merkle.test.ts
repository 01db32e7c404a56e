import { describe, it, expect } from 'vitest';
import { coinbaseMerkleBranch, merkleRoot, rootFromBranch } from './merkle.js';
import { sha256d } from '../crypto/hash.js';
import { concatBytes, hashToHex, hexToHash } from '../encoding/bytes.js';

// Bitcoin block 100000: 4 transactions, merkle root f3e94742…
const BLOCK_100000_TXIDS = [
  '8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87',
  'fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4',
  '6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4',
  'e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d',
];
const BLOCK_100000_MERKLE = 'f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766';

const h = (a: Uint8Array, b: Uint8Array): Uint8Array => sha256d(concatBytes(a, b));
const leaf = (i: number): Uint8Array => sha256d(new Uint8Array([i, 0xaa]));

describe('merkleRoot', () => {
  it('reproduces Bitcoin block 100000 from its txids', () => {
    const root = merkleRoot(BLOCK_100000_TXIDS.map(hexToHash));
    expect(hashToHex(root)).toBe(BLOCK_100000_MERKLE);
  });

  it('is the txid itself for a single transaction (Bitcoin genesis)', () => {
    const cb = hexToHash('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
    expect(hashToHex(merkleRoot([cb]))).toBe('4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
  });

  it('is 32 zero bytes for no leaves', () => {
    expect(merkleRoot([])).toEqual(new Uint8Array(32));
  });

  it('duplicates the last hash of an odd level', () => {
    const [a, b, c] = [leaf(1), leaf(2), leaf(3)];
    expect(merkleRoot([a, b, c])).toEqual(h(h(a, b), h(c, c)));
    const [d, e] = [leaf(4), leaf(5)];
    // 5 leaves: level1 = [ab, cd, ee]; level2 = [abcd, eeee]
    expect(merkleRoot([a, b, c, d, e])).toEqual(h(h(h(a, b), h(c, d)), h(h(e, e), h(e, e))));
  });

  it('has the CVE-2012-2459 ambiguity: [a,b,c] and [a,b,c,c] share a root', () => {
    const [a, b, c] = [leaf(1), leaf(2), leaf(3)];
    expect(merkleRoot([a, b, c, c])).toEqual(merkleRoot([a, b, c]));
  });

  it('depends on leaf order', () => {
    const [a, b] = [leaf(1), leaf(2)];
    expect(merkleRoot([a, b])).not.toEqual(merkleRoot([b, a]));
  });

  it('does not mutate its input', () => {
    const leaves = [leaf(1), leaf(2), leaf(3)];
    const copy = leaves.map((x) => x.slice());
    merkleRoot(leaves);
    expect(leaves).toEqual(copy);
  });
});

describe('coinbaseMerkleBranch / rootFromBranch', () => {
  for (let n = 1; n <= 9; n++) {
    it(`reproduces merkleRoot for ${n} leaves`, () => {
      const leaves = Array.from({ length: n }, (_, i) => leaf(i));
      const branch = coinbaseMerkleBranch(leaves);
      expect(branch.length).toBe(Math.ceil(Math.log2(n)));
      expect(rootFromBranch(leaves[0]!, branch)).toEqual(merkleRoot(leaves));
      // A different coinbase yields a different root (the branch commits to the rest).
      expect(rootFromBranch(leaf(99), branch)).not.toEqual(merkleRoot(leaves));
    });
  }

  it('for block 100000 the branch is [tx1, H(tx2, tx3)]', () => {
    const leaves = BLOCK_100000_TXIDS.map(hexToHash);
    const branch = coinbaseMerkleBranch(leaves);
    expect(branch).toEqual([leaves[1], h(leaves[2]!, leaves[3]!)]);
    expect(hashToHex(rootFromBranch(leaves[0]!, branch))).toBe(BLOCK_100000_MERKLE);
  });

  it('a replaced coinbase with the branch equals merkleRoot of the new leaf set (Stratum use)', () => {
    const leaves = Array.from({ length: 7 }, (_, i) => leaf(i));
    const branch = coinbaseMerkleBranch(leaves);
    const newCb = leaf(200);
    expect(rootFromBranch(newCb, branch)).toEqual(merkleRoot([newCb, ...leaves.slice(1)]));
  });
});
