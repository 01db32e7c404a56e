import { useState, type FormEvent } from 'react';
import { isAddress } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { SelectField, TextField } from '../../components/Field';
import { useToken } from '../../hooks/useToken';
import { api, ApiError } from '../../lib/api';
import type { Generated } from '../../lib/types';
import { useToast } from '../../state/toast';
import { UNVERIFIED_ADDRESSES, useOwnAddresses } from '../../state/wallet';

const MAX_BLOCKS = 1000;
const OTHER = '__other__';

/**
 * Regtest only: mine N blocks at once to an address, like bitcoind's
 * generatetoaddress or anvil's mine (POST /api/mining/generate, with the node token).
 */
export function GenerateCard({ defaultAddress }: { defaultAddress: string | null }) {
  const { addresses, verified } = useOwnAddresses();
  const [, setToken] = useToken();
  const toast = useToast();
  const [count, setCount] = useState('1');
  const [choice, setChoice] = useState(addresses[0]?.address ?? (defaultAddress ? OTHER : ''));
  const [other, setOther] = useState(defaultAddress ?? '');
  const [busy, setBusy] = useState(false);
  const address = choice === OTHER ? other.trim() : choice;
  const n = Number(count);
  const countError = Number.isInteger(n) && n >= 1 && n <= MAX_BLOCKS ? null : `A whole number from 1 to ${MAX_BLOCKS}`;
  const addressError = address && !isAddress(address) ? 'A 0x address of 40 hex digits' : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (countError || addressError || !address) return;
    setBusy(true);
    try {
      const r = await api<Generated>('/api/mining/generate', { body: { count: n, address }, auth: true });
      toast.success(`Mined ${r.blocks.length} block${r.blocks.length === 1 ? '' : 's'} · height ${r.height}`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setToken(null);
      toast.error(err, 'Could not mine');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Mine blocks now (regtest)" id="generate">
      <form onSubmit={submit} className="grid items-start gap-3 sm:grid-cols-[8rem_minmax(0,1fr)_auto]" noValidate>
        <TextField label="Blocks" name="count" type="number" min={1} max={MAX_BLOCKS} value={count} onChange={(e) => setCount(e.target.value)} error={countError} />
        <div className="min-w-0 space-y-2">
          <SelectField label="Reward to" value={choice} onChange={(e) => setChoice(e.target.value)} hint={!verified && addresses.length > 0 ? UNVERIFIED_ADDRESSES : undefined}>
            {addresses.map((a) => (
              <option key={a.address} value={a.address}>
                {a.label ? `${a.label} — ` : ''}
                {a.address}
              </option>
            ))}
            <option value={OTHER}>Another address…</option>
          </SelectField>
          {choice === OTHER && <TextField label="Address" value={other} onChange={(e) => setOther(e.target.value)} placeholder="0x…" spellCheck={false} className="font-mono" error={addressError} />}
        </div>
        <Button type="submit" busy={busy} disabled={!address || countError !== null || addressError !== null} className="sm:mt-6">
          Mine {countError ? 'N' : n} block{n === 1 ? '' : 's'}
        </Button>
      </form>
      <p className="mt-2 text-xs text-slate-400">Mined on the spot at regtest's minimal difficulty, with the waiting transactions, like bitcoind's generatetoaddress.</p>
    </Card>
  );
}
