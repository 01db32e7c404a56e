import { Link } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { useApi } from '../../hooks/useApi';
import { errorText } from '../../lib/api';
import type { AmountUnit } from '../../lib/amount';
import { showEvent, showReturn } from '../../lib/contract-amounts';
import type { TxDetail } from '../../lib/types';
import { visibleText } from '../../lib/visible-text';
import type { SentTx } from './contract-tx';

/** One sent transaction: pending until mined, then its receipt (GET /api/tx/:id → receipt); the contract's text through visibleText. */
function ReceiptRow({ sent, unit }: { sent: SentTx; unit: AmountUnit }) {
  const tx = useApi<TxDetail>(`/api/tx/${sent.id}`, { refreshOn: ['blocks'] });
  const r = tx.data?.receipt;
  const state = !tx.data ? (tx.error !== undefined ? 'error' : 'loading') : tx.data.status === 'pending' || !r ? 'pending' : r.status;
  const tone = state === 'success' ? 'text-emerald-300' : state === 'pending' || state === 'loading' ? 'text-amber-300' : 'text-rose-300';
  return (
    <li className="rounded-lg border border-slate-800 px-3 py-2 text-xs" data-testid="receipt" data-txid={sent.id}>
      <div className="flex flex-wrap items-baseline gap-x-2">
        <span className="font-mono text-slate-200">{visibleText(sent.label)}</span>
        <span className={`font-semibold ${tone}`} data-testid="receipt-status">
          {state}
          {r?.revertReason ? `: ${visibleText(r.revertReason)}` : ''}
        </span>
      </div>
      <p className="mt-0.5 break-all">
        <Link to={`/explorer/tx/${sent.id}`} className="font-mono text-sky-300 underline" data-testid="receipt-txid">
          {sent.id}
        </Link>
        <CopyButton text={sent.id} label="Copy transaction id" />
      </p>
      {tx.error !== undefined && !tx.data && <p className="text-rose-300">{errorText(tx.error)}</p>}
      {r && (
        <div className="mt-1 space-y-1 text-slate-300">
          <p>
            block {tx.data?.blockHeight} · gas {r.gasUsed.toLocaleString('en-US')}
            {r.gasPrice !== undefined ? ` × ${r.gasPrice}` : ''}
            {r.fee !== undefined && (
              <>
                {' '}
                = <Amount units={r.fee} unit={unit} />
              </>
            )}
            {r.returnValue !== undefined && (
              <>
                {' '}
                · returned <code>{visibleText(showReturn(sent.kind, sent.fn, r.returnValue, unit))}</code>
              </>
            )}
          </p>
          {r.events && r.events.length > 0 && (
            <ul data-testid="receipt-events">
              {r.events.map((e, i) => (
                <li key={i} className="break-all">
                  <span className="font-semibold text-amber-300">{visibleText(e.name)}</span> <code>{visibleText(showEvent(sent.kind, e.name, e.data, unit))}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </li>
  );
}

export function ReceiptList({ sent, unit }: { sent: SentTx[]; unit: AmountUnit }) {
  if (sent.length === 0) return null;
  return (
    <Card title="Receipts">
      <ul className="space-y-2" aria-live="polite">
        {sent.map((s) => (
          <ReceiptRow key={s.id} sent={s} unit={unit} />
        ))}
      </ul>
    </Card>
  );
}
