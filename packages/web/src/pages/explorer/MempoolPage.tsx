import { Card, PageTitle, Stat } from '../../components/Card';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { TxTable } from '../../components/TxTable';
import { useApi } from '../../hooks/useApi';
import { formatBytes } from '../../lib/format';
import type { MempoolInfo } from '../../lib/types';

export default function MempoolPage() {
  const res = useApi<MempoolInfo>('/api/mempool?limit=100', { refreshOn: ['mempool', 'blocks'], throttleMs: 1000 });
  const m = res.data;
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
          <Card title="By fee rate">
            <TxTable txs={m.transactions} show={{ feeRate: true }} empty="The mempool is empty." testId="mempool-table" />
            {m.size > m.transactions.length && <p className="mt-2 text-xs text-slate-400">Showing the top {m.transactions.length} of {m.size}.</p>}
          </Card>
        </>
      )}
    </div>
  );
}
