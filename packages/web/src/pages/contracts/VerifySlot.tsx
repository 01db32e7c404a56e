import type { FormEvent } from 'react';
import { Button } from '../../components/Button';
import { TextField } from '../../components/Field';
import { visibleText } from '../../lib/visible-text';
import type { SlotCheck } from './useStorageVerify';

/**
 * Checks a storage value (a token balance is `balance:0x…`) against a proof
 * instead of believing the table above, which is the node's word. Keys and
 * values are the contract's text, shown through visibleText like the table.
 */
export function VerifySlot({ value, onChange, check, onVerify }: { value: string; onChange: (key: string) => void; check: SlotCheck; onVerify: (key: string) => void }) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onVerify(value.trim());
  };
  return (
    <div className="mt-4 space-y-2">
      <form onSubmit={submit} className="flex items-end gap-2" noValidate>
        <div className="min-w-0 flex-1">
          <TextField label="Verify a storage key" value={value} onChange={(e) => onChange(e.target.value)} placeholder="balance:0x…" spellCheck={false} autoComplete="off" className="font-mono" />
        </div>
        <Button type="submit" variant="secondary" disabled={value.trim() === ''} busy={check.kind === 'pending'}>
          Verify
        </Button>
      </form>
      {check.kind === 'pending' && <p className="text-xs text-slate-400">Proving {visibleText(check.key)} against block headers…</p>}
      {check.kind === 'ok' && (
        <p data-testid="storage-verified" className="text-xs break-all">
          <span className="font-mono">{visibleText(check.key)}</span> = <span className="font-mono">{check.v.value === null ? 'empty' : visibleText(check.v.value)}</span>{' '}
          <span data-testid="storage-verified-mark" className="rounded bg-emerald-500/15 px-1 break-normal whitespace-nowrap text-emerald-300">
            verified at height {check.v.height}
          </span>
        </p>
      )}
      {check.kind === 'untrustworthy' && (
        <div role="alert" data-testid="storage-verify-error" className="rounded border border-rose-500 bg-rose-950/40 p-3 text-xs break-all text-rose-200">
          <strong>This node is untrustworthy</strong> ({window.location.origin}): {visibleText(check.message)}. Its contract storage cannot be believed.
        </div>
      )}
      {check.kind === 'unavailable' && (
        <p data-testid="storage-verify-unavailable" className="text-xs text-slate-400">
          Could not verify {visibleText(check.key)} yet: {visibleText(check.message)}
        </p>
      )}
    </div>
  );
}
