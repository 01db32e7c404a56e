import { describe, expect, it, vi } from 'vitest';
import { detectSearchKind, resolveSearch } from './search';

const HASH = 'ab'.repeat(32);
const ADDR = '0xBA046D37298cC337Aa0536557c9f3C5B8F1DB865';

describe('search kind detection', () => {
  it('recognises heights, addresses and 64-hex ids', () => {
    expect(detectSearchKind('  ')).toEqual({ kind: 'empty' });
    expect(detectSearchKind('0')).toEqual({ kind: 'height', height: 0 });
    expect(detectSearchKind(' 1234 ')).toEqual({ kind: 'height', height: 1234 });
    expect(detectSearchKind(ADDR)).toEqual({ kind: 'address', address: ADDR });
    expect(detectSearchKind(ADDR.toLowerCase())).toMatchObject({ kind: 'address' });
    expect(detectSearchKind(HASH.toUpperCase())).toEqual({ kind: 'hash', hash: HASH });
    expect(detectSearchKind(`0x${HASH}`)).toEqual({ kind: 'hash', hash: HASH });
  });

  it('explains what is wrong with other input', () => {
    expect(detectSearchKind('abc123')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/got 6/) });
    expect(detectSearchKind('hello')).toMatchObject({ kind: 'invalid' });
    expect(detectSearchKind('0x1234')).toMatchObject({ kind: 'invalid' });
    expect(detectSearchKind('99999999999')).toMatchObject({ kind: 'invalid' });
  });

  it('routes a hash to a block first, then to a transaction', async () => {
    const block = vi.fn(async (h: string) => h === HASH);
    const tx = vi.fn(async () => true);
    expect(await resolveSearch(HASH, { block, tx })).toEqual({ path: `/explorer/block/${HASH}` });
    expect(tx).not.toHaveBeenCalled();
    const other = 'cd'.repeat(32);
    expect(await resolveSearch(other, { block, tx })).toEqual({ path: `/explorer/tx/${other}` });
    expect(await resolveSearch(other, { block, tx: async () => false })).toMatchObject({ error: expect.stringMatching(/No block or transaction/) });
    expect(await resolveSearch('7', { block, tx })).toEqual({ path: '/explorer/block/7' });
    expect(await resolveSearch(ADDR, { block, tx })).toEqual({ path: `/explorer/address/${ADDR}` });
  });
});
