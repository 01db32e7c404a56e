import { useState } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { SelectField, TextField } from '../../components/Field';
import { useToken } from '../../hooks/useToken';
import { api, ApiError } from '../../lib/api';
import type { MiningStatus } from '../../lib/types';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';

const CUSTOM = '__custom';

export function MiningControls({ status, onChange }: { status: MiningStatus; onChange: (s: MiningStatus) => void }) {
  const { addresses } = useWallet();
  const [, setToken] = useToken();
  const toast = useToast();
  const [choice, setChoice] = useState<string>(addresses[0]?.address ?? '');
  const [custom, setCustom] = useState('');
  const [busy, setBusy] = useState(false);
  const address = choice === CUSTOM ? custom.trim() : choice;

  const call = async (op: 'start' | 'stop') => {
    setBusy(true);
    try {
      const body = op === 'start' ? (address ? { address } : {}) : {};
      const s = await api<MiningStatus>(`/api/mining/${op}`, { body, auth: true });
      onChange(s);
      toast.success(op === 'start' ? `Mining started to ${s.address ?? 'the node default'}` : 'Mining stopped');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setToken(null);
      toast.error(e, op === 'start' ? 'Could not start mining' : 'Could not stop mining');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Control">
      <div className="grid gap-3 md:grid-cols-[1fr_1fr_auto] md:items-end">
        <SelectField label="Reward address" value={choice} onChange={(e) => setChoice(e.target.value)} disabled={status.running}>
          <option value="">Node default (MINING_ADDRESS)</option>
          {addresses.map((a) => (
            <option key={a.address} value={a.address}>
              {a.label ? `${a.label} — ` : ''}
              {a.address}
            </option>
          ))}
          <option value={CUSTOM}>Another address…</option>
        </SelectField>
        {choice === CUSTOM ? (
          <TextField label="Custom reward address" placeholder="0x…" value={custom} onChange={(e) => setCustom(e.target.value)} spellCheck={false} className="font-mono" disabled={status.running} />
        ) : (
          <div className="hidden md:block" />
        )}
        <div className="flex gap-2">
          {status.running ? (
            <Button variant="danger" busy={busy} onClick={() => call('stop')}>
              Stop mining
            </Button>
          ) : (
            <Button busy={busy} onClick={() => call('start')}>
              Start mining
            </Button>
          )}
        </div>
      </div>
      <p className="mt-2 text-xs text-slate-500">Threads and intensity are fixed by the node's configuration; this node's API does not expose them yet.</p>
    </Card>
  );
}
