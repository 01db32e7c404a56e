import { useMemo, useState } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { formatHckAmount } from '../../lib/amount';
import { errorText } from '../../lib/api';
import { useNodeInfo } from '../../state/node-info';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { defaultArgs, exportedFunctions, parseArg } from '../../lib/abi';
import { ArgsFields } from './ArgsFields';
import { deploy, estimateDeploy, gasQuote, minGasPriceFor, resolveGas, type SentTx } from './contract-tx';
import { GasFields, readGas } from './GasFields';
import { useGasForm, useMinGasPrice } from './useGasForm';
import type { LogEntry } from './ide-log';
import type { GasEstimate } from '../../lib/types';
import { SenderSelect } from './SenderSelect';
import { contractKind } from '../../lib/contract-kind';
import { visibleText } from '../../lib/visible-text';
import { useContractReview } from './useContractReview';

export function DeployPanel({
  source,
  initArgs,
  initHint,
  onDeployed,
  onLog,
}: {
  source: string;
  initArgs: string;
  initHint?: string;
  onDeployed: (address: string, sent: SentTx) => void;
  onLog: (e: Omit<LogEntry, 'seq' | 'at'>) => void;
}) {
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
  const { gas, ask, isLatest, fill, fieldProps } = useGasForm('deploy');
  const [from, setFrom] = useState('');
  const [busy, setBusy] = useState<'deploy' | 'estimate' | null>(null);
  const { review, dialog } = useContractReview();
  const sender = from || wallet?.list()[0]?.address || '';
  // An estimate answers for the code, init arguments, sender and value it was asked with: shown
  // only while they still are those, so it is never read as the cost of what is now in the editor.
  const inputs = JSON.stringify([source, args, sender, gas.value]);
  const [answered, setAnswered] = useState<{ inputs: string; estimate: GasEstimate } | null>(null);
  const estimate = answered?.inputs === inputs ? answered.estimate : null;
  const minGasPrice = useMinGasPrice(gas, { type: 'deploy', code: source, init: params.map((_, i) => parseArg(args[i] ?? '')) });

  const run = async (what: 'deploy' | 'estimate') => {
    const g = readGas(gas);
    if ('error' in g) return toast.error(new Error(g.error));
    const init = params.map((_, i) => parseArg(args[i] ?? ''));
    setBusy(what);
    const shown = `init(${init.map((a) => JSON.stringify(a)).join(', ')})`;
    const target = contractKind(source);
    try {
      if (!node) throw new Error('Waiting for the node');
      if (!sender) throw new Error('Unlock your wallet first: the estimate runs as its address');
      const est = (price: bigint) => estimateDeploy(sender, source, init, g.value, price);
      const action = { type: 'deploy', code: source, init } as const;
      if (what === 'estimate') {
        const ticket = ask();
        setAnswered(null);
        const quote = g.gasPrice === undefined ? await gasQuote() : undefined;
        const asked = g.gasPrice ?? quote!.normal;
        const r = await est(asked);
        // A price filled in is at least the node's minimum at the limit filled with it, as signing would raise it.
        const floor = quote && r.status === 'success' ? minGasPriceFor(node.network, action, r.suggestedGasLimit, g.value, quote.minFeeRate) : undefined;
        const price = floor !== undefined && floor > asked ? floor : asked;
        if (isLatest(ticket)) setAnswered({ inputs, estimate: r });
        onLog({ kind: 'estimate', ok: r.status === 'success', target, text: `deploy ${shown}: ${r.status}${r.revertReason ? ` (${r.revertReason})` : ''} · gas ${r.gasUsed} · suggested limit ${r.suggestedGasLimit} × ${price}` });
        if (r.status === 'success') fill(ticket, { gasLimit: String(r.suggestedGasLimit), gasPrice: price.toString() });
      } else {
        if (!wallet) throw new Error('Unlock your wallet first');
        const r = await resolveGas(node.network, action, g, est);
        if (!(await review({ from: sender, call: shown, code: source, gas: r }))) return;
        const res = await deploy(wallet, node.network, sender, { code: source, init, ...r });
        toast.success(`Deploy transaction ${res.id.slice(0, 16)}… sent · contract ${res.contractAddress}`);
        onDeployed(res.contractAddress, { id: res.id, label: 'deploy', contract: res.contractAddress, kind: target, fn: 'init' });
        onLog({ kind: 'deploy', ok: true, target, text: `deploy ${shown} → contract ${res.contractAddress} (gas limit ${r.gasLimit} × ${r.gasPrice})`, txId: res.id });
      }
    } catch (e) {
      onLog({ kind: what, ok: false, target, text: `deploy ${shown} failed: ${errorText(e)}` });
      toast.error(e, what === 'deploy' ? 'Deploy failed' : 'Gas estimate failed');
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card title="Deploy">
      {dialog}
      <div className="space-y-3">
        <SenderSelect wallet={wallet} value={sender} onChange={setFrom} />
        <div>
          <h3 className="mb-1 text-sm font-medium text-slate-300">init({visibleText(params.join(', '))})</h3>
          {init ? <ArgsFields fn="init" params={params} values={args} onChange={setArgs} /> : <p className="text-xs text-slate-500">No init function: nothing runs at deploy.</p>}
          {init && initHint && (
            <p className="mt-1 text-xs text-slate-400" data-testid="init-hint">
              Defaults: {initHint}
            </p>
          )}
        </div>
        <GasFields {...fieldProps} minGasPrice={minGasPrice} />
        {estimate && (
          <p className="text-xs break-words text-slate-300" data-testid="deploy-estimate">
            {estimate.status === 'success' ? 'Estimate' : <span className="text-rose-300">Would {estimate.status === 'reverted' ? 'revert' : 'run out of gas'}{estimate.revertReason ? `: ${visibleText(estimate.revertReason)}` : ''}</span>}
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
