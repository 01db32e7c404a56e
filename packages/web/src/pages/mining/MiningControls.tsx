import { useEffect, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { SelectField, TextField } from '../../components/Field';
import { useToken } from '../../hooks/useToken';
import { api, ApiError } from '../../lib/api';
import type { Intensity, MiningStatus } from '../../lib/types';
import { useToast } from '../../state/toast';
import { UNVERIFIED_ADDRESSES, useOwnAddresses } from '../../state/wallet';
import { CUSTOM, describeIntensity, PRESETS, toDraft, type Draft, validate } from './intensity';

export function MiningControls({ status, onChange }: { status: MiningStatus; onChange: (s: MiningStatus) => void }) {
  const { addresses, verified } = useOwnAddresses();
  const [, setToken] = useToken();
  const toast = useToast();
  const [choice, setChoice] = useState<string>(addresses[0]?.address ?? '');
  const [custom, setCustom] = useState('');
  const [busy, setBusy] = useState<null | 'start' | 'stop' | 'apply'>(null);
  // Threads and intensity: a draft that follows the node until the user edits it.
  const [draft, setDraft] = useState<Draft>(() => toDraft(status));
  const [dirty, setDirty] = useState(false);
  const synced = toDraft(status);
  useEffect(() => {
    if (!dirty) setDraft(synced);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dirty, synced.threads, synced.preset, synced.percent]);

  const edit = (d: Partial<Draft>) => {
    setDraft((old) => ({ ...old, ...d }));
    setDirty(true);
  };
  const address = choice === CUSTOM ? custom.trim() : choice;
  const checked = validate(draft);
  const changed = draft.threads !== synced.threads || draft.preset !== synced.preset || (draft.preset === CUSTOM && draft.percent !== synced.percent);

  const call = async (op: 'start' | 'stop' | 'apply') => {
    if (op !== 'stop' && !checked.ok) return;
    setBusy(op);
    try {
      const tuning: { threads?: number; intensity?: Intensity } = checked.ok ? { threads: checked.threads, intensity: checked.intensity } : {};
      const body = op === 'start' ? { ...(address ? { address } : {}), ...tuning } : op === 'apply' ? tuning : {};
      const s = await api<MiningStatus>(`/api/mining/${op === 'stop' ? 'stop' : 'start'}`, { body, auth: true });
      setDirty(false);
      onChange(s);
      if (op === 'start') toast.success(`Mining started to ${s.address ?? 'the node default'}`);
      else if (op === 'stop') toast.success('Mining stopped');
      else toast.success(`Miner retuned: ${s.threads} thread${s.threads === 1 ? '' : 's'}, intensity ${describeIntensity(s.intensity)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setToken(null);
      toast.error(e, op === 'start' ? 'Could not start mining' : op === 'stop' ? 'Could not stop mining' : 'Could not retune the miner');
    } finally {
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void call(status.running ? 'apply' : 'start');
  };

  return (
    <Card title="Control">
      <form onSubmit={submit} className="space-y-3" aria-label="Miner settings">
        <div className="grid gap-3 md:grid-cols-2">
          <SelectField label="Reward address" value={choice} onChange={(e) => setChoice(e.target.value)} disabled={status.running} hint={status.running ? 'Stop the miner to change where rewards go.' : !verified && addresses.length > 0 ? UNVERIFIED_ADDRESSES : undefined}>
            <option value="">Node default (MINING_ADDRESS)</option>
            {addresses.map((a) => (
              <option key={a.address} value={a.address}>
                {a.label ? `${a.label} — ` : ''}
                {a.address}
              </option>
            ))}
            <option value={CUSTOM}>Another address…</option>
          </SelectField>
          {choice === CUSTOM && (
            <TextField label="Custom reward address" placeholder="0x…" value={custom} onChange={(e) => setCustom(e.target.value)} spellCheck={false} className="font-mono" disabled={status.running} />
          )}
        </div>
        <div className="grid gap-3 sm:grid-cols-2 md:grid-cols-3">
          <TextField
            label="Threads"
            type="number"
            inputMode="numeric"
            min={1}
            max={256}
            step={1}
            required
            value={draft.threads}
            onChange={(e) => edit({ threads: e.target.value })}
            error={checked.ok ? undefined : checked.field === 'threads' ? checked.message : undefined}
            hint="Mining threads on the node, 1–256."
          />
          <SelectField label="Intensity" value={draft.preset} onChange={(e) => edit({ preset: e.target.value as Draft['preset'] })} hint="Share of time each thread hashes.">
            {PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
            <option value={CUSTOM}>Custom…</option>
          </SelectField>
          {draft.preset === CUSTOM && (
            <TextField
              label="Custom intensity (%)"
              type="number"
              inputMode="numeric"
              min={1}
              max={100}
              step={1}
              required
              value={draft.percent}
              onChange={(e) => edit({ percent: e.target.value })}
              error={checked.ok ? undefined : checked.field === 'percent' ? checked.message : undefined}
              hint="1–100 % duty cycle."
            />
          )}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          {status.running ? (
            <>
              <Button type="submit" variant="secondary" busy={busy === 'apply'} disabled={!changed || !checked.ok || busy !== null}>
                Apply to running miner
              </Button>
              <Button variant="danger" busy={busy === 'stop'} disabled={busy !== null && busy !== 'stop'} onClick={() => call('stop')}>
                Stop mining
              </Button>
            </>
          ) : (
            <Button type="submit" busy={busy === 'start'} disabled={!checked.ok}>
              Start mining
            </Button>
          )}
          {status.running && dirty && changed && <span className="text-xs text-amber-300">Unapplied changes</span>}
        </div>
      </form>
    </Card>
  );
}
