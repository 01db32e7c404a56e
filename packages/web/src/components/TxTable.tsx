import type { ReactNode } from 'react';
import { Amount } from './Amount';
import { AddressLink, BlockLink, TxLink } from './Links';
import type { AddressTx, TxJson } from '../lib/types';

export interface TxRow extends TxJson {
  direction?: AddressTx['direction'];
  internalReceived?: string;
  confirmations?: number;
  blockHeight?: number;
  feeRate?: number;
}

interface Props {
  txs: TxRow[];
  /** Extra columns: block height, confirmations, fee rate. */
  show?: { block?: boolean; confirmations?: boolean; feeRate?: boolean; direction?: boolean };
  empty?: ReactNode;
  testId?: string;
}

function Confirmations({ n }: { n: number | undefined }) {
  if (!n) return <span className="rounded bg-amber-500/15 px-1.5 py-0.5 text-xs text-amber-300">pending</span>;
  return <span className={`rounded px-1.5 py-0.5 text-xs ${n >= 6 ? 'bg-emerald-500/15 text-emerald-300' : 'bg-sky-500/15 text-sky-300'}`}>{n} conf</span>;
}

/** Transactions as a table on wide screens; it scrolls horizontally on narrow ones. */
export function TxTable({ txs, show = {}, empty = 'No transactions.', testId }: Props) {
  if (txs.length === 0) return <p className="py-4 text-sm text-slate-500">{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="w-full text-left text-sm sm:min-w-[36rem]" data-testid={testId}>
        <thead className="text-xs text-slate-400 uppercase">
          <tr className="border-b border-slate-800">
            <th scope="col" className="py-2 pr-3 font-medium">Tx</th>
            {show.direction && <th scope="col" className="py-2 pr-3 font-medium">Dir</th>}
            <th scope="col" className="hidden py-2 pr-3 font-medium sm:table-cell">From → To</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Amount</th>
            {show.feeRate && <th scope="col" className="py-2 pr-3 text-right font-medium">Fee rate</th>}
            {show.block && <th scope="col" className="py-2 pr-3 font-medium">Block</th>}
            {show.confirmations && <th scope="col" className="py-2 font-medium">Status</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800/70">
          {txs.map((tx) => (
            <tr key={tx.id} data-txid={tx.id}>
              <td className="py-2 pr-3">
                <TxLink id={tx.id} />
              </td>
              {show.direction && (
                <td className={`py-2 pr-3 text-xs font-semibold ${tx.direction === 'in' ? 'text-emerald-400' : 'text-rose-300'}`}>{tx.direction === 'in' ? 'IN' : 'OUT'}</td>
              )}
              <td className="hidden py-2 pr-3 text-xs whitespace-nowrap sm:table-cell">
                {tx.from ? <AddressLink address={tx.from} /> : <span className="text-slate-500">coinbase</span>} <span className="text-slate-500">→</span> <AddressLink address={tx.to} />
              </td>
              <td className="py-2 pr-3 text-right">
                {tx.internalReceived && BigInt(tx.internalReceived) > 0n ? (
                  <span className="inline-flex flex-col items-end" data-testid="internal-amount" title="Paid out by the contract this transaction called (an internal transaction)">
                    <Amount units={tx.internalReceived} />
                    <span className="text-[10px] text-slate-400 uppercase">from contract</span>
                  </span>
                ) : (
                  <Amount units={tx.amount} />
                )}
              </td>
              {show.feeRate && <td className="py-2 pr-3 text-right font-mono text-xs">{tx.feeRate ?? '—'} u/B</td>}
              {show.block && <td className="py-2 pr-3">{tx.blockHeight !== undefined && tx.blockHeight !== null ? <BlockLink id={tx.blockHeight} /> : '—'}</td>}
              {show.confirmations && (
                <td className="py-2">
                  <Confirmations n={tx.confirmations} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
