import { describe, expect, it } from 'vitest';
import { computeBalance, nextNonce, type AddressInfo } from './balance.js';
import { WalletError } from './errors.js';

describe('computeBalance', () => {
  it('with nothing pending everything confirmed is available', () => {
    expect(computeBalance({ balance: 1000n, pending: [] })).toEqual({
      confirmed: 1000n,
      pendingIncoming: 0n,
      pendingOutgoing: 0n,
      available: 1000n,
    });
  });

  it('subtracts outgoing amount plus fee, and does not spend unconfirmed incoming', () => {
    const info: AddressInfo = {
      balance: '10000',
      nonce: '3',
      pending: [
        { direction: 'out', amount: 1000n, fee: 50n },
        { direction: 'out', amount: '2000', fee: '50' },
        { direction: 'in', amount: 5000n, fee: 99n },
        { direction: 'self', amount: 700n, fee: 10n },
      ],
    };
    expect(computeBalance(info)).toEqual({
      confirmed: 10_000n,
      pendingIncoming: 5000n,
      pendingOutgoing: 3110n,
      available: 6890n,
    });
    expect(nextNonce(info)).toBe(6n);
  });

  it('never reports a negative available balance', () => {
    expect(computeBalance({ balance: 100n, pending: [{ direction: 'out', amount: 100n, fee: 1n }] }).available).toBe(0n);
  });

  it('rejects malformed amounts and directions', () => {
    expect(() => computeBalance({ balance: '1.5', pending: [] })).toThrow(WalletError);
    expect(() => computeBalance({ balance: -1n, pending: [] })).toThrow(WalletError);
    expect(() =>
      computeBalance({ balance: 1n, pending: [{ direction: 'sideways' as 'in', amount: 1n, fee: 0n }] }),
    ).toThrow(WalletError);
  });
});
