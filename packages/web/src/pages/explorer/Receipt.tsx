import type { ReactNode } from 'react';
import { Amount } from '../../components/Amount';
import { Card, KeyValue } from '../../components/Card';
import { AddressLink } from '../../components/Links';
import type { ContractReceipt } from '../../lib/types';
import { visibleText } from '../../lib/visible-text';

/** Contract receipt: status, gas, fee, contract, return value, internal transfers, events. What the contract wrote goes through visibleText. */
export function Receipt({ receipt }: { receipt: ContractReceipt }) {
  const tone = receipt.status === 'success' ? 'text-emerald-300' : 'text-rose-300';
  return (
    <Card title="Contract receipt">
      <KeyValue
        rows={[
          ['Status', <span className={tone}>{receipt.status}{receipt.revertReason ? `: ${visibleText(receipt.revertReason)}` : ''}</span>],
          ['Gas used', `${receipt.gasUsed.toLocaleString('en-US')}${receipt.gasPrice !== undefined ? ` × ${receipt.gasPrice} units/gas` : ''}`],
          ...(receipt.fee !== undefined ? ([['Fee paid', <Amount units={receipt.fee} />]] as [string, ReactNode][]) : []),
          ...(receipt.contractAddress ? ([['Contract', <AddressLink address={receipt.contractAddress} full />]] as [string, ReactNode][]) : []),
          ['Return value', <code className="text-xs">{visibleText(JSON.stringify(receipt.returnValue ?? null))}</code>],
        ]}
      />
      {receipt.transfers && receipt.transfers.length > 0 && (
        <div className="mt-3">
          <h3 className="mb-1 text-xs font-semibold tracking-wide text-slate-400 uppercase">Internal transfers (paid by the contract)</h3>
          <ul className="space-y-1 text-sm" data-testid="internal-transfers">
            {receipt.transfers.map((t, i) => (
              <li key={i} className="flex flex-wrap items-center gap-x-2 rounded bg-slate-950/60 px-2 py-1">
                <AddressLink address={t.from} /> <span className="text-slate-500">→</span> <AddressLink address={t.to} /> <Amount units={t.amount} />
              </li>
            ))}
          </ul>
        </div>
      )}
      {receipt.events && receipt.events.length > 0 && (
        <ul className="mt-3 space-y-1 text-sm">
          {receipt.events.map((e, i) => (
            <li key={i} className="rounded bg-slate-950/60 px-2 py-1">
              <span className="font-semibold text-amber-300">{visibleText(e.name)}</span> <code className="text-xs break-all">{visibleText(JSON.stringify(e.data))}</code>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
