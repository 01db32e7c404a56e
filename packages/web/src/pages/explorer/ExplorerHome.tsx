import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, PageTitle } from '../../components/Card';
import { BlockLink } from '../../components/Links';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { Pager } from '../../components/Pager';
import { SearchBox } from '../../components/SearchBox';
import { useApi } from '../../hooks/useApi';
import { shortHash, timeAgo, formatDifficulty } from '../../lib/format';
import type { BlocksPage } from '../../lib/types';

const LIMIT = 20;

export default function ExplorerHome() {
  const [page, setPage] = useState(1);
  const res = useApi<BlocksPage>(`/api/blocks?page=${page}&limit=${LIMIT}`, { refreshOn: page === 1 ? ['blocks'] : [] });
  const data = res.data;
  return (
    <div className="space-y-4">
      <PageTitle sub="Search by block height, block hash, transaction id or address.">Explorer</PageTitle>
      <SearchBox autoFocus />
      <Card title="Blocks" actions={<Link to="/explorer/mempool" className="text-sm text-sky-300 hover:underline">Mempool by fee rate →</Link>}>
        {res.error !== undefined && !data ? <ApiErrorNotice error={res.error} feature="Blocks" /> : null}
        {!data ? (
          res.error === undefined && <Loading />
        ) : (
          <>
            <div className="table-wrap">
              <table className="w-full text-left text-sm sm:min-w-[32rem]" data-testid="blocks-table">
                <thead className="text-xs text-slate-400 uppercase">
                  <tr className="border-b border-slate-800">
                    <th scope="col" className="py-2 pr-3 font-medium">Height</th>
                    <th scope="col" className="hidden py-2 pr-3 font-medium sm:table-cell">Hash</th>
                    <th scope="col" className="py-2 pr-3 font-medium">Age</th>
                    <th scope="col" className="py-2 pr-3 text-right font-medium">Txs</th>
                    <th scope="col" className="py-2 text-right font-medium">Difficulty</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-800/70">
                  {data.blocks.map((b) => (
                    <tr key={b.hash}>
                      <td className="py-2 pr-3">
                        <BlockLink id={b.height} />
                      </td>
                      <td className="hidden py-2 pr-3 font-mono text-xs text-slate-300 sm:table-cell">
                        <Link to={`/explorer/block/${b.hash}`} className="hover:underline">
                          {shortHash(b.hash, 16, 8)}
                        </Link>
                      </td>
                      <td className="py-2 pr-3 text-slate-400">{timeAgo(b.time)}</td>
                      <td className="py-2 pr-3 text-right tabular-nums">{b.txCount}</td>
                      <td className="py-2 text-right tabular-nums">{formatDifficulty(b.difficulty)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} hasNext={page * LIMIT < data.total} onPage={setPage} label="Block pages" />
          </>
        )}
      </Card>
    </div>
  );
}
