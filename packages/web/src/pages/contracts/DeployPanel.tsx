import { useMemo, useState } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { formatHckAmount } from '../../lib/amount';
import { useNodeInfo } from '../../state/node-info';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { defaultArgs, exportedFunctions, parseArg } from './abi';
import { ArgsFields } from './ArgsFields';
import { deploy, estimateDeploy, resolveGas, suggestedGasPrice, type EstimateResult, type SentTx } from './contract-tx';
import { DEFAULT_GAS, GasFields, readGas } from './GasFields';
import { SenderSelect } from './SenderSelect';

export function DeployPanel({ source, initArgs, initHint, onDeployed }: { source: string; initArgs: string; initHint?: string; onDeployed: (address: string, sent: SentTx) => void }) {
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
  const [estimate, setEstimate] = useState<EstimateResult | null>(null);
  const sender = from || wallet?.list()[0]?.address || '';

  const run = async (what: 'deploy' | 'estimate') => {
    const g = readGas(gas);
    if ('error' in g) return toast.error(new Error(g.error));
    const init = params.map((_, i) => parseArg(args[i] ?? ''));
    setBusy(what);
    try {
      if (!node) throw new Error('Waiting for the node');
      if (!sender) throw new Error('Unlock your wallet first: the estimate runs as its address');
      const est = (price: bigint) => estimateDeploy(sender, source, init, g.value, price);
      if (what === 'estimate') {
        const price = g.gasPrice ?? (await suggestedGasPrice());
        const r = await est(price);
        setEstimate(r);
        if (r.status === 'success') setGas({ ...gas, gasLimit: String(r.suggestedGasLimit), gasPrice: price.toString() });
      } else {
        if (!wallet) throw new Error('Unlock your wallet first');
        const r = await resolveGas(g, est);
        const res = await deploy(wallet, node.network, sender, { code: source, init, ...r });
        toast.success(`Deploy transaction ${res.id.slice(0, 16)}… sent · contract ${res.contractAddress}`);
        onDeployed(res.contractAddress, { id: res.id, label: 'deploy', contract: res.contractAddress });
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
          {init && initHint && (
            <p className="mt-1 text-xs text-slate-400" data-testid="init-hint">
              Defaults: {initHint}
            </p>
          )}
        </div>
        <GasFields gas={gas} onChange={setGas} idPrefix="deploy" />
        {estimate && (
          <p className="text-xs break-words text-slate-300" data-testid="deploy-estimate">
            {estimate.status === 'success' ? 'Estimate' : <span className="text-rose-300">Would {estimate.status === 'reverted' ? 'revert' : 'run out of gas'}{estimate.revertReason ? `: ${estimate.revertReason}` : ''}</span>}
            {` · gas ${estimate.gasUsed.toLocaleString('en-US')} (intrinsic ${estimate.intrinsicGas.toLocaleString('en-US')}) · suggested limit ${estimate.suggestedGasLimit.toLocaleString('en-US')} · max fee ${formatHckAmount(BigInt(estimate.fee))} · address `}
            <span className="font-mono">{estimate.contractAddress}</span>
          </p>
        )}
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" busy={busy === 'estimate'} disabled={!sender} onClick={() => run('estimate')}>
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
