import { describe, expect, it } from 'vitest';
import { showEvent, showReturn } from './contract-amounts';

describe('coin amounts in contract values', () => {
  it('shows the coin amounts of known contracts in the chosen unit, and nothing else', () => {
    expect(showReturn('Auction', 'highestBid', 250_000_000, 'HCK')).toBe('2.5 HCK');
    expect(showReturn('Auction', 'highestBid', 250_000_000, 'base')).toBe('250,000,000 base units');
    expect(showEvent('Auction', 'HighestBidIncreased', { bidder: '0xab', amount: 100_000_000 }, 'HCK')).toBe('{"bidder":"0xab","amount":"1 HCK"}');
    expect(showEvent('Multi-signature wallet', 'Deposit', { from: '0xab', amount: '5' }, 'base')).toBe('{"from":"0xab","amount":"5 base units"}');
    expect(showReturn('Multi-signature wallet', 'transaction', { to: '0xab', amount: 1, executed: false }, 'base')).toBe('{"to":"0xab","amount":"1 base units","executed":false}');
    // Token amounts are in the token's units; an unknown contract's values stay as they are.
    expect(showEvent('Token', 'Transfer', { from: null, to: '0xab', amount: 250 }, 'HCK')).toBe('{"from":null,"to":"0xab","amount":250}');
    expect(showReturn('Contract', 'x', 7, 'HCK')).toBe('7');
    // Only whole, non-negative numbers are amounts.
    expect(showReturn('Auction', 'highestBid', null, 'HCK')).toBe('null');
    expect(showReturn('Auction', 'highestBid', -1, 'HCK')).toBe('-1');
  });
});
