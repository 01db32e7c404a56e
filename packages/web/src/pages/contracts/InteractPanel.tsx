import { useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { api } from '../../lib/api';
import { useNodeInfo } from '../../state/node-info';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { exportedFunctions, looksReadOnly } from './abi';
import { execute, readOnlyCall } from './contract-tx';
import { FunctionForm } from './FunctionForm';
import { DEFAULT_GAS, GasFields, readGas } from './GasFields';
import { SenderSelect } from './SenderSelect';
import { StoragePanel, type ContractDetail } from './StoragePanel';

export function InteractPanel({ source, address, onAddress }: { source: string; address: string; onAddress: (a: string) => void }) {
  const { wallet } = useWallet();
  const { data: node } = useNodeInfo();
  const toast = useToast();
  const [detail, setDetail] = useState<ContractDetail | null>(null);
  const [result, setResult] = useState<string>('');
  const [gas, setGas] = useState(DEFAULT_GAS);
  const [from, setFrom] = useState('');
  const sender = from || wallet?.list()[0]?.address || '';
  const code = detail?.source ?? source;
  const fns = exportedFunctions(code).filter((f) => f.name !== 'init');

  const load = async (e?: FormEvent) => {
    e?.preventDefault();
    try {
      setDetail(await api<ContractDetail>(`/api/contracts/${address.trim()}`));
    } catch (err) {
      setDetail(null);
      toast.error(err, 'Could not load the contract');
    }
  };

  const call = async (name: string, args: unknown[]) => {
    try {
      const r = await readOnlyCall(address.trim(), name, args, sender || undefined);
      setResult(`${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) → ${JSON.stringify(r.returnValue ?? r, null, 1)}${r.gasUsed !== undefined ? `  [gas ${r.gasUsed}]` : ''}`);
    } catch (err) {
      toast.error(err, `${name} failed`);
    }
  };

  const send = async (name: string, args: unknown[]) => {
    const g = readGas(gas);
    if ('error' in g) return toast.error(new Error(g.error));
    try {
      if (!wallet || !node) throw new Error('Unlock your wallet first');
      const r = await execute(wallet, node.network, sender, { contractAddress: address.trim(), functionName: name, parameters: args, ...g });
      toast.success(`${name} sent as transaction ${r.id.slice(0, 16)}…`);
      setResult(`${name} → transaction ${r.id} (see its receipt in the explorer once mined)`);
    } catch (err) {
      toast.error(err, `${name} was rejected`);
    }
  };

  return (
    <div className="space-y-4">
      <Card title="Interact">
        <form onSubmit={load} className="flex items-end gap-2">
          <div className="min-w-0 flex-1">
            <TextField label="Contract address" value={address} onChange={(e) => onAddress(e.target.value)} placeholder="0x…" spellCheck={false} className="font-mono" />
          </div>
          <Button type="submit" variant="secondary" disabled={!address.trim()}>
            Load
          </Button>
        </form>
        <div className="mt-3 space-y-3">
          <SenderSelect wallet={wallet} value={sender} onChange={setFrom} />
          <GasFields gas={gas} onChange={setGas} idPrefix="exec" />
          <div className="space-y-2">
            {fns.map((f) => (
              <FunctionForm key={`${code.length}-${f.name}`} fn={f} readOnly={looksReadOnly(f, code)} canSend={!!wallet && !!address.trim()} onCall={(a) => call(f.name, a)} onSend={(a) => send(f.name, a)} />
            ))}
          </div>
          {result && (
            <pre className="overflow-x-auto rounded-lg bg-slate-950 p-2 text-xs whitespace-pre-wrap text-emerald-200" data-testid="call-result" aria-live="polite">
              {result}
            </pre>
          )}
        </div>
      </Card>
      {detail && <StoragePanel contract={detail} />}
    </div>
  );
}
