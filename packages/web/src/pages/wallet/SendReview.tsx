import { useState } from 'react';
import type { FeeChoice, FeeEstimate, NetworkName } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { formatHckAmount } from '../../lib/amount';
import { checkSendFee } from '../contracts/fee-warning';

export interface ReviewedSend {
  to: string;
  amount: bigint;
  fee: bigint;
  choice: FeeChoice;
  estimate: FeeEstimate | undefined;
  size: number;
  network: NetworkName;
}

/**
 * The last look before signing: what leaves the wallet, to whom, and what it
 * costs in total. A preset fee is the node's estimate, which a lying node can
 * set as high as the balance: a fee above the cap or a large share of the
 * balance is named, and nothing is signed until the user says it is meant.
 */
export function SendReview({ from, send, available, busy, onBack, onConfirm }: { from: string; send: ReviewedSend; available: bigint | null; busy: boolean; onBack: () => void; onConfirm: () => void }) {
  const [feeAccepted, setFeeAccepted] = useState(false);
  const total = send.amount + send.fee;
  const feeWarnings = checkSendFee(send.fee, available);
  const rate = typeof send.choice === 'object' ? 'custom fee' : `${send.choice}: ${send.estimate?.[send.choice] ?? '?'} base units/byte × ${send.size} bytes`;
  const rows: [string, string, string][] = [
    ['From', from, 'review-from'],
    ['To', send.to, 'review-to'],
    ['Amount', formatHckAmount(send.amount), 'review-amount'],
    ['Network fee', `${formatHckAmount(send.fee)} (${rate})`, 'review-fee'],
    ['Total', formatHckAmount(total), 'review-total'],
  ];
  return (
    <div className="space-y-3" data-testid="send-review">
      <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[7rem_1fr]">
        {rows.map(([k, v, id]) => (
          <div key={k} className="contents">
            <dt className="text-slate-400">{k}</dt>
            <dd className={`min-w-0 break-all ${k === 'Total' ? 'font-semibold text-slate-50' : 'text-slate-200'} ${k === 'From' || k === 'To' ? 'font-mono text-xs' : ''}`} data-testid={id}>
              {v}
            </dd>
          </div>
        ))}
      </dl>
      {available !== null && <p className="text-xs text-slate-400">Available after sending: {formatHckAmount(available - total)}</p>}
      {feeWarnings.length > 0 && (
        <div role="alert" className="rounded-lg border-2 border-rose-500 bg-rose-950/60 px-3 py-2 text-sm text-rose-100" data-testid="review-fee-warning">
          <strong>Check this fee before you sign.</strong>
          <ul className="mt-1 list-disc pl-5">
            {feeWarnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          {typeof send.choice !== 'object' && <p className="mt-1">It is the node's fee estimate, which the node or miners can raise. Go back and set a custom fee to pay less.</p>}
          <label className="mt-2 flex items-start gap-2">
            <input type="checkbox" className="mt-1" checked={feeAccepted} onChange={(e) => setFeeAccepted(e.target.checked)} disabled={busy} data-testid="review-fee-accept" />
            <span>I have checked it: pay a fee of {formatHckAmount(send.fee)}.</span>
          </label>
        </div>
      )}
      <p className="text-xs text-slate-400">Signed in this browser; a sent transfer cannot be taken back.</p>
      <div className="flex flex-wrap gap-2">
        <Button onClick={onConfirm} busy={busy} disabled={feeWarnings.length > 0 && !feeAccepted}>
          Confirm and send
        </Button>
        <Button variant="secondary" onClick={onBack} disabled={busy}>
          Back
        </Button>
      </div>
    </div>
  );
}
