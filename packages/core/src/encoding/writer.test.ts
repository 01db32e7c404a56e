import { describe, it, expect } from 'vitest';
import { BufferWriter } from './writer.js';
import { BufferReader } from './reader.js';
import { bytesToHex, hexToBytes } from './bytes.js';

const hex = (w: BufferWriter): string => bytesToHex(w.finish());

describe('BufferWriter fixed-width integers', () => {
  it('writes little-endian u8/u32/u64', () => {
    expect(hex(new BufferWriter().u8(0xab))).toBe('ab');
    expect(hex(new BufferWriter().u32(0x12345678))).toBe('78563412');
    expect(hex(new BufferWriter().u32(0xffffffff))).toBe('ffffffff');
    expect(hex(new BufferWriter().u64(0x0102030405060708n))).toBe('0807060504030201');
    expect(hex(new BufferWriter().u64((1n << 64n) - 1n))).toBe('ffffffffffffffff');
  });

  it('rejects out-of-range integers', () => {
    expect(() => new BufferWriter().u32(-1)).toThrow(RangeError);
    expect(() => new BufferWriter().u32(0x100000000)).toThrow(RangeError);
    expect(() => new BufferWriter().u32(1.5)).toThrow(RangeError);
    expect(() => new BufferWriter().u64(-1n)).toThrow(RangeError);
    expect(() => new BufferWriter().u64(1n << 64n)).toThrow(RangeError);
  });

  it('fixed() enforces the exact length', () => {
    expect(() => new BufferWriter().fixed(new Uint8Array(31), 32)).toThrow(/expected 32 bytes/);
    expect(hex(new BufferWriter().fixed(hexToBytes('aabb'), 2))).toBe('aabb');
  });

  it('grows past its initial capacity without corrupting earlier bytes', () => {
    const w = new BufferWriter(1);
    for (let i = 0; i < 1000; i++) w.u32(i);
    const out = w.finish();
    expect(out.length).toBe(4000);
    expect(w.length).toBe(4000);
    const r = new BufferReader(out);
    for (let i = 0; i < 1000; i++) expect(r.u32()).toBe(i);
    r.done();
  });

  it('works with an initial capacity of 0', () => {
    const w = new BufferWriter(0);
    w.u8(7).u64(1n);
    expect(hex(w)).toBe('070100000000000000');
  });

  it('finish() returns a copy that later writes do not alter', () => {
    const w = new BufferWriter(8).u8(1);
    const first = w.finish();
    w.u8(2);
    expect(bytesToHex(first)).toBe('01');
    expect(hex(w)).toBe('0102');
  });
});

describe('CompactSize (varint) encoding', () => {
  // Exact Bitcoin CompactSize encodings at every boundary.
  const cases: Array<[number, string]> = [
    [0, '00'],
    [1, '01'],
    [0xfc, 'fc'],
    [0xfd, 'fdfd00'],
    [0xfe, 'fdfe00'],
    [0xff, 'fdff00'],
    [0x100, 'fd0001'],
    [0xffff, 'fdffff'],
    [0x10000, 'fe00000100'],
    [0xffffffff, 'feffffffff'],
    [2 ** 32, 'ff0000000001000000'],
    [Number.MAX_SAFE_INTEGER, 'ffffffffffffff1f00'],
  ];

  for (const [value, encoded] of cases) {
    it(`encodes ${value} as ${encoded} and decodes it back`, () => {
      expect(hex(new BufferWriter().varint(value))).toBe(encoded);
      const r = new BufferReader(hexToBytes(encoded));
      expect(r.varint()).toBe(value);
      r.done();
    });
  }

  it('rejects negative, fractional and unsafe values', () => {
    expect(() => new BufferWriter().varint(-1)).toThrow(RangeError);
    expect(() => new BufferWriter().varint(1.5)).toThrow(RangeError);
    expect(() => new BufferWriter().varint(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
  });

  it('varBytes prefixes the length', () => {
    expect(hex(new BufferWriter().varBytes(hexToBytes('deadbeef')))).toBe('04deadbeef');
    expect(hex(new BufferWriter().varBytes(new Uint8Array(0)))).toBe('00');
    const big = new Uint8Array(0xfd).fill(0x11);
    const out = new BufferWriter().varBytes(big).finish();
    expect(bytesToHex(out.subarray(0, 3))).toBe('fdfd00');
    expect(out.length).toBe(3 + 0xfd);
  });
});

describe('writer/reader round trip', () => {
  it('reads back a mixed record field for field', () => {
    const data = hexToBytes('00112233445566778899');
    const raw = new BufferWriter()
      .u8(0xfe)
      .u32(3_000_000_000)
      .u64(18_000_000_000_000_000_000n)
      .varint(70_000)
      .varBytes(data)
      .fixed(new Uint8Array(32).fill(9), 32)
      .finish();
    expect(raw.length).toBe(1 + 4 + 8 + 5 + 11 + 32);
    const r = new BufferReader(raw);
    expect(r.u8()).toBe(0xfe);
    expect(r.u32()).toBe(3_000_000_000);
    expect(r.u64()).toBe(18_000_000_000_000_000_000n);
    expect(r.varint()).toBe(70_000);
    expect(bytesToHex(r.varBytes(100))).toBe('00112233445566778899');
    expect(r.bytes(32)).toEqual(new Uint8Array(32).fill(9));
    expect(r.remaining).toBe(0);
    r.done();
  });
});
