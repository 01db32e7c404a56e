import { useState, type FormEvent } from 'react';
import { isAddress, signedTransferSize, feeForSize, type FeeChoice, type FeePreset, type Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { useApi } from '../../hooks/useApi';
import { formatHckAmount, formatUnits, parseAmountInput } from '../../lib/amount';
import type { MempoolInfo } from '../../lib/types';
import { useNodeInfo } from '../../state/node-info';
import { useToast } from '../../state/toast';
import { feeEstimateFrom, sendTransfer } from './tx';
import { balanceOf, useAddressInfo } from './useAddressInfo';

const PRESETS: FeePreset[] = ['slow', 'normal', 'fast'];

export function SendForm({ wallet, from }: { wallet: Wallet; from: string }) {
  const { data: node } = useNodeInfo();
  const mempool = useApi<MempoolInfo>('/api/mempool', { refreshOn: ['blocks'], throttleMs: 2000 });
  const info = useAddressInfo(from, 1, 1);
  const toast = useToast();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [preset, setPreset] = useState<FeePreset | 'custom'>('normal');
  const [customFee, setCustomFee] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);

  const estimate = feeEstimateFrom(mempool.data);
  const size = signedTransferSize(0);
  const custom = parseAmountInput(customFee, { allowZero: true });
  const choice: FeeChoice | null = preset === 'custom' ? (custom.ok ? { custom: custom.units } : null) : preset;
  const fee = choice ? feeForSize(choice, size, estimate) : null;
  const parsed = parseAmountInput(amount);
  const available = info.data ? balanceOf(info.data).available : null;
  const toError = touched && !isAddress(to.trim()) ? 'Enter a 0x address (40 hex digits; mixed case must match its checksum)' : null;
  const amountError = touched && !parsed.ok ? parsed.error : null;
  const over = parsed.ok && fee !== null && available !== null && parsed.units + fee > available;

  const max = () => {
    if (available === null || fee === null) return;
    setAmount(available > fee ? formatUnits(available - fee) : '0');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!node || !parsed.ok || !choice || !isAddress(to.trim())) return;
    setBusy(true);
    try {
      const r = await sendTransfer(wallet, { network: node.network, from, to: to.trim(), amount: parsed.units, fee: choice, feeEstimate: estimate });
      toast.success(`Sent ${formatHckAmount(parsed.units)} · tx ${r.id.slice(0, 16)}…`);
      setAmount('');
      setTo('');
      setTouched(false);
      info.reload();
    } catch (err) {
      toast.error(err, 'Transaction rejected');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Send">
      <form onSubmit={submit} className="space-y-3" noValidate>
        <TextField label="Recipient address" name="to" placeholder="0x…" value={to} onChange={(e) => setTo(e.target.value)} spellCheck={false} autoComplete="off" className="font-mono" error={toError} />
        <div className="flex items-end gap-2">
          <div className="min-w-0 flex-1">
            <TextField label="Amount (HCK)" name="amount" inputMode="decimal" placeholder="0.0" value={amount} onChange={(e) => setAmount(e.target.value)} autoComplete="off" error={amountError} hint={available !== null ? `Available: ${formatHckAmount(available)}` : undefined} />
          </div>
          <Button variant="secondary" onClick={max} className={amountError || available !== null ? 'mb-5' : ''}>
            Max
          </Button>
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-300">Fee</legend>
          <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
            {[...PRESETS, 'custom' as const].map((p) => (
              <label key={p} className={`flex cursor-pointer flex-col rounded-lg border px-2 py-1.5 text-xs has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-amber-400 ${preset === p ? 'border-amber-400 bg-amber-500/10' : 'border-slate-700'}`}>
                <input type="radio" name="fee" value={p} checked={preset === p} onChange={() => setPreset(p)} className="sr-only" />
                <span className="font-semibold capitalize">{p}</span>
                <span className="text-slate-400">{p === 'custom' ? 'set total' : `${estimate[p]} u/B · ${formatUnits(feeForSize(p, size, estimate))}`}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {preset === 'custom' && <TextField label="Custom fee (HCK)" inputMode="decimal" value={customFee} onChange={(e) => setCustomFee(e.target.value)} error={!custom.ok && customFee ? custom.error : null} />}
        <p className="text-xs text-slate-400">
          Fee {fee === null ? '—' : formatHckAmount(fee)} for {size} bytes{parsed.ok && fee !== null ? ` · total ${formatHckAmount(parsed.units + fee)}` : ''}
        </p>
        {over && <p className="text-xs text-amber-300">More than the available balance: the node will reject this transfer.</p>}
        <Button type="submit" busy={busy} disabled={!node}>
          Sign and send
        </Button>
      </form>
    </Card>
  );
}
