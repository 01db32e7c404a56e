import { describe, expect, it } from 'vitest';
import { ByteArena } from './byte-arena.js';

describe('ByteArena', () => {
  it('hands out disjoint views that keep their bytes across chunks, larger-than-chunk requests included', () => {
    const arena = new ByteArena(16);
    const views = [3, 5, 8, 40, 7, 16].map((n, i) => arena.alloc(n).fill(i + 1));
    expect(views.map((v) => v.length)).toEqual([3, 5, 8, 40, 7, 16]);
    views.forEach((v, i) => expect(v.every((b) => b === i + 1)).toBe(true));
  });

  it('starts with a 1 KiB chunk and doubles each new one up to the maximum', () => {
    const arena = new ByteArena(4096);
    const sizes: number[] = [];
    let last: ArrayBufferLike | undefined;
    for (let i = 0; i < 200; i++) {
      const b = arena.alloc(100).buffer;
      if (b !== last) sizes.push(b.byteLength);
      last = b;
    }
    expect(sizes.slice(0, 5)).toEqual([1024, 2048, 4096, 4096, 4096]);
  });

  it('builds prefixed keys like store/keys.ts', () => {
    const arena = new ByteArena(8);
    expect(Array.from(arena.key(5, Uint8Array.of(1, 2), Uint8Array.of(3)))).toEqual([5, 1, 2, 3]);
    expect(Array.from(arena.key(9, new Uint8Array(10).fill(4)))).toEqual([9, ...new Array(10).fill(4)]);
    expect(Array.from(arena.key(7))).toEqual([7]);
  });
});
