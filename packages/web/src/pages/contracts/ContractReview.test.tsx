import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { COIN } from '@hackcoin/core';
import { clearNetworkFlag, flagNode } from '../../lib/node-distrust';
import type { AddressInfoJson } from '../../lib/types';
import { ContractReview, type ReviewedContractTx } from './ContractReview';

const FROM = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';

// The node's own figure for the sender: a million HCK it does not have. No proof has come in yet.
const reported: AddressInfoJson = { address: FROM, balance: String(1_000_000n * COIN), pendingBalance: '0', nonce: '0', nextNonce: '0', height: 3, pending: [], page: 1, limit: 1, history: [] };
vi.mock('../wallet/useAddressInfo', async (importActual) => ({ ...(await importActual<typeof import('../wallet/useAddressInfo')>()), useAddressInfo: () => ({ data: reported }) }));
vi.mock('../wallet/useVerifiedSpendable', () => ({ useVerifiedSpendable: () => ({ spendable: null, reload: () => undefined }) }));

const tx: ReviewedContractTx = {
  from: FROM,
  contract: '0x1111111111111111111111111111111111111111',
  call: 'transfer("0xAB\u200b", 5)',
  gas: { gasLimit: 1_000_000, gasPrice: 1_000n, value: 0n, limitFrom: 'estimate', priceFrom: 'estimate' },
};

describe('the contract review', () => {
  afterEach(() => {
    cleanup();
    clearNetworkFlag();
  });

  it("judges the fee against the node's balance only while the node is trusted", () => {
    render(<ContractReview tx={tx} onConfirm={() => undefined} onCancel={() => undefined} />);
    expect(screen.getByTestId('review-balance-after').textContent).toBe('999,990 HCK at worst');

    act(() => flagNode('network', 'the node now claims another network'));
    expect(screen.getByTestId('review-balance-after').textContent).toBe('unknown until verified');
    expect(screen.getByTestId('contract-review').textContent).toContain("this node's own figure is not believed");
  });

  it('writes out hidden characters in the function it is about to sign', () => {
    render(<ContractReview tx={tx} onConfirm={() => undefined} onCancel={() => undefined} />);
    expect(screen.getByTestId('review-call').textContent).toBe('transfer("0xAB⟨U+200B⟩", 5)');
  });

  it('names the code a deploy signs by its size and SHA-256, and shows no code row for a call', () => {
    const source = 'export function init() { storage.set("n", "é"); }';
    render(<ContractReview tx={{ ...tx, contract: undefined, call: 'init()', code: source }} onConfirm={() => undefined} onCancel={() => undefined} />);
    const digest = createHash('sha256').update(source, 'utf8').digest('hex');
    expect(screen.getByTestId('review-code').textContent).toBe(`${Buffer.byteLength(source)} bytes, SHA-256 ${digest}`);
    expect(screen.getByTestId('review-contract').textContent).toBe('new contract');
    cleanup();
    render(<ContractReview tx={tx} onConfirm={() => undefined} onCancel={() => undefined} />);
    expect(screen.queryByTestId('review-code')).toBeNull();
  });

  it("says when the gas price is the node's minimum for the gas limit, and that a lower limit pays less", () => {
    render(<ContractReview tx={{ ...tx, gas: { ...tx.gas, gasLimit: 50_000_000, gasPrice: 23n, minGasPrice: 23n, priceFrom: 'minimum' } }} onConfirm={() => undefined} onCancel={() => undefined} />);
    expect(screen.getByTestId('review-gas-price').textContent).toBe("23 base units/gas (the node's minimum for this gas limit)");
    expect(screen.getByTestId('review-fee-warning').textContent).toContain('Cancel and enter a lower gas limit to pay less.');
  });

  it('will not sign a maximum fee above the cap until it is acknowledged', () => {
    const onConfirm = vi.fn();
    render(<ContractReview tx={tx} onConfirm={onConfirm} onCancel={() => undefined} />);
    // 1,000,000 gas × 1,000: 10 HCK, over the 0.1 HCK cap, though a small share of the node's figure.
    expect(screen.getByTestId('review-fee-warning').textContent).toContain('The maximum fee of 10 HCK is above 0.1 HCK');
    const confirm = screen.getByRole('button', { name: 'Confirm and send' });
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    act(() => screen.getByTestId('review-fee-accept').click());
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    act(() => confirm.click());
    expect(onConfirm).toHaveBeenCalledTimes(1);
  });
});
