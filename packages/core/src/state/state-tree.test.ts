import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { sha256 } from '../crypto/hash.js';
import { bytesToHex, utf8ToBytes } from '../encoding/bytes.js';
import { addressKey } from './commitment.js';
import type { Account } from './account.js';
import { ContractWorkspace } from './contract-workspace.js';
import { EMPTY_ROOT, TreeWriter, type TrieNodeReader } from './smt.js';
import { accountPath, commitState, decodeStateAccount, encodeStateAccount, storagePath } from './state-tree.js';

class Nodes implements TrieNodeReader {
  readonly map = new Map<string, Uint8Array>();
  node(hash: Uint8Array): Uint8Array | undefined {
    return this.map.get(bytesToHex(hash));
  }
  keep(w: TreeWriter): void {
    for (const [k, v] of w.created) this.map.set(k, v);
  }
}

const addr = (b: number): Uint8Array => new Uint8Array(20).fill(b);
const changes = (entries: [Uint8Array, bigint, bigint][]): Map<string, { address: Uint8Array; account: Account }> =>
  new Map(entries.map(([address, balance, nonce]) => [addressKey(address), { address, account: { balance, nonce } }]));
const NO_BASE = { storageGet: () => undefined, codeOf: () => undefined };

describe('commitState', () => {
  it('is the tree of sha256(address) → balance ‖ nonce ‖ codeHash ‖ storageRoot, without empty accounts', () => {
    const nodes = new Nodes();
    const w = new TreeWriter(nodes);
    const root = commitState(w, EMPTY_ROOT, changes([[addr(1), 5n, 1n], [addr(2), 0n, 0n], [addr(3), 7n, 0n]]));
    const direct = new TreeWriter(new Nodes()).update(
      EMPTY_ROOT,
      [[addr(1), 5n, 1n] as const, [addr(3), 7n, 0n] as const].map(([a, balance, nonce]) => ({
        path: sha256(a),
        apply: () => encodeStateAccount({ balance, nonce, codeHash: EMPTY_ROOT, storageRoot: EMPTY_ROOT }),
      })),
    );
    expect(root).toEqual(direct);
    expect(w.get(root, accountPath(addr(2)))).toBeNull();
    expect(decodeStateAccount(w.get(root, accountPath(addr(1)))!)).toEqual({ balance: 5n, nonce: 1n, codeHash: EMPTY_ROOT, storageRoot: EMPTY_ROOT });
  });

  it('commits contract code and storage under the contract account, and keeps fields a block did not change', () => {
    const nodes = new Nodes();
    const contract = addressKey(addr(9));
    const cws = new ContractWorkspace(NO_BASE);
    cws.deploy(contract, 'export function f() {}');
    cws.write(contract, 'owner', '"alice"');
    cws.write(contract, 'supply', '100');
    let w = new TreeWriter(nodes);
    const r1 = commitState(w, EMPTY_ROOT, changes([[addr(9), 3n, 0n]]), cws);
    nodes.keep(w);
    const acct = decodeStateAccount(w.get(r1, accountPath(addr(9)))!);
    expect(acct.balance).toBe(3n);
    expect(acct.codeHash).toEqual(sha256(utf8ToBytes('export function f() {}')));
    expect(w.get(acct.storageRoot, storagePath('supply'))).toEqual(utf8ToBytes('100'));

    // A later block writes one slot and deletes the other without touching the balance.
    const next = new ContractWorkspace(NO_BASE);
    next.write(contract, 'supply', null);
    next.write(contract, 'owner', '"bob"');
    w = new TreeWriter(nodes);
    const r2 = commitState(w, r1, new Map(), next);
    nodes.keep(w);
    const after = decodeStateAccount(w.get(r2, accountPath(addr(9)))!);
    expect(after.balance).toBe(3n);
    expect(after.codeHash).toEqual(acct.codeHash);
    expect(w.get(after.storageRoot, storagePath('supply'))).toBeNull();
    expect(w.get(after.storageRoot, storagePath('owner'))).toEqual(utf8ToBytes('"bob"'));
    // The earlier root is untouched and still readable.
    expect(w.get(acct.storageRoot, storagePath('owner'))).toEqual(utf8ToBytes('"alice"'));
  });

  it('over blocks of balance, nonce, code and storage changes, its root is the tree of every account encoded in full', () => {
    const changeArb = fc.record({
      who: fc.integer({ min: 1, max: 6 }),
      balance: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
      nonce: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: 1000n })),
      code: fc.option(fc.string({ maxLength: 8 }), { nil: undefined, freq: 4 }),
      slot: fc.option(fc.record({ key: fc.constantFrom('a', 'b', 'c'), value: fc.option(fc.string({ maxLength: 4 }), { nil: null }) }), { nil: undefined, freq: 3 }),
    });
    fc.assert(
      fc.property(fc.array(fc.array(changeArb, { maxLength: 6 }), { minLength: 1, maxLength: 5 }), (blocks) => {
        const nodes = new Nodes();
        const model = new Map<number, { balance: bigint; nonce: bigint; code?: string; slots: Map<string, string> }>();
        let root = EMPTY_ROOT;
        for (const block of blocks) {
          const ch = new Map<string, { address: Uint8Array; account: Account }>();
          const cws = new ContractWorkspace(NO_BASE);
          for (const c of block) {
            const m = model.get(c.who) ?? { balance: 0n, nonce: 0n, slots: new Map<string, string>() };
            if (c.slot) {
              // A contract's storage only changes once it has code.
              if (m.code === undefined && c.code === undefined) continue;
              cws.write(addressKey(addr(c.who)), c.slot.key, c.slot.value);
              if (c.slot.value === null) m.slots.delete(c.slot.key);
              else m.slots.set(c.slot.key, c.slot.value);
            }
            if (c.code !== undefined) {
              cws.deploy(addressKey(addr(c.who)), c.code);
              m.code = c.code;
            }
            ch.set(addressKey(addr(c.who)), { address: addr(c.who), account: { balance: c.balance, nonce: c.nonce } });
            m.balance = c.balance;
            m.nonce = c.nonce;
            model.set(c.who, m);
          }
          const w = new TreeWriter(nodes);
          root = commitState(w, root, ch, cws);
          nodes.keep(w);
        }
        const scratch = new TreeWriter(new Nodes());
        const expected = scratch.update(
          EMPTY_ROOT,
          [...model].map(([who, m]) => ({
            path: sha256(addr(who)),
            apply: () => {
              const storageRoot = scratch.update(EMPTY_ROOT, [...m.slots].map(([k, v]) => ({ path: storagePath(k), apply: () => utf8ToBytes(v) })));
              const codeHash = m.code === undefined ? EMPTY_ROOT : sha256(utf8ToBytes(m.code));
              const empty = m.balance === 0n && m.nonce === 0n && m.code === undefined && m.slots.size === 0;
              return empty ? null : encodeStateAccount({ balance: m.balance, nonce: m.nonce, codeHash, storageRoot });
            },
          })),
        );
        expect(bytesToHex(root)).toBe(bytesToHex(expected));
      }),
      { numRuns: 150 },
    );
  });
});
