import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { COIN, signedTransferSize } from '@hackcoin/core';
import { SendReview, type ReviewedSend } from './SendReview';

const FROM = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const TO = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
const size = signedTransferSize(0);

/** A send at the 'normal' preset, the fee being what the node's estimate makes of it. */
const send = (fee: bigint, amount = COIN): ReviewedSend => ({
  to: TO,
  amount,
  fee,
  choice: 'normal',
  estimate: { slow: 1n, normal: fee / BigInt(size), fast: fee },
  size,
  network: 'regtest',
});

const confirm = () => screen.getByRole('button', { name: 'Confirm and send' });

function review(s: ReviewedSend, available: bigint | null) {
  const onConfirm = vi.fn();
  render(<SendReview from={FROM} send={s} available={available} busy={false} onBack={() => undefined} onConfirm={onConfirm} />);
  return onConfirm;
}

describe('the send review', () => {
  afterEach(() => cleanup());

  it('signs an ordinary fee at one click, with no warning', () => {
    const onConfirm = review(send(300n), 100n * COIN);
    expect(screen.queryByTestId('review-fee-warning')).toBeNull();
    expect((confirm() as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirm());
    expect(onConfirm).toHaveBeenCalledOnce();
  });

  it('names a node-priced fee of most of the balance, and will not sign until it is acknowledged', () => {
    // A lying node's estimate: the fee takes 98 of the 100 HCK spendable.
    const onConfirm = review(send(98n * COIN), 100n * COIN);
    const warning = screen.getByTestId('review-fee-warning');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(warning.textContent).toContain('The fee of 98 HCK is above 0.1 HCK');
    expect(warning.textContent).toContain('The fee is 98.0 % of your spendable balance (more than 10 %).');
    expect(warning.textContent).toContain("It is the node's fee estimate");
    expect((confirm() as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(confirm());
    expect(onConfirm).not.toHaveBeenCalled();

    fireEvent.click(screen.getByTestId('review-fee-accept'));
    expect((confirm() as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(confirm());
    expect(onConfirm).toHaveBeenCalledOnce();
  });

  it('holds a fee above the cap even while the balance is unknown, and a fee above 10 % of a small balance', () => {
    review(send(COIN / 10n + 1n), null);
    expect(screen.getByTestId('review-fee-warning').textContent).toContain('above 0.1 HCK');
    expect((confirm() as HTMLButtonElement).disabled).toBe(true);
    cleanup();

    review(send(20_000n, 0n), 100_000n);
    expect(screen.getByTestId('review-fee-warning').textContent).toContain('The fee is 20.0 % of your spendable balance');
    expect((confirm() as HTMLButtonElement).disabled).toBe(true);
  });
});
