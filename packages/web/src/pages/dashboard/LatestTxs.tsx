import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { Card } from '../../components/Card';
import { TxLink } from '../../components/Links';
import { useApi } from '../../hooks/useApi';
import type { BlockDetail, MempoolInfo, TxJson } from '../../lib/types';
import { useTopics } from '../../state/realtime';
import { useNodeInfo } from '../../state/node-info';

interface Row {
  tx: TxJson;
  where: 'mempool' | number;
}

const MAX = 10;

/** Newest transactions: pending ones from the mempool topic, confirmed ones from the tip block. */
export function LatestTxs() {
  const { data: info } = useNodeInfo();
  const mempool = useApi<MempoolInfo>('/api/mempool');
  const tip = useApi<BlockDetail>(info ? `/api/blocks/${info.bestHash}` : null);
  const [live, setLive] = useState<Row[]>([]);

  useEffect(() => {
    const rows: Row[] = [
      ...(mempool.data?.transactions ?? []).slice(0, MAX).map((tx) => ({ tx, where: 'mempool' as const })),
      ...(tip.data?.transactions ?? []).map((tx) => ({ tx, where: tip.data!.height })),
    ];
    setLive(rows.slice(0, MAX));
  }, [mempool.data, tip.data]);

  useTopics(['mempool'], (m) => {
    if (m.type === 'tx') setLive((rows) => [{ tx: m.tx, where: 'mempool' as const }, ...rows.filter((r) => r.tx.id !== m.tx.id)].slice(0, MAX));
    if (m.type === 'tx-removed') mempool.reload();
  });

  return (
    <Card title="Latest transactions" actions={<Link to="/explorer/mempool" className="text-xs text-sky-300 hover:underline">Mempool →</Link>}>
      {live.length === 0 ? (
        <p className="py-4 text-sm text-slate-500">No transactions yet.</p>
      ) : (
        <ul className="divide-y divide-slate-800" data-testid="latest-txs">
          {live.map(({ tx, where }) => (
            <li key={tx.id} className="flex items-center justify-between gap-3 py-2 text-sm">
              <div className="min-w-0">
                <TxLink id={tx.id} />
                <div className="text-xs text-slate-500">{tx.type === 'coinbase' ? 'coinbase' : 'transfer'}</div>
              </div>
              <div className="shrink-0 text-right text-xs">
                <Amount units={tx.amount} />
                <div className={where === 'mempool' ? 'text-amber-300' : 'text-emerald-400'}>{where === 'mempool' ? 'pending' : `block #${where}`}</div>
              </div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
