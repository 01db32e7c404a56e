import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { bytesToHex as nobleHex } from '@noble/hashes/utils.js';
import {
  bigIntToBytesLE,
  bytesToBigIntLE,
  bytesToHex,
  compareBytes,
  equalBytes,
  hashToHex,
  hexToBytes,
  hexToHash,
  reverseBytes,
} from './bytes.js';

describe('hex helpers', () => {
  it('decodes hex with or without 0x', () => {
    expect(Array.from(hexToBytes('00ff10'))).toEqual([0, 255, 16]);
    expect(Array.from(hexToBytes('0xABcd'))).toEqual([0xab, 0xcd]);
    expect(hexToBytes('').length).toBe(0);
  });

  it('rejects odd length and non-hex characters', () => {
    expect(() => hexToBytes('abc')).toThrow('invalid hex string');
    expect(() => hexToBytes('zz')).toThrow('invalid hex string');
    expect(() => hexToBytes('0x0g')).toThrow('invalid hex string');
    // Characters whose low 7 bits are a hex digit, and a lone prefix's leftovers.
    expect(() => hexToBytes('\u01b0\u01b1')).toThrow('invalid hex string');
    expect(() => hexToBytes('0x0')).toThrow('invalid hex string');
    expect(() => hexToBytes(' 0')).toThrow('invalid hex string');
  });

  it('decodes every byte value in both cases like a reference decoder', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const lower = bytesToHex(all);
    expect(hexToBytes(lower)).toEqual(all);
    expect(hexToBytes('0X' + lower.toUpperCase())).toEqual(all);
    expect(hexToBytes('0x').length).toBe(0);
  });

  it('encodes every byte string of any length as the reference lowercase hex, forwards and reversed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(bytesToHex(b)).toBe(nobleHex(b));
        expect(hashToHex(b)).toBe(nobleHex(b.slice().reverse()));
        expect(bytesToHex(b.subarray(1))).toBe(nobleHex(b.subarray(1)));
      }),
      { numRuns: 500, seed: 0x4843 },
    );
    expect(bytesToHex(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(nobleHex(Uint8Array.from({ length: 256 }, (_, i) => i)));
  });

  it('hashToHex / hexToHash reverse byte order like Bitcoin', () => {
    const internal = new Uint8Array(32);
    internal[0] = 0x01;
    internal[31] = 0xff;
    const shown = hashToHex(internal);
    expect(shown).toBe('ff' + '00'.repeat(30) + '01');
    expect(hexToHash(shown)).toEqual(internal);
    expect(() => hexToHash('00')).toThrow('hash must be 32 bytes');
  });

  it('reverseBytes does not mutate its input', () => {
    const a = hexToBytes('010203');
    expect(bytesToHex(reverseBytes(a))).toBe('030201');
    expect(bytesToHex(a)).toBe('010203');
  });
});

describe('little-endian bigint conversion', () => {
  it('reads bytes as an unsigned LE integer', () => {
    expect(bytesToBigIntLE(hexToBytes('0100'))).toBe(1n);
    expect(bytesToBigIntLE(hexToBytes('0001'))).toBe(256n);
    expect(bytesToBigIntLE(new Uint8Array(32).fill(0xff))).toBe((1n << 256n) - 1n);
  });

  it('writes and round-trips', () => {
    expect(bytesToHex(bigIntToBytesLE(0x0102n, 4))).toBe('02010000');
    const n = 0x1234567890abcdef1234567890abcdefn;
    expect(bytesToBigIntLE(bigIntToBytesLE(n, 32))).toBe(n);
    expect(() => bigIntToBytesLE(256n, 1)).toThrow('integer does not fit');
  });
});

describe('byte comparison', () => {
  it('equalBytes', () => {
    expect(equalBytes(hexToBytes('0102'), hexToBytes('0102'))).toBe(true);
    expect(equalBytes(hexToBytes('0102'), hexToBytes('0103'))).toBe(false);
    expect(equalBytes(hexToBytes('01'), hexToBytes('0100'))).toBe(false);
  });

  it('compareBytes orders lexicographically, shorter prefix first', () => {
    expect(compareBytes(hexToBytes('01'), hexToBytes('02'))).toBeLessThan(0);
    expect(compareBytes(hexToBytes('ff'), hexToBytes('0100'))).toBeGreaterThan(0);
    expect(compareBytes(hexToBytes('01'), hexToBytes('0100'))).toBeLessThan(0);
    expect(compareBytes(hexToBytes('0102'), hexToBytes('0102'))).toBe(0);
  });
});
