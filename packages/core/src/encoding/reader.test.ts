import { describe, it, expect } from 'vitest';
import { BufferReader, DecodeError } from './reader.js';
import { hexToBytes } from './bytes.js';

const reader = (hex: string): BufferReader => new BufferReader(hexToBytes(hex));

describe('BufferReader', () => {
  it('reads little-endian integers', () => {
    const r = reader('ab78563412' + '0807060504030201');
    expect(r.u8()).toBe(0xab);
    expect(r.u32()).toBe(0x12345678);
    expect(r.u64()).toBe(0x0102030405060708n);
    r.done();
  });

  it('honours the byteOffset of a subarray view', () => {
    const backing = hexToBytes('ffffffff' + '01000000' + 'eeee');
    const r = new BufferReader(backing.subarray(4, 8));
    expect(r.u32()).toBe(1);
    expect(r.remaining).toBe(0);
    expect(() => r.u8()).toThrow(DecodeError);
  });

  it('rejects truncated fixed-width reads with "unexpected end of data"', () => {
    expect(() => reader('').u8()).toThrow('unexpected end of data');
    expect(() => reader('010203').u32()).toThrow('unexpected end of data');
    expect(() => reader('01020304050607').u64()).toThrow('unexpected end of data');
    expect(() => reader('0102').bytes(3)).toThrow(DecodeError);
  });

  it('does not advance past the end on a failed read', () => {
    const r = reader('0102');
    expect(() => r.u32()).toThrow(DecodeError);
    expect(r.pos).toBe(0);
    expect(r.u8()).toBe(1);
  });

  it('rejects truncated CompactSize prefixes', () => {
    expect(() => reader('fd').varint()).toThrow('unexpected end of data');
    expect(() => reader('fdff').varint()).toThrow('unexpected end of data');
    expect(() => reader('fe000001').varint()).toThrow('unexpected end of data');
    expect(() => reader('ff00000000010000').varint()).toThrow('unexpected end of data');
  });

  it('rejects non-canonical CompactSize encodings', () => {
    // Each of these values has a shorter encoding.
    for (const hex of [
      'fd0000', // 0 as 3 bytes
      'fdfc00', // 0xfc as 3 bytes
      'fe00000000',
      'feffff0000', // 0xffff as 5 bytes
      'ff0000000000000000',
      'ffffffffff00000000', // 0xffffffff as 9 bytes
    ]) {
      expect(() => reader(hex).varint(), hex).toThrow('non-canonical varint');
    }
  });

  it('accepts the smallest value of each CompactSize width', () => {
    expect(reader('fdfd00').varint()).toBe(0xfd);
    expect(reader('fe00000100').varint()).toBe(0x10000);
    expect(reader('ff0000000001000000').varint()).toBe(2 ** 32);
  });

  it('rejects 9-byte CompactSize values beyond Number.MAX_SAFE_INTEGER', () => {
    expect(() => reader('ff0000000000002000').varint()).toThrow(DecodeError);
    expect(() => reader('ffffffffffffffffff').varint()).toThrow(DecodeError);
  });

  it('varBytes enforces the caller limit before reading', () => {
    expect(() => reader('05aabbccddee').varBytes(4)).toThrow('field longer than 4 bytes');
    expect(() => reader('05aabbcc').varBytes(10)).toThrow('unexpected end of data');
    expect(reader('03aabbcc').varBytes(3)).toEqual(hexToBytes('aabbcc'));
  });

  it('done() rejects trailing bytes', () => {
    const r = reader('0100000000');
    r.u32();
    expect(r.remaining).toBe(1);
    expect(() => r.done()).toThrow('trailing bytes');
    r.u8();
    expect(() => r.done()).not.toThrow();
  });

  it('bytesFrom returns an independent copy of what was read', () => {
    const src = hexToBytes('aabbccdd');
    const r = new BufferReader(src);
    r.u8();
    const start = r.pos;
    r.bytes(2);
    const copy = r.bytesFrom(start);
    expect(copy).toEqual(hexToBytes('bbcc'));
    src[1] = 0;
    expect(copy).toEqual(hexToBytes('bbcc'));
  });

  it('DecodeError is named', () => {
    try {
      reader('').u8();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as Error).name).toBe('DecodeError');
    }
  });
});
