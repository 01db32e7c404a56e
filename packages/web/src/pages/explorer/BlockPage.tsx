import { memo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Card, KeyValue, PageTitle } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { Amount } from '../../components/Amount';
import { AddressLink, BlockLink } from '../../components/Links';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { Pager } from '../../components/Pager';
import { SearchBox } from '../../components/SearchBox';
import { TxTable } from '../../components/TxTable';
import { useApi } from '../../hooks/useApi';
import { formatBytes, formatDifficulty } from '../../lib/format';
import type { BlockDetail, BlockStats, TxJson } from '../../lib/types';
import { useBlockPlace } from './useBlockPlace';

/** The figures mempool.space and Etherscan head a block with. */
function Summary({ s }: { s: BlockStats }) {
  const unknown = <span className="text-slate-500">unknown off the main chain</span>;
  return (
    <Card title="Summary">
      <KeyValue
        rows={[
          ['Miner', <AddressLink address={s.miner} full />],
          ['Reward', <span data-testid="block-reward"><Amount units={s.reward} /> (subsidy <Amount units={s.subsidy} />)</span>],
          ['Fees', s.fees === null ? unknown : <span data-testid="block-fees"><Amount units={s.fees} /></span>],
          ['Fee rate (transfers)', s.feeRate ? `${s.feeRate.min} – ${s.feeRate.max} units/B, median ${s.feeRate.median}` : '—'],
          ['Gas used (contracts)', s.gasUsed === null ? unknown : s.gasUsed.toLocaleString()],
          ['Size', <span data-testid="block-size">{s.size < 1024 ? `${s.size} bytes` : `${formatBytes(s.size)} (${s.size.toLocaleString()} bytes)`}</span>],
        ]}
      />
    </Card>
  );
}

/** Rows of a block's transaction table at once: a block may hold 10,000, and rendering them all held the page for seconds. */
const TXS_PER_PAGE = 100;

// Memo: a new block re-renders the page for its confirmations, and the transactions are the same array.
const BlockTxs = memo(function BlockTxs({ txs }: { txs: TxJson[] }) {
  const [page, setPage] = useState(1);
  return (
    <Card title={`Transactions (${txs.length})`}>
      <TxTable txs={txs.slice((page - 1) * TXS_PER_PAGE, page * TXS_PER_PAGE)} testId="block-txs" />
      {txs.length > TXS_PER_PAGE && <Pager page={page} hasNext={page * TXS_PER_PAGE < txs.length} onPage={setPage} label="Transaction pages" order={['Previous', 'Next']} />}
    </Card>
  );
});

const NAV = 'rounded-lg border border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-800';

/** A block as fetched once (its transactions never change); only what a new block changes is read again (useBlockPlace). */
export default function BlockPage() {
  const { id = '' } = useParams();
  const res = useApi<BlockDetail>(`/api/blocks/${encodeURIComponent(id)}`);
  const b = res.data;
  const place = useBlockPlace(b);
  return (
    <div className="space-y-4">
      <SearchBox />
      {res.error !== undefined && !b && <ApiErrorNotice error={res.error} feature="Block" />}
      {!b || !place ? (
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
            {place.nextHash ? (
              <Link className={NAV} to={`/explorer/block/${place.nextHash}`} rel="next">
                #{b.height + 1} →
              </Link>
            ) : (
              <span className="px-3 py-1.5 text-sm text-slate-500">chain tip</span>
            )}
          </nav>
          <Summary s={b.stats} />
          <Card title="Header">
            <KeyValue
              rows={[
                ['Hash', <span className="font-mono">{b.hash}</span>],
                ['Confirmations', place.confirmations === null ? 'not on the main chain' : <span data-testid="block-confirmations">{place.confirmations}</span>],
                ['Time', `${new Date(b.time * 1000).toLocaleString()} (${b.time})`],
                ['Previous', b.height > 0 ? <BlockLink id={b.previousHash} label={b.previousHash} /> : '— (genesis)'],
                ['Next', place.nextHash ? <BlockLink id={place.nextHash} label={place.nextHash} /> : '—'],
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
          <BlockTxs key={b.hash} txs={b.transactions} />
        </>
      )}
    </div>
  );
}
