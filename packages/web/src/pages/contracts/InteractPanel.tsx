import { useState } from 'react';
import { UntrustworthyNode } from '@hackcoin/core';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useApi } from '../../hooks/useApi';
import { ApiError, errorText } from '../../lib/api';
import { useNodeInfo } from '../../state/node-info';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { exportedFunctions, looksReadOnly } from '../../lib/abi';
import { contractKind } from '../../lib/contract-kind';
import { showReturn } from '../../lib/contract-amounts';
import type { AmountUnit } from '../../lib/amount';
import { estimateCall, execute, readOnlyCall, resolveGas, suggestedGasPrice, type SentTx } from './contract-tx';
import { useMinGasPrice } from './useGasForm';
import { FunctionForm, type RunResult } from './FunctionForm';
import type { LogEntry } from './ide-log';
import { DEFAULT_GAS, GasFields, readGas } from './GasFields';
import { SenderSelect } from './SenderSelect';
import { StoragePanel } from './StoragePanel';
import { useContractReview } from './useContractReview';
import type { ContractDetail, TxDetail } from '../../lib/types';

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function InteractPanel({
  source,
  address,
  deployTx,
  onAddress,
  onSent,
  onLog,
  unit,
}: {
  source: string;
  address: string;
  deployTx?: string | undefined;
  onAddress: (a: string) => void;
  onSent: (s: SentTx) => void;
  onLog: (e: Omit<LogEntry, 'seq' | 'at'>) => void;
  unit: AmountUnit;
}) {
  const { wallet } = useWallet();
  const { data: node } = useNodeInfo();
  const toast = useToast();
  const contract = address.trim();
  const valid = ADDRESS.test(contract);
  // A contract this page just deployed is asked about only once its deploy succeeded (before, the node answers 404).
  const deploy = useApi<TxDetail>(valid && deployTx ? `/api/tx/${deployTx}` : null, { refreshOn: ['blocks'] });
  const deployed = !deployTx || deploy.data?.receipt?.status === 'success';
  // Storage, balance, code and events; refreshed with every block.
  const detail = useApi<ContractDetail>(valid && deployed ? `/api/contracts/${contract}` : null, { refreshOn: ['blocks'] });
  const [gas, setGas] = useState(DEFAULT_GAS);
  const [from, setFrom] = useState('');
  const { review, dialog } = useContractReview();
  const sender = from || wallet?.list()[0]?.address || '';
  // The deployed code once the contract exists, else the editor's source (e.g. right after sending the deploy).
  const code = detail.data?.code ?? source;
  const fns = exportedFunctions(code).filter((f) => f.name !== 'init');
  const missing = detail.error instanceof ApiError && detail.error.status === 404;
  // The fields serve every function: shown for the barest call, whose payload pays the least intrinsic gas, so
  // where the declared gas outweighs the bytes (where the gas limit matters) no function asks more; signing holds
  // each call to its own minimum.
  const minGasPrice = useMinGasPrice(gas, valid ? { type: 'call', contract, fn: 'f', args: [] } : undefined);
  const kind = contractKind(code);
  const target = `${kind} ${contract}`;

  const run = async (what: 'call' | 'estimate' | 'send', name: string, args: unknown[]): Promise<RunResult | undefined> => {
    const shown = `${name}(${args.map((a) => JSON.stringify(a)).join(', ')})`;
    const done = (ok: boolean, text: string, txId?: string): RunResult => {
      onLog({ kind: what, ok, target, text, ...(txId ? { txId } : {}) });
      return { ok, text };
    };
    try {
      if (what === 'call') {
        const r = await readOnlyCall(contract, name, args, sender || undefined);
        return r.status === 'success'
          ? done(true, `${shown} → ${showReturn(kind, name, r.returnValue, unit)}  [gas ${r.gasUsed}]`)
          : done(false, `${shown} ${r.status}${r.revertReason ? `: ${r.revertReason}` : ''}  [gas ${r.gasUsed}]`);
      }
      const g = readGas(gas);
      if ('error' in g) throw new Error(g.error);
      if (!node) throw new Error('Waiting for the node');
      if (!sender) throw new Error('Unlock your wallet first');
      const est = (price: bigint) => estimateCall(sender, contract, name, args, g.value, price);
      if (what === 'estimate') {
        const price = g.gasPrice ?? (await suggestedGasPrice());
        const r = await est(price);
        return done(
          r.status === 'success',
          `${shown} estimate: ${r.status}${r.revertReason ? ` (${r.revertReason})` : ''} · gas ${r.gasUsed} (intrinsic ${r.intrinsicGas}) · suggested limit ${r.suggestedGasLimit} × ${price}`,
        );
      }
      if (!wallet) throw new Error('Unlock your wallet first');
      const r = await resolveGas(node.network, { type: 'call', contract, fn: name, args }, g, est);
      if (!(await review({ from: sender, contract, call: shown, gas: r }))) return { ok: false, text: `${shown} cancelled at the review: nothing was signed or sent` };
      const res = await execute(wallet, node.network, sender, { contract, fn: name, args, ...r });
      toast.success(`${name} sent as transaction ${res.id.slice(0, 16)}…`);
      onSent({ id: res.id, label: shown, contract, kind, fn: name });
      return done(true, `${shown} → transaction ${res.id} (gas limit ${r.gasLimit} × ${r.gasPrice}); its receipt appears under Receipts once mined`, res.id);
    } catch (err) {
      // Verifying the nonce to sign with failed: the node is named, not just the call.
      const why = err instanceof UntrustworthyNode ? `this node is untrustworthy: ${err.message}; nothing was signed` : errorText(err);
      toast.error(err instanceof UntrustworthyNode ? new Error(why) : err, what === 'send' ? `${name} was not sent` : `${name} failed`);
      return done(false, `${shown} failed: ${why}`);
    }
  };

  return (
    <div className="space-y-4">
      {dialog}
      <Card title="Interact">
        <TextField label="Contract address" value={address} onChange={(e) => onAddress(e.target.value)} placeholder="0x…" spellCheck={false} className="font-mono" error={contract && !valid ? 'A 0x address of 40 hex digits' : undefined} />
        {valid && !deployed && (
          <div className="mt-2">
            <Notice tone="info">{deploy.data?.receipt ? `The deploy ${deploy.data.receipt.status === 'out-of-gas' ? 'ran out of gas' : 'reverted'}: there is no contract here.` : 'Deploy sent: the contract appears once its block is mined.'}</Notice>
          </div>
        )}
        {valid && missing && (
          <div className="mt-2">
            <Notice tone="info">No contract at this address yet: a deploy shows up once its block is mined.</Notice>
          </div>
        )}
        {valid && detail.error !== undefined && !missing && <p className="mt-2 text-xs text-rose-300">{errorText(detail.error)}</p>}
        <div className="mt-3 space-y-3">
          <SenderSelect wallet={wallet} value={sender} onChange={setFrom} />
          <GasFields gas={gas} onChange={setGas} idPrefix="exec" minGasPrice={minGasPrice} />
          <div className="space-y-2">
            {fns.map((f) => (
              <FunctionForm key={`${code.length}-${f.name}`} fn={f} readOnly={looksReadOnly(f, code)} canSend={!!wallet && valid} canEstimate={!!sender && valid} onRun={(w, a) => run(w, f.name, a)} />
            ))}
          </div>
        </div>
      </Card>
      {detail.data && <StoragePanel contract={detail.data} unit={unit} />}
    </div>
  );
}
