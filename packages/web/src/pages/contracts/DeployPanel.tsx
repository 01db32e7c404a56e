import { useMemo, useState } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { useNodeInfo } from '../../state/node-info';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { defaultArgs, exportedFunctions, parseArg } from './abi';
import { ArgsFields } from './ArgsFields';
import { deploy, estimateGas } from './contract-tx';
import { DEFAULT_GAS, GasFields, readGas } from './GasFields';
import { SenderSelect } from './SenderSelect';

export function DeployPanel({ source, initArgs, onDeployed }: { source: string; initArgs: string; onDeployed: (address: string) => void }) {
  const { wallet } = useWallet();
  const { data: node } = useNodeInfo();
  const toast = useToast();
  const init = useMemo(() => exportedFunctions(source).find((f) => f.name === 'init'), [source]);
  const params = init?.params ?? [];
  const [args, setArgs] = useState<string[]>(() => defaultArgs(initArgs, params.length));
  const [argsKey, setArgsKey] = useState(initArgs + params.join());
  if (argsKey !== initArgs + params.join()) {
    setArgsKey(initArgs + params.join());
    setArgs(defaultArgs(initArgs, params.length));
  }
  const [gas, setGas] = useState(DEFAULT_GAS);
  const [from, setFrom] = useState('');
  const [busy, setBusy] = useState<'deploy' | 'estimate' | null>(null);
  const sender = from || wallet?.list()[0]?.address || '';

  const run = async (what: 'deploy' | 'estimate') => {
    const g = readGas(gas);
    if ('error' in g) return toast.error(new Error(g.error));
    const initData = params.map((_, i) => parseArg(args[i] ?? ''));
    setBusy(what);
    try {
      if (what === 'estimate') {
        const r = await estimateGas({ contractCode: source, initData, from: sender || undefined, value: g.value.toString() });
        const n = r.gasUsed ?? r.gas ?? r.gasEstimate;
        toast.info(`Estimated gas: ${n ?? JSON.stringify(r)}`);
        if (typeof n === 'number') setGas({ ...gas, gasLimit: String(Math.ceil(n * 1.2)) });
      } else {
        if (!wallet || !node) throw new Error('Unlock your wallet first');
        const r = await deploy(wallet, node.network, sender, { code: source, initData, ...g });
        toast.success(`Deploy transaction ${r.id.slice(0, 16)}… sent${r.contractAddress ? ` · contract ${r.contractAddress}` : ''}`);
        if (r.contractAddress) onDeployed(r.contractAddress);
      }
    } catch (e) {
      toast.error(e, what === 'deploy' ? 'Deploy failed' : 'Gas estimate failed');
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title="Deploy">
      <div className="space-y-3">
        <SenderSelect wallet={wallet} value={sender} onChange={setFrom} />
        <div>
          <h3 className="mb-1 text-sm font-medium text-slate-300">init({params.join(', ')})</h3>
          {init ? <ArgsFields fn="init" params={params} values={args} onChange={setArgs} /> : <p className="text-xs text-slate-500">No init function: nothing runs at deploy.</p>}
        </div>
        <GasFields gas={gas} onChange={setGas} idPrefix="deploy" />
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" busy={busy === 'estimate'} onClick={() => run('estimate')}>
            Estimate gas
          </Button>
          <Button busy={busy === 'deploy'} disabled={!wallet} onClick={() => run('deploy')}>
            Sign and deploy
          </Button>
        </div>
      </div>
    </Card>
  );
}
