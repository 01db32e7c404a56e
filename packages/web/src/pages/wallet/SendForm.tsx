import { useState, type FormEvent } from 'react';
import { UntrustworthyNode, formatAddress, isAddress, parseAddress, signedTransferSize, feeForSize, type FeeChoice, type FeeEstimate, type FeePreset, type Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { useFeeEstimate } from '../../hooks/useFeeEstimate';
import { formatHckAmount, formatUnits, parseAmountInput } from '../../lib/amount';
import { useNodeDistrust } from '../../state/node-distrust';
import { useWalletNetwork } from '../../state/wallet-network';
import { useToast } from '../../state/toast';
import { sendTransfer } from './tx';
import { balanceOf, useAddressInfo } from './useAddressInfo';
import { useVerifiedSpendable } from './useVerifiedSpendable';
import { SendReview, type ReviewedSend } from './SendReview';

const PRESETS: FeePreset[] = ['slow', 'normal', 'fast'];

/**
 * Send, MetaMask style: fill in, review (recipient, amount, fee, total), then
 * sign and broadcast. The balance is checked before anything is signed; the
 * fee comes from the node's estimate (core's fee policy), never a local guess.
 * The balance checked is the verified one less this browser's pending sends
 * once it is proven, else the node's figure; the form says which.
 * The nonce is one the browser verified; a node that fails verification is
 * named and nothing is signed.
 */
function provenBasis(height: number, pendingSends: number): string {
  return `verified at height ${height}${pendingSends ? `, less ${pendingSends} pending send${pendingSends === 1 ? '' : 's'} from this browser` : ''}`;
}

export function SendForm({ wallet, from }: { wallet: Wallet; from: string }) {
  // Only a network whose node info passed the schema, chain id and genesis checks is signed for.
  const { network } = useWalletNetwork();
  const { estimate: fees, basis } = useFeeEstimate();
  const info = useAddressInfo(from, 1, 1);
  const proven = useVerifiedSpendable(from);
  const flagged = useNodeDistrust();
  const toast = useToast();
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [preset, setPreset] = useState<FeePreset | 'custom'>('normal');
  const [customFee, setCustomFee] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [review, setReview] = useState<ReviewedSend | null>(null);
  const [distrust, setDistrust] = useState<string | null>(null);

  const estimate: FeeEstimate | undefined = fees?.perByte;
  const size = signedTransferSize(0);
  const custom = parseAmountInput(customFee, { allowZero: true });
  const choice: FeeChoice | null = preset === 'custom' ? (custom.ok ? { custom: custom.units } : null) : estimate ? preset : null;
  const fee = choice ? feeForSize(choice, size, estimate) : null;
  const parsed = parseAmountInput(amount);
  // A node caught lying or on another network gets no say in what the form offers to spend.
  const available = proven.spendable ? proven.spendable.available : info.data && flagged === null ? balanceOf(info.data).available : null;
  const availableHint =
    available === null ? undefined : (
      <span data-testid="send-available">
        Available: {formatHckAmount(available)} · {proven.spendable ? provenBasis(proven.spendable.height, proven.spendable.pendingSends) : "the node's figure, not verified yet"}
      </span>
    );
  const toError = touched && !isAddress(to.trim()) ? 'Enter a 0x address (40 hex digits; mixed case must match its checksum)' : null;
  const amountError = touched && !parsed.ok ? parsed.error : null;
  const over = parsed.ok && fee !== null && available !== null && parsed.units + fee > available;

  const max = () => {
    if (available === null || fee === null) return;
    setAmount(available > fee ? formatUnits(available - fee) : '0');
  };

  const toReview = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!network || !parsed.ok || !choice || fee === null || !isAddress(to.trim()) || available === null || over) return;
    // Typed all lower case (valid, but unchecked) or pasted, it is reviewed as wallets and explorers write it: checksummed.
    setReview({ to: formatAddress(parseAddress(to.trim())), amount: parsed.units, fee, choice, estimate, size, network });
  };

  const confirm = async () => {
    if (!review) return;
    setBusy(true);
    setDistrust(null);
    try {
      const r = await sendTransfer(wallet, { network: review.network, from, to: review.to, amount: review.amount, fee: review.choice, feeEstimate: review.estimate });
      toast.success(`Sent ${formatHckAmount(review.amount)} · tx ${r.id.slice(0, 16)}…`);
      setAmount('');
      setTo('');
      setTouched(false);
      setReview(null);
      info.reload();
      proven.reload();
    } catch (err) {
      if (err instanceof UntrustworthyNode) setDistrust(err.message);
      else toast.error(err, 'Transaction rejected');
    } finally {
      setBusy(false);
    }
  };

  if (review) {
    return (
      <Card title="Review send">
        <SendReview from={from} send={review} available={available} busy={busy} onBack={() => {
            setReview(null);
            setDistrust(null);
          }} onConfirm={() => void confirm()} />
        {distrust !== null && (
          <div role="alert" data-testid="send-verify-error" className="mt-3 rounded border border-rose-500 bg-rose-950/40 p-3 text-sm text-rose-200">
            <strong>This node is untrustworthy</strong> ({window.location.origin}): {distrust}. Nothing was signed or sent.
          </div>
        )}
      </Card>
    );
  }

  return (
    <Card title="Send">
      <form onSubmit={toReview} className="space-y-3" noValidate>
        <TextField label="Recipient address" name="to" placeholder="0x…" value={to} onChange={(e) => setTo(e.target.value)} spellCheck={false} autoComplete="off" className="font-mono" error={toError} />
        <div className="flex items-end gap-2">
          <div className="min-w-0 flex-1">
            <TextField label="Amount (HCK)" name="amount" inputMode="decimal" placeholder="0.0" value={amount} onChange={(e) => setAmount(e.target.value)} autoComplete="off" error={amountError} hint={availableHint} />
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
                <span className="text-slate-400" data-testid={`fee-preset-${p}`}>
                  {p === 'custom' ? 'set total' : estimate ? `${estimate[p]} u/B · ${formatUnits(feeForSize(p, size, estimate))}` : '…'}
                </span>
              </label>
            ))}
          </div>
          {basis && (
            <p className="mt-1 text-xs text-slate-500" data-testid="fee-basis">
              The node's estimate from the last {basis.blocks} blocks ({basis.samples} transfers, {basis.contractSamples} contract transactions priced per gas apart) and {basis.mempoolTxs} waiting
            </p>
          )}
        </fieldset>
        {preset === 'custom' && <TextField label="Custom fee (HCK)" inputMode="decimal" value={customFee} onChange={(e) => setCustomFee(e.target.value)} error={!custom.ok && customFee ? custom.error : null} />}
        <p className="text-xs text-slate-400">
          Fee {fee === null ? '—' : formatHckAmount(fee)} for {size} bytes{parsed.ok && fee !== null ? ` · total ${formatHckAmount(parsed.units + fee)}` : ''}
        </p>
        {over && (
          <p className="text-xs text-rose-400" role="alert" data-testid="send-over-balance">
            Amount plus fee is {formatHckAmount(parsed.units + fee!)}, more than the available {formatHckAmount(available!)}. Nothing will be signed.
          </p>
        )}
        <Button type="submit" disabled={!network || over || available === null}>
          Review send
        </Button>
      </form>
    </Card>
  );
}
