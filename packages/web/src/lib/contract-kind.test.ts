import { describe, expect, it } from 'vitest';
import { contractKind, isToken } from './contract-kind';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';

const { token, voting, auction, multisig } = CONTRACT_EXAMPLES;

describe('contract kind', () => {
  it('names the example contracts by their interface, anything else as Contract', () => {
    expect([token, voting, auction, multisig].map(contractKind)).toEqual(['Token', 'Voting', 'Auction', 'Multi-signature wallet']);
    expect(contractKind('export function hello() { return 1; }')).toBe('Contract');
    expect(isToken(token)).toBe(true);
    expect(isToken(`${token}\nexport function mint() {}`)).toBe(true);
    expect(isToken(voting)).toBe(false);
  });
});
