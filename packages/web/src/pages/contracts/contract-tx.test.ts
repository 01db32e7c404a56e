import { afterEach, describe, expect, it, vi } from 'vitest';
import { NETWORKS, contractAddress, formatAddress, minContractGasPrice, parseAddress, type ContractAction } from '@hackcoin/core';
import type { GasEstimate } from '../../lib/types';
import { confirmSubmitted, resolveGas } from './contract-tx';

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

describe('resolveGas: the gas price a contract transaction is signed with', () => {
  const FEES = { unit: 'base', slow: '1', normal: '2', fast: '3', minFeeRate: '1', gasPrice: { slow: '1', normal: '2', fast: '3' }, basis: { blocks: 0, samples: 0, contractSamples: 0, mempoolTxs: 0, mempoolBytes: 0 } };
  const contract = formatAddress(new Uint8Array(20).fill(7));
  const action: ContractAction = { type: 'call', contract, fn: 'transfer', args: [formatAddress(new Uint8Array(20).fill(9)), 5] };
  const floor = (gasLimit: number) => minContractGasPrice({ params: NETWORKS.regtest, action, gasLimit, value: 0n }, 1n);
  const estimated = (suggestedGasLimit: number) => async (): Promise<GasEstimate> =>
    ({ status: 'success', gasUsed: 30_000, intrinsicGas: 22_000, executionGas: 8_000, suggestedGasLimit, fee: '0', contractAddress: contract, balance: '0' });

  afterEach(() => vi.unstubAllGlobals());
  const node = () => vi.stubGlobal('fetch', vi.fn(async () => Response.json(FEES)));

  it("raises the node's estimate to its relay minimum at the gas limit declared (50M gas: ~23 per gas at 1 unit a byte)", async () => {
    node();
    expect(floor(50_000_000)).toBe(23n);
    expect(await resolveGas('regtest', action, { gasLimit: 50_000_000, value: 0n }, estimated(0))).toEqual({
      gasLimit: 50_000_000,
      gasPrice: 23n,
      value: 0n,
      minGasPrice: 23n,
      limitFrom: 'typed',
      priceFrom: 'minimum',
    });
    // At the limit the node's estimate suggests, its price already pays: it stands.
    const r = await resolveGas('regtest', action, { value: 0n }, estimated(37_000));
    expect([r.gasLimit, r.gasPrice, r.minGasPrice, r.priceFrom]).toEqual([37_000, 2n, 1n, 'estimate']);
  });

  it('refuses a typed price below that minimum before anything is signed, and keeps one that pays it', async () => {
    node();
    await expect(resolveGas('regtest', action, { gasLimit: 50_000_000, gasPrice: 22n, value: 0n }, estimated(0))).rejects.toThrow(
      'The gas price 22 is below 23, the least this node relays the transaction at with a gas limit of 50,000,000 (a declared gas limit counts as block space); nothing was sent. Enter at least 23, or a lower gas limit.',
    );
    expect((await resolveGas('regtest', action, { gasLimit: 50_000_000, gasPrice: 23n, value: 0n }, estimated(0))).gasPrice).toBe(23n);
    expect((await resolveGas('regtest', action, { gasLimit: 60_000, gasPrice: 1n, value: 0n }, estimated(0))).priceFrom).toBe('typed');
  });
});
