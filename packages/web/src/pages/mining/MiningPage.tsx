import { lazy, Suspense, useState } from 'react';
import { Card, PageTitle, Stat } from '../../components/Card';
import { ApiErrorNotice, Loading } from '../../components/Notice';
import { TokenForm } from '../../components/TokenForm';
import { AddressLink } from '../../components/Links';
import { Button } from '../../components/Button';
import { useApi } from '../../hooks/useApi';
import { useToken } from '../../hooks/useToken';
import { formatDifficulty, formatDuration, formatHashrate } from '../../lib/format';
import type { MiningStatus } from '../../lib/types';
import { useTopics } from '../../state/realtime';
import { describeIntensity } from './intensity';
import { expectedSeconds } from './expected';
import { MiningControls } from './MiningControls';
import { PoolCard } from './PoolCard';
import { GenerateCard } from './GenerateCard';
import { useNodeInfo } from '../../state/node-info';
import { ThreadRates } from './ThreadRates';

const LineChart = lazy(() => import('../../components/charts/LineChart').then((m) => ({ default: m.LineChart })));

interface Sample {
  x: number;
  y: number;
}

const MAX_SAMPLES = 90;

export default function MiningPage() {
  const [token] = useToken();
  const { data: node } = useNodeInfo();
  const res = useApi<MiningStatus>('/api/mining/status');
  const [live, setLive] = useState<MiningStatus | null>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  useTopics(['mining'], (m) => {
    if (m.type !== 'mining') return;
    const s = m.status;
    setLive(s);
    setSamples((old) => [...old, { x: Date.now(), y: s.hashrate }].slice(-MAX_SAMPLES));
  });
  const status = live && res.data && live.blocksFound >= res.data.blocksFound ? live : (res.data ?? live);
  // From the next block's target and the measured rate, so it does not blank out between templates.
  const expected = status && status.hashrate > 0 ? expectedSeconds(status.target, status.hashrate) : null;
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
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
            <Stat
              label="Miner"
              testId="mining-state"
              value={<span className={status.running ? 'text-emerald-400' : 'text-slate-300'}>{status.running ? 'Running' : 'Stopped'}</span>}
              hint={<span data-testid="mining-tuning">{`${status.threads} thread${status.threads === 1 ? '' : 's'} · ${describeIntensity(status.intensity)}`}</span>}
            />
            <Stat label="Hash rate" testId="mining-hashrate" value={formatHashrate(status.hashrate)} hint={`${status.threadHashrates.length} thread${status.threadHashrates.length === 1 ? '' : 's'} hashing`} />
            <Stat label="Blocks found" testId="blocks-found" value={status.blocksFound} hint="since the node started" />
            <Stat
              label="Expected time to a block"
              testId="expected-time"
              value={expected === null ? '—' : expected < 1 ? '< 1s' : formatDuration(expected)}
              hint={
                <span data-testid="expected-time-hint">
                  {!status.running
                    ? 'start the miner to estimate'
                    : expected === null
                      ? 'measuring the hash rate…'
                      : expected < 1
                        ? `about ${Math.round(1 / expected).toLocaleString('en-US')} blocks a second at this hash rate`
                        : 'on average, at this hash rate and difficulty'}
                </span>
              }
            />
            <Stat label="Network hash rate" testId="network-hashrate" value={formatHashrate(status.networkHashrate)} hint="whole network, from recent blocks" />
            <Stat label="Height" value={status.height} />
            <Stat label="Next difficulty" value={formatDifficulty(status.difficulty)} hint={`bits ${status.target}`} />
            <Stat label="Hashing backend" testId="mining-backend" value={<span className="text-base break-all whitespace-normal sm:text-xl">{status.backend}</span>} hint="used by every mining thread" />
          </div>
          {status.running && status.hashrate > 0 && (
            <p className="text-xs text-slate-400" data-testid="rate-explainer">
              The local rate is counted by this node's mining threads. The network rate is the work of recent blocks divided by the time their timestamps span: timestamps count
              whole seconds and may not run far ahead of the clock, so while blocks come faster than one a second (regtest) it reads far below what is really hashed.
            </p>
          )}
          {status.address && (
            <p className="text-sm break-all text-slate-300">
              Paying to <AddressLink address={status.address} full />
              {status.templateAgeMs !== null && ` · template ${Math.round(status.templateAgeMs / 1000)}s old with ${status.templateTxs} tx`}
            </p>
          )}
          {status.pool && (
            <p className="text-sm break-all text-slate-300" data-testid="remote-pool">
              Mining for the pool <span className="font-mono">{status.pool.url}</span> as <span className="font-mono">{status.pool.worker}</span> · shares {status.pool.accepted} accepted, {status.pool.rejected} rejected
            </p>
          )}
          {token ? <MiningControls status={status} onChange={onChange} /> : <TokenForm purpose="Starting, stopping and tuning the miner" />}
          {token && node?.network === 'regtest' && <GenerateCard defaultAddress={status.address} />}
          <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
            <Card title="Hash rate (live)">
              <Suspense fallback={<Loading label="Loading chart…" />}>
                <LineChart title="Hashes per second" points={samples} formatY={formatHashrate} formatX={clock} color="#34d399" />
              </Suspense>
              <p className="mt-2 text-xs text-slate-500">Sampled every 2 s from the node's mining topic while this page is open.</p>
            </Card>
            <ThreadRates rates={status.threadHashrates} running={status.running} />
          </div>
          <PoolCard />
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
