import { describe, expect, it } from 'vitest';
import { contractAddress, formatAddress, parseAddress } from '@hackcoin/core';
import { confirmSubmitted } from './contract-tx';

describe('confirmSubmitted', () => {
  const from = '0x' + '11'.repeat(20);
  const contract = formatAddress(contractAddress(parseAddress(from), 4n));
  const id = 'ab'.repeat(32);

  it("takes the contract address computed from the sender and nonce, not the node's", () => {
    expect(confirmSubmitted({ id, status: 'pending', contractAddress: contract.toLowerCase() } as never, id, contract).contractAddress).toBe(contract);
  });

  it('refuses a deploy answer naming another contract, or any answer naming another transaction', () => {
    const other = formatAddress(contractAddress(parseAddress(from), 5n));
    expect(() => confirmSubmitted({ id, status: 'pending', contractAddress: other } as never, id, contract)).toThrow(/the node answered with contract 0x[0-9a-fA-F]{40} for a deploy that creates/);
    expect(() => confirmSubmitted({ id: 'cd'.repeat(32), status: 'pending' } as never, id, undefined)).toThrow(/the node answered with transaction (cd){32} for/);
  });
});
