import type { FeeChoice, FeeEstimate, NetworkName } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { formatHckAmount } from '../../lib/amount';

export interface ReviewedSend {
  to: string;
  amount: bigint;
  fee: bigint;
  choice: FeeChoice;
  estimate: FeeEstimate | undefined;
  size: number;
  network: NetworkName;
}

/** The last look before signing: what leaves the wallet, to whom, and what it costs in total. */
export function SendReview({ from, send, available, busy, onBack, onConfirm }: { from: string; send: ReviewedSend; available: bigint | null; busy: boolean; onBack: () => void; onConfirm: () => void }) {
  const total = send.amount + send.fee;
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
      <p className="text-xs text-slate-400">Signed in this browser; a sent transfer cannot be taken back.</p>
      <div className="flex flex-wrap gap-2">
        <Button onClick={onConfirm} busy={busy}>
          Confirm and send
        </Button>
        <Button variant="secondary" onClick={onBack} disabled={busy}>
          Back
        </Button>
      </div>
    </div>
  );
}
