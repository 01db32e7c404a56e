import { useMemo } from 'react';
import { Card, PageTitle, Stat } from '../../components/Card';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { TxTable } from '../../components/TxTable';
import { useApi } from '../../hooks/useApi';
import { formatBytes } from '../../lib/format';
import type { MempoolInfo } from '../../lib/types';
import { feeHistogram } from './fee-histogram';
import { FeeHistogram } from './FeeHistogram';

export default function MempoolPage() {
  const res = useApi<MempoolInfo>('/api/mempool?limit=100', { refreshOn: ['mempool', 'blocks'], throttleMs: 1000 });
  const m = res.data;
  const hist = useMemo(() => (m ? feeHistogram(m.transactions.map((t) => ({ feeRate: t.feeRate, size: t.size, contract: (t.data ?? '').length > 0 }))) : null), [m]);
  return (
    <div className="space-y-4">
      <PageTitle sub="Unconfirmed transactions, highest fee rate first (what a miner picks next).">Mempool</PageTitle>
      {res.error !== undefined && !m && <ApiErrorNotice error={res.error} feature="Mempool" />}
      {!m ? (
        res.error === undefined && <Loading />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3">
            <Stat label="Transactions" value={m.size} testId="mempool-size" />
            <Stat label="Size" value={formatBytes(m.bytes)} />
          </div>
          {hist && m.transactions.length > 0 && (
            <Card title="Fee rates waiting">
              <FeeHistogram h={hist} />
              <p className="mt-2 text-xs text-slate-400">
                Plain transfers by what they offer per byte{m.size > m.transactions.length ? ` (the top ${m.transactions.length} of ${m.size})` : ''}.
                {hist.contractTxs > 0 && ` ${hist.contractTxs} contract transaction${hist.contractTxs === 1 ? '' : 's'} (${formatBytes(hist.contractBytes)}) are priced per gas and not shown.`}
              </p>
            </Card>
          )}
          <Card title="By fee rate">
            <TxTable txs={m.transactions} show={{ feeRate: true }} empty="The mempool is empty." testId="mempool-table" />
            {m.size > m.transactions.length && <p className="mt-2 text-xs text-slate-400">Showing the top {m.transactions.length} of {m.size}.</p>}
          </Card>
        </>
      )}
    </div>
  );
}
