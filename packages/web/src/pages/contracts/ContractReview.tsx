import { useMemo, useState } from 'react';
import { bytesToHex, sha256, utf8ToBytes } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { formatHckAmount } from '../../lib/amount';
import { visibleText } from '../../lib/visible-text';
import { useNodeDistrust } from '../../state/node-distrust';
import { balanceOf, useAddressInfo } from '../wallet/useAddressInfo';
import { useVerifiedSpendable } from '../wallet/useVerifiedSpendable';
import type { ResolvedGas } from './contract-tx';
import { checkFee } from './fee-warning';

/** A deploy or call about to be signed, as the review shows it. */
export interface ReviewedContractTx {
  from: string;
  /** The contract called; absent for a deploy (a new contract). */
  contract?: string;
  /** The function and its arguments as the user wrote them, e.g. `transfer("0x…", 250)`. */
  call: string;
  /** A deploy's source, exactly as it will be signed: the review names it by size and SHA-256, as the CLI does. */
  code?: string;
  gas: ResolvedGas;
}

const SOURCE = { typed: 'as you entered it', estimate: "from the node's estimate", minimum: "the node's minimum for this gas limit" } as const;

/**
 * The last look before a contract transaction is signed, MetaMask style: what
 * it runs, what it sends and the most it can cost (gas limit × gas price),
 * with the balance left in that worst case. The balance is the proven one less
 * this browser's pending sends once proven, else the node's figure while the
 * node is trusted, as in the wallet's Send. Nothing is signed until Confirm, and a
 * fee the review names must be acknowledged first, as in Send.
 */
export function ContractReview({ tx, onConfirm, onCancel }: { tx: ReviewedContractTx; onConfirm: () => void; onCancel: () => void }) {
  const [feeAccepted, setFeeAccepted] = useState(false);
  const info = useAddressInfo(tx.from, 1, 1);
  const proven = useVerifiedSpendable(tx.from);
  const flagged = useNodeDistrust();
  // As in Send: a node caught lying or on another network gets no say in what the review judges affordable.
  const available = proven.spendable ? proven.spendable.available : info.data && flagged === null ? balanceOf(info.data).available : null;
  const { gasLimit, gasPrice, value } = tx.gas;
  const maxFee = BigInt(gasLimit) * gasPrice;
  const verdict = checkFee({ maxFee, value, gasPrice, minGasPrice: tx.gas.minGasPrice, available });
  const code = useMemo(() => {
    if (tx.code === undefined) return null;
    const bytes = utf8ToBytes(tx.code);
    return `${bytes.length.toLocaleString('en-US')} bytes, SHA-256 ${bytesToHex(sha256(bytes))}`;
  }, [tx.code]);

  const rows: [string, string, string][] = [
    ['From', tx.from, 'review-from'],
    ['Contract', tx.contract ?? 'new contract', 'review-contract'],
    ...(code !== null ? [['Code', code, 'review-code'] as [string, string, string]] : []),
    ['Function', visibleText(tx.call), 'review-call'],
    ['Value sent', formatHckAmount(value), 'review-value'],
    ['Gas limit', `${gasLimit.toLocaleString('en-US')} (${SOURCE[tx.gas.limitFrom]})`, 'review-gas-limit'],
    ['Gas price', `${gasPrice.toLocaleString('en-US')} base units/gas (${SOURCE[tx.gas.priceFrom]})`, 'review-gas-price'],
    ['Maximum fee', formatHckAmount(maxFee), 'review-max-fee'],
    ['Total at most', formatHckAmount(value + maxFee), 'review-total'],
    ['Balance after', available !== null ? `${formatHckAmount(available - value - maxFee)} at worst` : flagged !== null ? 'unknown until verified' : 'checking…', 'review-balance-after'],
  ];
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-950/80 p-4" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div role="dialog" aria-modal="true" aria-labelledby="contract-review-title" className="max-h-full w-full max-w-lg space-y-3 overflow-y-auto rounded-xl border border-slate-700 bg-slate-900 p-4 shadow-xl" data-testid="contract-review">
        <h2 id="contract-review-title" className="text-sm font-semibold tracking-wide text-slate-300 uppercase">
          Review {tx.contract ? 'contract call' : 'deploy'}
        </h2>
        {verdict.warnings.length > 0 && (
          <div role="alert" className="rounded-lg border-2 border-rose-500 bg-rose-950/60 px-3 py-2 text-sm text-rose-100" data-testid="review-fee-warning">
            <strong>Check this fee before you sign.</strong>
            <ul className="mt-1 list-disc pl-5">
              {verdict.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
            {tx.gas.priceFrom === 'estimate' && <p className="mt-1">The gas price came from the node's fee estimate, which miners can raise. Cancel and enter a gas price to pay less.</p>}
            {tx.gas.priceFrom === 'minimum' && <p className="mt-1">The gas price is the least this node relays the transaction at: its declared gas limit counts as block space. Cancel and enter a lower gas limit to pay less.</p>}
            <label className="mt-2 flex items-start gap-2">
              <input type="checkbox" className="mt-1" checked={feeAccepted} onChange={(e) => setFeeAccepted(e.target.checked)} data-testid="review-fee-accept" />
              <span>I have checked it: authorise a maximum fee of {formatHckAmount(maxFee)}.</span>
            </label>
          </div>
        )}
        <dl className="grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[8rem_1fr]">
          {rows.map(([k, v, id]) => (
            <div key={k} className="contents">
              <dt className="text-slate-400">{k}</dt>
              <dd className={`min-w-0 break-all ${k === 'Maximum fee' ? 'font-semibold text-slate-50' : 'text-slate-200'} ${k === 'From' || k === 'Contract' || k === 'Code' || k === 'Function' ? 'font-mono text-xs' : ''}`} data-testid={id}>
                {v}
              </dd>
            </div>
          ))}
        </dl>
        <p className="text-xs text-slate-400">
          Unused gas is refunded; the maximum fee is what you authorise. {proven.spendable ? `Balance verified at height ${proven.spendable.height}.` : flagged !== null ? "Balance: not verified yet, and this node's own figure is not believed." : "Balance: the node's figure, not verified yet."}
        </p>
        {verdict.overBalance && (
          <p className="text-xs text-rose-400" role="alert" data-testid="review-over-balance">
            Value plus maximum fee is more than the {formatHckAmount(available ?? 0n)} you can spend. Nothing will be signed.
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <Button onClick={onConfirm} disabled={verdict.overBalance || (verdict.warnings.length > 0 && !feeAccepted)}>
            Confirm and send
          </Button>
          {/* Focus starts on Cancel: a stray Enter must not sign. */}
          <Button autoFocus variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </div>
    </div>
  );
}
