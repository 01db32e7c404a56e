import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { Card, PageTitle, Stat } from '../../components/Card';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { SearchBox } from '../../components/SearchBox';
import { useApi } from '../../hooks/useApi';
import { formatBytes, formatDifficulty, formatHashrate } from '../../lib/format';
import type { BlocksPage, NetworkStatus } from '../../lib/types';
import { useNodeInfo } from '../../state/node-info';
import { LatestBlocks } from './LatestBlocks';
import { LatestTxs } from './LatestTxs';
import { hashRateFromBlocks } from './stats';

const Charts = lazy(() => import('./Charts'));

export default function DashboardPage() {
  const info = useNodeInfo();
  const recent = useApi<BlocksPage>('/api/blocks?limit=60', { refreshOn: ['blocks'] });
  const d = info.data;
  // Only asked of a node that runs peer-to-peer networking; others answer 503.
  const net = useApi<NetworkStatus>(d?.p2p ? '/api/network/status' : null, { refreshOn: ['network', 'blocks'], intervalMs: 10_000 });
  const blocks = recent.data?.blocks ?? [];
  const fromMonitor = net.data?.hashRate ? net.data.hashRate : null;
  const hashRate = fromMonitor ?? hashRateFromBlocks(blocks.slice(0, 20));
  return (
    <div className="space-y-6">
      <PageTitle sub={d ? `${d.name} ${d.version} · ${d.network} · chain id ${d.chainId}` : 'Connecting to the node…'}>Dashboard</PageTitle>
      {info.error !== undefined && !d ? <ApiErrorNotice error={info.error} feature="Node info" /> : null}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat label="Height" testId="stat-height" value={d ? d.height.toLocaleString('en-US') : '—'} hint={d ? <Link className="font-mono hover:underline" to={`/explorer/block/${d.bestHash}`}>{d.bestHash.slice(0, 16)}…</Link> : undefined} />
        <Stat label="Difficulty" value={formatDifficulty(d?.difficulty)} />
        <Stat label="Network hash rate" value={formatHashrate(hashRate)} hint={fromMonitor !== null ? 'from the network monitor' : 'estimated from the last 20 blocks'} />
        <Stat label="Peers" testId="stat-peers" value={net.data ? net.data.peers.total : '—'} hint={net.data ? `${net.data.peers.outbound} out · ${net.data.peers.inbound} in` : d && !d.p2p ? 'peer-to-peer is off on this node' : net.error !== undefined ? 'not available on this node yet' : ''} />
        <Stat label="Mempool" testId="stat-mempool" value={d ? `${d.mempool.size} tx` : '—'} hint={d ? formatBytes(d.mempool.bytes) : undefined} />
      </div>
      <SearchBox />
      <Card title="Recent blocks">
        <Suspense fallback={<Loading label="Loading charts…" />}>{blocks.length ? <Charts blocks={blocks} /> : <Loading />}</Suspense>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <LatestBlocks blocks={blocks.slice(0, 10)} loading={recent.loading && !recent.data} />
        <LatestTxs />
      </div>
    </div>
  );
}
