import { Link, useParams } from 'react-router-dom';
import { Card, KeyValue, PageTitle } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { BlockLink } from '../../components/Links';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { SearchBox } from '../../components/SearchBox';
import { TxTable } from '../../components/TxTable';
import { useApi } from '../../hooks/useApi';
import { formatDifficulty } from '../../lib/format';
import type { BlockDetail } from '../../lib/types';

const NAV = 'rounded-lg border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800';

export default function BlockPage() {
  const { id = '' } = useParams();
  const res = useApi<BlockDetail>(`/api/blocks/${encodeURIComponent(id)}`, { refreshOn: ['blocks'] });
  const b = res.data;
  return (
    <div className="space-y-4">
      <SearchBox />
      {res.error !== undefined && !b && <ApiErrorNotice error={res.error} feature="Block" />}
      {!b ? (
        res.error === undefined && <Loading />
      ) : (
        <>
          <PageTitle sub={<><span className="font-mono break-all">{b.hash}</span><CopyButton text={b.hash} label="Copy block hash" /></>}>
            Block <span data-testid="block-height">#{b.height}</span>
          </PageTitle>
          <nav aria-label="Adjacent blocks" className="flex justify-between gap-2">
            {b.height > 0 ? (
              <Link className={NAV} to={`/explorer/block/${b.previousHash}`} rel="prev">
                ← #{b.height - 1}
              </Link>
            ) : (
              <span />
            )}
            {b.nextHash ? (
              <Link className={NAV} to={`/explorer/block/${b.nextHash}`} rel="next">
                #{b.height + 1} →
              </Link>
            ) : (
              <span className="px-3 py-1.5 text-sm text-slate-500">chain tip</span>
            )}
          </nav>
          <Card title="Header">
            <KeyValue
              rows={[
                ['Hash', <span className="font-mono">{b.hash}</span>],
                ['Confirmations', b.confirmations === null ? 'not on the main chain' : <span data-testid="block-confirmations">{b.confirmations}</span>],
                ['Time', `${new Date(b.time * 1000).toLocaleString()} (${b.time})`],
                ['Previous', b.height > 0 ? <BlockLink id={b.previousHash} label={b.previousHash} /> : '— (genesis)'],
                ['Next', b.nextHash ? <BlockLink id={b.nextHash} label={b.nextHash} /> : '—'],
                ['Merkle root', <span className="font-mono">{b.merkleRoot}</span>],
                ['State root', <span className="font-mono">{b.stateRoot}</span>],
                ['Bits / difficulty', `${b.bits} · ${formatDifficulty(b.difficulty)}`],
                ['Nonce', b.nonce],
                ['Version', b.version],
                ['Chain work', <span className="font-mono">0x{b.chainWork}</span>],
                ['Transactions', b.txCount],
              ]}
            />
          </Card>
          <Card title={`Transactions (${b.transactions.length})`}>
            <TxTable txs={b.transactions} testId="block-txs" />
          </Card>
        </>
      )}
    </div>
  );
}
