import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { Card, KeyValue, PageTitle } from '../../components/Card';
import { AddressLink, BlockLink } from '../../components/Links';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { SearchBox } from '../../components/SearchBox';
import { useApi } from '../../hooks/useApi';
import { decodeCallData } from '../../lib/call-data';
import type { TxDetail } from '../../lib/types';
import { visibleText } from '../../lib/visible-text';
import { Receipt } from './Receipt';
import { CopyButton } from '../../components/CopyButton';

function Status({ tx }: { tx: TxDetail }) {
  if (tx.status === 'pending') return <span className="rounded bg-amber-500/15 px-2 py-0.5 text-amber-300" data-testid="tx-status">pending (in mempool)</span>;
  return (
    <span className="rounded bg-emerald-500/15 px-2 py-0.5 text-emerald-300" data-testid="tx-status">
      confirmed · <span data-testid="tx-confirmations">{tx.confirmations}</span> confirmation{tx.confirmations === 1 ? '' : 's'}
    </span>
  );
}

const ZERO = /^0x0{40}$/i;

function RawData({ hex }: { hex: string }) {
  return <span className="font-mono text-xs break-all">{hex.length > 200 ? `${hex.slice(0, 200)}… (${hex.length / 2} bytes)` : hex}</span>;
}

export default function TxPage() {
  const { id = '' } = useParams();
  const res = useApi<TxDetail>(`/api/tx/${encodeURIComponent(id)}`, { refreshOn: ['blocks', 'mempool'] });
  const tx = res.data;
  const call = decodeCallData(tx?.data);
  return (
    <div className="space-y-4">
      <SearchBox />
      {res.error !== undefined && !tx && <ApiErrorNotice error={res.error} feature="Transaction" />}
      {!tx ? (
        res.error === undefined && <Loading />
      ) : (
        <>
          <PageTitle sub={<><span className="font-mono break-all">{tx.id}</span><CopyButton text={tx.id} label="Copy transaction id" /></>}>{tx.type === 'coinbase' ? 'Coinbase transaction' : 'Transaction'}</PageTitle>
          <Card title="Status">
            <KeyValue
              rows={[
                ['Status', <Status tx={tx} />],
                ['Block', tx.blockHeight !== null && tx.blockHash ? <BlockLink id={tx.blockHash} label={`#${tx.blockHeight} · ${tx.blockHash.slice(0, 16)}…`} /> : '—'],
                ['Position in block', tx.index ?? '—'],
              ]}
            />
          </Card>
          <Card title="Details">
            <KeyValue
              rows={[
                ['From', tx.from ? <AddressLink address={tx.from} full /> : 'coinbase (new coins)'],
                [
                  'To',
                  call?.type === 'deploy' ? (
                    <span data-testid="tx-to">
                      Contract creation{tx.receipt?.contractAddress ? <> · <AddressLink address={tx.receipt.contractAddress} full /></> : null}
                    </span>
                  ) : ZERO.test(tx.to) && tx.data ? (
                    <span data-testid="tx-to">Contract creation</span>
                  ) : (
                    <AddressLink address={tx.to} full />
                  ),
                ],
                ['Amount', <Amount units={tx.amount} />],
                ...(tx.type === 'transfer'
                  ? ([
                      call
                        ? [
                            'Max fee',
                            <span>
                              <Amount units={tx.fee ?? '0'} /> <span className="text-xs text-slate-400">(gas limit {call.gasLimit.toLocaleString('en-US')} × {call.gasPrice} units/gas; the receipt shows the fee paid)</span>
                            </span>,
                          ]
                        : ['Fee', <Amount units={tx.fee ?? '0'} />],
                      ['Nonce', tx.nonce ?? '—'],
                      [
                        call ? 'Input' : 'Data',
                        call ? (
                          <div className="space-y-1">
                            <code className="text-sm text-amber-200" data-testid="tx-call">
                              {visibleText(call.type === 'deploy' ? `deploy ${call.codeBytes.toLocaleString('en-US')} bytes of code, ${call.text}` : call.text)}
                            </code>
                            <details className="text-xs text-slate-400">
                              <summary className="cursor-pointer">Raw data</summary>
                              <RawData hex={tx.data!} />
                            </details>
                          </div>
                        ) : tx.data ? (
                          <RawData hex={tx.data} />
                        ) : (
                          'none'
                        ),
                      ],
                    ] as [string, ReactNode][])
                  : ([
                      ['Height', tx.height ?? '—'],
                      ['Extra', <span className="font-mono text-xs">{tx.extra || '—'}</span>],
                    ] as [string, ReactNode][])),
                ['Size', `${tx.size} bytes`],
                ['Chain id', tx.chainId],
              ]}
            />
          </Card>
          {tx.receipt && <Receipt receipt={tx.receipt} />}
        </>
      )}
    </div>
  );
}
