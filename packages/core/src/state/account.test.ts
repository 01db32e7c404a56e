import { describe, it, expect } from 'vitest';
import { decodeAccount, EMPTY_ACCOUNT, encodeAccount, isEmptyAccount } from './account.js';
import { bytesToHex, hexToBytes } from '../encoding/bytes.js';
import { DecodeError } from '../encoding/reader.js';

describe('account encoding', () => {
  it('is balance u64 LE ‖ nonce u64 LE', () => {
    expect(bytesToHex(encodeAccount({ balance: 0x0102n, nonce: 3n }))).toBe('0201000000000000' + '0300000000000000');
  });

  it('round-trips, including u64 max', () => {
    const a = { balance: (1n << 64n) - 1n, nonce: 12345n };
    expect(decodeAccount(encodeAccount(a))).toEqual(a);
  });

  it('rejects wrong lengths', () => {
    expect(() => decodeAccount(new Uint8Array(15))).toThrow(DecodeError);
    expect(() => decodeAccount(new Uint8Array(17))).toThrow('trailing bytes');
    expect(() => encodeAccount({ balance: -1n, nonce: 0n })).toThrow(RangeError);
  });

  it('emptiness', () => {
    expect(isEmptyAccount(EMPTY_ACCOUNT)).toBe(true);
    expect(isEmptyAccount({ balance: 0n, nonce: 1n })).toBe(false);
    expect(isEmptyAccount({ balance: 1n, nonce: 0n })).toBe(false);
    expect(Object.isFrozen(EMPTY_ACCOUNT)).toBe(true);
    expect(decodeAccount(hexToBytes('00'.repeat(16)))).toEqual({ balance: 0n, nonce: 0n });
  });
});
