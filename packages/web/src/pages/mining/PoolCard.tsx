import type { ReactNode } from 'react';
import { Amount } from '../../components/Amount';
import { Card, Stat } from '../../components/Card';
import { AddressLink, BlockLink, TxLink } from '../../components/Links';
import { ApiErrorNotice } from '../../components/Notice';
import { useApi } from '../../hooks/useApi';
import { useNodeInfo } from '../../state/node-info';
import { formatHashrate, timeAgo } from '../../lib/format';
import type { PoolStats } from '../../lib/types';

/** Stats of the Stratum pool this node serves; nothing, and no request, when node info says it serves none. */
export function PoolCard() {
  const { data: node } = useNodeInfo();
  const res = useApi<PoolStats>(node?.pool ? '/api/pool/stats' : null, { refreshOn: ['blocks'], intervalMs: 5000 });
  if (!node?.pool) return null;
  const p = res.data;
  if (!p) return res.error !== undefined ? <ApiErrorNotice error={res.error} feature="Pool stats" /> : null;
  const seconds = (iso: string) => Date.parse(iso) / 1000;
  return (
    <Card title="Pool" id="pool" actions={<span className="text-xs text-slate-400">Stratum on port {p.port}</span>}>
      <div className="space-y-4" data-testid="pool-card">
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
          <Stat label="Pool hash rate" value={formatHashrate(p.hashrate)} />
          <Stat label="Connections" value={p.connections} />
          <Stat label="Shares accepted" testId="pool-accepted" value={p.sharesAccepted} />
          <Stat label="Shares rejected" testId="pool-rejected" value={p.sharesRejected} />
          <Stat label="Blocks found" testId="pool-blocks" value={p.blocksFoundCount} />
        </div>
        <p className="text-sm break-all text-slate-300">
          Pool address <AddressLink address={p.poolAddress} full />
        </p>
        <Section title="Workers" count={p.workerCount} empty="No worker has submitted a share yet.">
          {p.workers.length < p.workerCount && (
            <p data-testid="pool-workers-shown" className="mb-1 text-xs text-slate-500">
              The {p.workers.length} with the most accepted work.
            </p>
          )}
          <Table testId="pool-workers" head={['Worker', 'Payout address', 'Accepted', 'Stale', 'Duplicate', 'Low difficulty', 'Invalid', 'Share difficulty', 'Hash rate', 'Last share']}>
            {p.workers.map((w) => (
              <tr key={w.worker} data-testid={`pool-worker-${w.worker}`}>
                <Td mono>{w.worker}</Td>
                <Td>
                  <AddressLink address={w.address} />
                </Td>
                <Td num>{w.accepted}</Td>
                <Td num>{w.stale}</Td>
                <Td num>{w.duplicate}</Td>
                <Td num>{w.lowDifficulty}</Td>
                <Td num>{w.invalid}</Td>
                <Td num>{w.difficulty.toPrecision(3)}</Td>
                <Td num>{formatHashrate(w.hashrate)}</Td>
                <Td>{w.lastShare ? timeAgo(seconds(w.lastShare)) : '—'}</Td>
              </tr>
            ))}
          </Table>
        </Section>
        <Section title="Blocks found" count={p.blocksFoundCount} empty="The pool has not found a block yet.">
          <Table testId="pool-blocks-table" head={['Block', 'Hash', 'Reward', 'Worker', 'Found']}>
            {p.blocksFound
              .slice()
              .reverse()
              .map((b) => (
                <tr key={b.hash}>
                  <Td>
                    <BlockLink id={b.height} />
                  </Td>
                  <Td>
                    <BlockLink id={b.hash} />
                  </Td>
                  <Td num>
                    <Amount units={b.reward} />
                  </Td>
                  <Td mono>{b.worker}</Td>
                  <Td>{timeAgo(seconds(b.time))}</Td>
                </tr>
              ))}
          </Table>
        </Section>
        <Section title="Payouts" count={p.payoutCount} empty="No payouts yet: they are sent once a pool block matures.">
          <Table testId="pool-payouts" head={['Block', 'To', 'Amount', 'Fee', 'Tx', 'Status']}>
            {p.payouts
              .slice()
              .reverse()
              .map((x, i) => (
                <tr key={`${x.blockHash}-${x.address}-${i}`}>
                  <Td>
                    <BlockLink id={x.blockHeight} />
                  </Td>
                  <Td>{x.address ? <AddressLink address={x.address} /> : '—'}</Td>
                  <Td num>
                    <Amount units={x.amount} />
                  </Td>
                  <Td num>
                    <Amount units={x.fee} />
                  </Td>
                  <Td>{x.txid ? <TxLink id={x.txid} /> : '—'}</Td>
                  <Td>
                    <span className={x.status === 'sent' ? 'text-emerald-300' : x.status === 'failed' ? 'text-rose-300' : 'text-slate-400'}>{x.status}</span>
                  </Td>
                </tr>
              ))}
          </Table>
        </Section>
      </div>
    </Card>
  );
}

function Section({ title, count, empty, children }: { title: string; count: number; empty: string; children: ReactNode }) {
  return (
    <div>
      <h3 className="mb-1 text-sm font-semibold text-slate-300">
        {title} <span className="font-normal text-slate-500">({count})</span>
      </h3>
      {count === 0 ? <p className="text-sm text-slate-500">{empty}</p> : children}
    </div>
  );
}

function Table({ head, children, testId }: { head: string[]; children: ReactNode; testId: string }) {
  return (
    <div className="table-wrap">
      <table className="w-full min-w-[36rem] text-left text-sm" data-testid={testId}>
        <thead className="text-xs text-slate-400 uppercase">
          <tr className="border-b border-slate-800">
            {head.map((h) => (
              <th key={h} scope="col" className="py-2 pr-3 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-800/70">{children}</tbody>
      </table>
    </div>
  );
}

function Td({ children, mono, num }: { children: ReactNode; mono?: boolean; num?: boolean }) {
  return <td className={`py-2 pr-3 whitespace-nowrap ${mono ? 'font-mono text-xs' : ''} ${num ? 'text-right tabular-nums' : ''}`}>{children}</td>;
}
