import { useRef, useState } from 'react';
import { ContractReview, type ReviewedContractTx } from './ContractReview';

/**
 * Holds a contract transaction at the review until the user decides:
 * `review` answers true on Confirm, false on Cancel. A newer review replaces
 * an open one, which counts as cancelled, so no caller waits forever.
 */
export function useContractReview() {
  const [open, setOpen] = useState<ReviewedContractTx | null>(null);
  const decide = useRef<((ok: boolean) => void) | null>(null);

  const close = (ok: boolean) => {
    decide.current?.(ok);
    decide.current = null;
    setOpen(null);
  };

  const review = (tx: ReviewedContractTx) =>
    new Promise<boolean>((resolve) => {
      decide.current?.(false);
      decide.current = resolve;
      setOpen(tx);
    });

  const dialog = open ? <ContractReview tx={open} onConfirm={() => close(true)} onCancel={() => close(false)} /> : null;
  return { review, dialog };
}
