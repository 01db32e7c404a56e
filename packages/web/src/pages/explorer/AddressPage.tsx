import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Amount } from '../../components/Amount';
import { Card, PageTitle, Stat } from '../../components/Card';
import { TokenBalances } from '../../components/TokenBalances';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { Pager } from '../../components/Pager';
import { SearchBox } from '../../components/SearchBox';
import { TxTable } from '../../components/TxTable';
import { CopyButton } from '../../components/CopyButton';
import { useApi } from '../../hooks/useApi';
import type { Topic } from '../../lib/realtime';
import type { AddressInfoJson } from '../../lib/types';

const LIMIT = 20;

export default function AddressPage() {
  const { address = '' } = useParams();
  // The `next` cursors of the pages shown so far: an older page starts at its predecessor's cursor, which
  // the node seeks to, so deep pages cost it what the first does (page numbers stop at 10,000 rows).
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => setCursors((c) => (c.length === 0 ? c : [])), [address]);
  const page = cursors.length + 1;
  const before = cursors[cursors.length - 1];
  const topics: Topic[] = ['blocks', `address:${address}`];
  const query = before === undefined ? '' : `&before=${encodeURIComponent(before)}`;
  const res = useApi<AddressInfoJson>(`/api/address/${encodeURIComponent(address)}?limit=${LIMIT}${query}`, { refreshOn: topics });
  const a = res.data;
  return (
    <div className="space-y-4">
      <SearchBox />
      {res.error !== undefined && !a && <ApiErrorNotice error={res.error} feature="Address" />}
      {!a ? (
        res.error === undefined && <Loading />
      ) : (
        <>
          <PageTitle sub={<><span className="font-mono break-all" data-testid="address-text">{a.address}</span><CopyButton text={a.address} label="Copy address" /></>}>Address</PageTitle>
          <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
            <Stat label="Balance (confirmed)" value={<Amount units={a.balance} />} testId="address-balance" />
            <Stat label="Including pending" value={<Amount units={a.pendingBalance} />} />
            <Stat label="Nonce" value={a.nonce} hint={`next: ${a.nextNonce}`} />
          </div>
          <TokenBalances address={a.address} />
          {a.pending.length > 0 && (
            <Card title={a.pendingCount !== undefined && a.pendingCount > a.pending.length ? `Pending (${a.pendingCount}, ${a.pending.length} shown)` : `Pending (${a.pending.length})`}>
              <TxTable txs={a.pending} show={{ direction: true, confirmations: true }} />
            </Card>
          )}
          <Card title="History">
            <TxTable txs={a.history} show={{ direction: true, block: true, confirmations: true }} empty="No confirmed transactions on this page." testId="address-history" />
            <Pager
              page={page}
              hasNext={typeof a.next === 'string'}
              onPage={(p) => setCursors((c) => (p > page && typeof a.next === 'string' ? [...c, a.next] : c.slice(0, p - 1)))}
              label="History pages"
            />
          </Card>
        </>
      )}
    </div>
  );
}
