import { describe, it, expect } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { addressKey, nextStateRoot } from './commitment.js';
import type { Account } from './account.js';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';

type Changes = Map<string, { address: Uint8Array; account: Account }>;

const addr = (byte: number): Uint8Array => new Uint8Array(20).fill(byte);
const PREV = new Uint8Array(32).fill(0x5a);

function changes(entries: Array<[Uint8Array, bigint, bigint]>): Changes {
  const m: Changes = new Map();
  for (const [address, balance, nonce] of entries) m.set(addressKey(address), { address, account: { balance, nonce } });
  return m;
}

const A = addr(0x0a);
const B = addr(0xb0);
const C = addr(0x01);
const BASE: Array<[Uint8Array, bigint, bigint]> = [
  [A, 1_000n, 1n],
  [B, 2_000n, 0n],
  [C, 3n, 9n],
];

describe('nextStateRoot', () => {
  const root = nextStateRoot(PREV, 5, changes(BASE));

  it('matches the documented formula sha256d(prev ‖ height ‖ n ‖ sorted(address ‖ balance ‖ nonce))', () => {
    const le = (n: bigint, bytes: number): string =>
      Array.from({ length: bytes }, (_, i) => ((n >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0')).join('');
    const preimage =
      '5a'.repeat(32) +
      '05000000' +
      '03' +
      // sorted by address bytes: C (01…) < A (0a…) < B (b0…)
      '01'.repeat(20) + le(3n, 8) + le(9n, 8) +
      '0a'.repeat(20) + le(1_000n, 8) + le(1n, 8) +
      'b0'.repeat(20) + le(2_000n, 8) + le(0n, 8);
    expect(bytesToHex(root)).toBe(bytesToHex(sha256(sha256(hexToBytes(preimage)))));
  });

  it('does not depend on map insertion order', () => {
    const orders = [
      [0, 1, 2],
      [2, 1, 0],
      [1, 0, 2],
      [2, 0, 1],
    ];
    for (const order of orders) {
      expect(nextStateRoot(PREV, 5, changes(order.map((i) => BASE[i]!)))).toEqual(root);
    }
  });

  it('changes with any balance, nonce, address, height or previous root', () => {
    const variants: Array<[string, Uint8Array]> = [];
    for (let i = 0; i < BASE.length; i++) {
      const [a, bal, n] = BASE[i]!;
      const withBal = BASE.slice();
      withBal[i] = [a, bal + 1n, n];
      variants.push([`balance ${i}`, nextStateRoot(PREV, 5, changes(withBal))]);
      const withNonce = BASE.slice();
      withNonce[i] = [a, bal, n + 1n];
      variants.push([`nonce ${i}`, nextStateRoot(PREV, 5, changes(withNonce))]);
    }
    const otherAddr = BASE.slice();
    otherAddr[0] = [addr(0x0b), 1_000n, 1n];
    variants.push(['address', nextStateRoot(PREV, 5, changes(otherAddr))]);
    variants.push(['height', nextStateRoot(PREV, 6, changes(BASE))]);
    const prev2 = PREV.slice();
    prev2[31] = 0;
    variants.push(['prevRoot', nextStateRoot(prev2, 5, changes(BASE))]);
    variants.push(['extra account', nextStateRoot(PREV, 5, changes([...BASE, [addr(0xff), 0n, 0n]]))]);
    variants.push(['fewer accounts', nextStateRoot(PREV, 5, changes(BASE.slice(0, 2)))]);
    const seen = new Set([bytesToHex(root)]);
    for (const [name, r] of variants) {
      expect(bytesToHex(r), name).not.toBe(bytesToHex(root));
      seen.add(bytesToHex(r));
    }
    expect(seen.size).toBe(variants.length + 1);
  });

  it('swapping two balances between accounts changes the root', () => {
    const swapped = changes([
      [A, 2_000n, 1n],
      [B, 1_000n, 0n],
      [C, 3n, 9n],
    ]);
    expect(nextStateRoot(PREV, 5, swapped)).not.toEqual(root);
  });

  it('commits to an empty change set too', () => {
    const empty = nextStateRoot(PREV, 5, new Map());
    expect(bytesToHex(empty)).toBe(bytesToHex(sha256(sha256(hexToBytes('5a'.repeat(32) + '05000000' + '00')))));
  });
});

describe('addressKey', () => {
  it('is lowercase hex, whose string order is byte order', () => {
    expect(addressKey(hexToBytes('00'.repeat(19) + 'AB'))).toBe('00'.repeat(19) + 'ab');
    const addrs = [addr(0xa0), addr(0x0f), addr(0x9f), addr(0xff), addr(0x00)];
    const byString = addrs.map(addressKey).sort();
    const byBytes = addrs
      .slice()
      .sort((x, y) => x[0]! - y[0]!)
      .map(addressKey);
    expect(byString).toEqual(byBytes);
  });
});
