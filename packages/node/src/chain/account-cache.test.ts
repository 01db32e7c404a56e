import { describe, expect, it } from 'vitest';
import { AccountCache } from './account-cache.js';

describe('AccountCache', () => {
  it('keeps written accounts up to its bound, the first written leaving first, a rewrite updating in place', () => {
    const c = new AccountCache(3);
    c.set('a', { balance: 1n, nonce: 0n });
    c.set('b', { balance: 2n, nonce: 0n });
    c.set('c', { balance: 3n, nonce: 0n });
    c.set('a', { balance: 4n, nonce: 1n });
    expect(c.get('a')).toEqual({ balance: 4n, nonce: 1n });
    c.set('d', { balance: 5n, nonce: 0n });
    expect(c.size).toBe(3);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('b')).toEqual({ balance: 2n, nonce: 0n });
    expect(c.get('d')).toEqual({ balance: 5n, nonce: 0n });
    expect(c.get('c')).toEqual({ balance: 3n, nonce: 0n });
    c.delete('c');
    expect(c.get('c')).toBeUndefined();
    c.clear();
    expect(c.size).toBe(0);
  });

  it('hands out and keeps copies, so no caller can change what another reads', () => {
    const c = new AccountCache(2);
    const written = { balance: 10n, nonce: 1n };
    c.set('a', written);
    written.balance = 0n;
    const read = c.get('a')!;
    read.nonce = 99n;
    expect(c.get('a')).toEqual({ balance: 10n, nonce: 1n });
  });
});
