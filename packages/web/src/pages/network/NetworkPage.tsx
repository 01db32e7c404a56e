import { Card, KeyValue, PageTitle, Stat } from '../../components/Card';
import { ApiErrorNotice, Loading, Notice } from '../../components/Notice';
import { TokenForm } from '../../components/TokenForm';
import { useApi } from '../../hooks/useApi';
import { useToken } from '../../hooks/useToken';
import { formatDuration, formatHashrate, shortHash } from '../../lib/format';
import type { BansJson, NetworkStatus, PeersJson } from '../../lib/types';
import { BansTable } from './BansTable';
import { ConnectForm } from './ConnectForm';
import { PeersTable } from './PeersTable';
import { useNodeInfo } from '../../state/node-info';
import { SyncBar } from './SyncBar';

const LIVE = { refreshOn: ['network' as const], intervalMs: 5000 };

export default function NetworkPage() {
  const { data: node } = useNodeInfo();
  // A node without peer-to-peer networking answers 503 on every /api/network route: ask only one that has it.
  const p2p = node?.p2p ? '/api/network' : null;
  const [token] = useToken();
  const status = useApi<NetworkStatus>(p2p && `${p2p}/status`, { ...LIVE, refreshOn: ['network', 'blocks'] });
  const peers = useApi<PeersJson>(p2p && `${p2p}/peers`, LIVE);
  const bans = useApi<BansJson>(p2p && `${p2p}/bans`, LIVE);
  if (node && !node.p2p) {
    return (
      <div className="space-y-4">
        <PageTitle sub="Peers, sync progress and bans of this node's peer-to-peer network.">Network</PageTitle>
        <Notice title="Peer-to-peer networking is off on this node" testId="p2p-off">
          It was started with P2P=false, so it has no peers. Start it without that setting to join a network.
        </Notice>
      </div>
    );
  }
  const s = status.data;
  const reload = () => {
    status.reload();
    peers.reload();
    bans.reload();
  };
  return (
    <div className="space-y-4">
      <PageTitle sub="Peers, sync progress and bans of this node's peer-to-peer network.">Network</PageTitle>
      {status.error !== undefined && !s ? (
        <ApiErrorNotice error={status.error} feature="The network monitor" />
      ) : !s ? (
        <Loading />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Stat label="Peers" testId="peer-count" value={s.peers.total} hint={`${s.peers.outbound} outbound · ${s.peers.inbound} inbound`} />
            <Stat label="Height" value={s.height} hint={`best known ${s.bestKnownHeight}`} />
            <Stat label="Network hash rate" value={formatHashrate(s.hashRate)} />
            <Stat label="Last block" value={`${formatDuration(s.lastBlockAgeSeconds)} ago`} />
          </div>
          <Card title="Sync">
            <SyncBar sync={s.sync} />
          </Card>
          <Card title="This node">
            <KeyValue
              rows={[
                ['Peer id', <span className="font-mono" title={s.peerId}>{shortHash(s.peerId, 12, 8)}</span>],
                ['Listening on', s.addrs.length ? <ul className="space-y-0.5 font-mono text-xs">{s.addrs.map((a) => <li key={a}>{a}</li>)}</ul> : '—'],
                ['Address book', s.addressBook ?? '—'],
              ]}
            />
          </Card>
        </>
      )}
      {s && (
        <>
          <Card title={`Peers (${peers.data?.count ?? 0})`}>{peers.error !== undefined && !peers.data ? <ApiErrorNotice error={peers.error} feature="Peers" /> : <PeersTable peers={peers.data?.peers ?? []} canControl={!!token} onChange={reload} />}</Card>
          <Card title={`Bans (${bans.data?.count ?? 0})`}>{bans.error !== undefined && !bans.data ? <ApiErrorNotice error={bans.error} feature="Bans" /> : <BansTable bans={bans.data?.bans ?? []} canControl={!!token} onChange={reload} />}</Card>
        </>
      )}
      {token ? <ConnectForm onConnected={reload} /> : <TokenForm purpose="Connecting to peers and managing bans" />}
    </div>
  );
}
