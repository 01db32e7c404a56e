import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '../crypto/hash.js';
import { bytesToHex, utf8ToBytes } from '../encoding/bytes.js';
import { coinbaseMerkleBranch, merkleRoot } from '../consensus/merkle.js';
import { headerHash, type BlockHeader } from '../primitives/header.js';
import { txHash, type CoinbaseTx } from '../primitives/transaction.js';
import { addressKey } from '../state/commitment.js';
import { ContractWorkspace } from '../state/contract-workspace.js';
import { EMPTY_ROOT, ProofError, TreeWriter, type TrieNodeReader } from '../state/smt.js';
import { accountPath, commitState, decodeStateAccount, storagePath } from '../state/state-tree.js';
import { encodeStateProof, verifyStateProof } from './state-proof.js';

class Nodes implements TrieNodeReader {
  readonly map = new Map<string, Uint8Array>();
  node(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(bytesToHex(hash));
  }
}

const CONTRACT = new Uint8Array(20).fill(0xcc);
const HEIGHT = 42;

/** A state of `n` accounts plus one contract with a few slots, and a block committing it among `others` transactions. */
function world(n: number, others: number) {
  const nodes = new Nodes();
  const w = new TreeWriter(nodes);
  const changes = new Map<string, { account: { balance: bigint; nonce: bigint } }>();
  const addrs: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    const a = sha256(new Uint8Array([i & 0xff, i >> 8])).slice(0, 20);
    addrs.push(a);
    changes.set(addressKey(a), { account: { balance: BigInt(i * 1000 + 1), nonce: BigInt(i % 7) } });
  }
  const cws = new ContractWorkspace({ storageGet: () => undefined, codeOf: () => undefined });
  cws.deploy(addressKey(CONTRACT), 'export function f() {}');
  for (let i = 0; i < 5; i++) cws.write(addressKey(CONTRACT), `balance:${i}`, String(i * 10));
  const root = commitState(w, EMPTY_ROOT, changes, cws);
  for (const [k, v] of w.created) nodes.map.set(k, v);
  const coinbase: CoinbaseTx = { kind: 'coinbase', chainId: 7, height: HEIGHT, to: addrs[0] ?? CONTRACT, amount: 5n, stateRoot: root, extra: new Uint8Array(0) };
  const leaves = [txHash(coinbase), ...Array.from({ length: others }, (_, i) => sha256(new Uint8Array([0xee, i])))];
  const header: BlockHeader = { version: 1, prevHash: new Uint8Array(32), merkleRoot: merkleRoot(leaves), time: 1, bits: 0x207fffff, nonce: 0 };
  const prove = (address: Uint8Array, key?: string): Uint8Array => {
    const reader = new TreeWriter(nodes);
    const account = reader.prove(root, accountPath(address));
    let storage = null;
    if (key !== undefined) {
      const raw = reader.get(root, accountPath(address));
      const sroot = raw ? decodeStateAccount(raw).storageRoot : EMPTY_ROOT;
      storage = { key, proof: reader.prove(sroot, storagePath(key)) };
    }
    return encodeStateProof({ header, coinbase, branch: coinbaseMerkleBranch(leaves), account, storage });
  };
  return { addrs, header, prove, blockHash: headerHash(header) };
}

describe('state proofs', () => {
  const W = world(300, 9);

  it('random accounts and storage slots verify against the header, and any changed byte fails', () => {
    fc.assert(
      fc.property(fc.nat({ max: 299 }), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (i, at, xor, withStorage) => {
        const address = withStorage ? CONTRACT : W.addrs[i]!;
        const key = withStorage ? `balance:${i % 7}` : undefined;
        const bytes = W.prove(address, key);
        const expect_ = { blockHash: W.blockHash, height: HEIGHT, address, ...(key !== undefined ? { storageKey: key } : {}) };
        const v = verifyStateProof(bytes, expect_);
        if (withStorage) {
          expect(v.account.codeHash).toEqual(sha256(utf8ToBytes('export function f() {}')));
          expect(v.storageValue).toBe(i % 7 < 5 ? String((i % 7) * 10) : null);
        } else {
          expect(v.account.balance).toBe(BigInt(i * 1000 + 1));
          expect(v.account.nonce).toBe(BigInt(i % 7));
        }
        const bad = bytes.slice();
        bad[at % bad.length]! ^= xor;
        expect(() => verifyStateProof(bad, expect_)).toThrow(ProofError);
      }),
      { numRuns: 400 },
    );
  });

  it('proves an absent account as empty, and refuses a proof presented for another address, block or height', () => {
    const stranger = new Uint8Array(20).fill(0x5a);
    const v = verifyStateProof(W.prove(stranger), { blockHash: W.blockHash, height: HEIGHT, address: stranger });
    expect(v.account.balance).toBe(0n);
    expect(v.account.nonce).toBe(0n);
    const proof = W.prove(W.addrs[3]!);
    expect(() => verifyStateProof(proof, { blockHash: W.blockHash, height: HEIGHT, address: W.addrs[4]! })).toThrow(ProofError);
    expect(() => verifyStateProof(proof, { blockHash: sha256(W.blockHash), height: HEIGHT, address: W.addrs[3]! })).toThrow(ProofError);
    expect(() => verifyStateProof(proof, { blockHash: W.blockHash, height: HEIGHT + 1, address: W.addrs[3]! })).toThrow(ProofError);
    expect(() => verifyStateProof(proof, { blockHash: W.blockHash, height: HEIGHT, address: W.addrs[3]!, storageKey: 'x' })).toThrow(ProofError);
  });
});
