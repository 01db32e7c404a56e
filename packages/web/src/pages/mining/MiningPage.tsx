import { lazy, Suspense, useState } from 'react';
import { Card, PageTitle, Stat } from '../../components/Card';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { TokenForm } from '../../components/TokenForm';
import { AddressLink } from '../../components/Links';
import { Button } from '../../components/Button';
import { useApi } from '../../hooks/useApi';
import { useToken } from '../../hooks/useToken';
import { formatDifficulty, formatHashrate } from '../../lib/format';
import type { MiningStatus } from '../../lib/types';
import { useTopics } from '../../state/realtime';
import { MiningControls } from './MiningControls';

const LineChart = lazy(() => import('../../components/charts/LineChart').then((m) => ({ default: m.LineChart })));

interface Sample {
  x: number;
  y: number;
}

const MAX_SAMPLES = 90;

export default function MiningPage() {
  const [token] = useToken();
  const res = useApi<MiningStatus>('/api/mining/status');
  const [live, setLive] = useState<MiningStatus | null>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  useTopics(['mining'], (m) => {
    if (m.type !== 'mining') return;
    const s = m.status as MiningStatus;
    setLive(s);
    setSamples((old) => [...old, { x: Date.now(), y: s.hashrate }].slice(-MAX_SAMPLES));
  });
  const status = live && res.data && live.blocksFound >= res.data.blocksFound ? live : (res.data ?? live);
  const onChange = (s: MiningStatus) => {
    setLive(s);
    res.reload();
  };
  const clock = (x: number) => new Date(x).toLocaleTimeString();
  return (
    <div className="space-y-4">
      <PageTitle sub="Mine blocks on this node's CPU miner. Rewards go to the address you choose.">Mining</PageTitle>
      {res.error !== undefined && !status && <ApiErrorNotice error={res.error} feature="Mining" />}
      {!status ? (
        res.error === undefined && <Loading />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            <Stat label="Miner" testId="mining-state" value={<span className={status.running ? 'text-emerald-400' : 'text-slate-300'}>{status.running ? 'Running' : 'Stopped'}</span>} hint={`${status.threads} thread${status.threads === 1 ? '' : 's'}`} />
            <Stat label="Hash rate" value={formatHashrate(status.hashrate)} />
            <Stat label="Blocks found" testId="blocks-found" value={status.blocksFound} hint="since the node started" />
            <Stat label="Height" value={status.height} />
            <Stat label="Next difficulty" value={formatDifficulty(status.difficulty)} hint={`bits ${status.target}`} />
          </div>
          {status.address && (
            <p className="text-sm break-all text-slate-300">
              Paying to <AddressLink address={status.address} full />
              {status.templateAgeMs !== null && ` · template ${Math.round(status.templateAgeMs / 1000)}s old with ${status.templateTxs} tx`}
            </p>
          )}
          {token ? <MiningControls status={status} onChange={onChange} /> : <TokenForm purpose="Starting and stopping the miner" />}
          <Card title="Hash rate (live)">
            <Suspense fallback={<Loading label="Loading chart…" />}>
              <LineChart title="Hashes per second" points={samples} formatY={formatHashrate} formatX={clock} color="#34d399" />
            </Suspense>
            <p className="mt-2 text-xs text-slate-500">Sampled every 2 s from the node's mining topic while this page is open.</p>
          </Card>
          <Card title="Pool">
            <p className="text-sm text-slate-400">This node does not serve a mining pool.</p>
          </Card>
        </>
      )}
      {token && (
        <ForgetToken />
      )}
    </div>
  );
}

function ForgetToken() {
  const [, setToken] = useToken();
  return (
    <Button variant="ghost" onClick={() => setToken(null)} className="text-xs">
      Forget the stored node token
    </Button>
  );
}
