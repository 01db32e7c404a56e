import { useState, type FormEvent } from 'react';
import type { Wallet } from '@hackcoin/core';
import { Amount } from '../../components/Amount';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { shortHash } from '../../lib/format';
import { useNodeDistrust } from '../../state/node-distrust';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { updateMeta } from './persist';
import { UNVERIFIED } from './ReportedBalance';
import { useAddressInfo } from './useAddressInfo';

function Row({ address, label, selected, onSelect, onRename }: { address: string; label: string; selected: boolean; onSelect: () => void; onRename: (l: string) => void }) {
  const info = useAddressInfo(address, 1, 1);
  const distrust = useNodeDistrust();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(label);
  const save = (e: FormEvent) => {
    e.preventDefault();
    onRename(value.trim());
    setEditing(false);
  };
  return (
    <li className={`rounded-lg border p-2 ${selected ? 'border-amber-500/70 bg-amber-500/5' : 'border-slate-800'}`}>
      {editing ? (
        <form onSubmit={save} className="flex items-end gap-2">
          <div className="min-w-0 flex-1">
            <TextField label={`Label for ${shortHash(address, 6, 4)}`} value={value} maxLength={128} onChange={(e) => setValue(e.target.value)} autoFocus />
          </div>
          <Button type="submit" className="text-xs">
            Save
          </Button>
        </form>
      ) : (
        <div className="flex items-center gap-2">
          <button type="button" onClick={onSelect} aria-pressed={selected} className="min-w-0 flex-1 text-left" data-testid="wallet-address" data-address={address}>
            <div className="truncate text-sm font-medium">{label || <span className="text-slate-500">(no label)</span>}</div>
            <div className="truncate font-mono text-xs text-slate-400">{shortHash(address, 10, 8)}</div>
            {distrust === null && (
              <div className="text-xs" data-testid="address-reported-balance">
                {info.data ? <Amount units={info.data.balance} /> : '…'} <span className="text-slate-500">{UNVERIFIED}</span>
              </div>
            )}
          </button>
          <Button variant="ghost" className="text-xs" onClick={() => setEditing(true)} aria-label={`Edit label of ${address}`}>
            Edit
          </Button>
        </div>
      )}
    </li>
  );
}

export function AddressList({ wallet, selected, onSelect }: { wallet: Wallet; selected: string; onSelect: (a: string) => void }) {
  const { keystore, saveKeystore, touch } = useWallet();
  const toast = useToast();
  const [label, setLabel] = useState('');
  const persist = () => {
    if (keystore) saveKeystore(updateMeta(wallet, keystore));
    touch();
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    try {
      const a = wallet.newAddress(label.trim());
      persist();
      setLabel('');
      onSelect(a.address);
      toast.success(`New address ${shortHash(a.address, 8, 4)}`);
    } catch (err) {
      toast.error(err, 'Could not add an address');
    }
  };
  const rename = (address: string, l: string) => {
    try {
      wallet.setLabel(address, l);
      persist();
    } catch (err) {
      toast.error(err, 'Could not rename');
    }
  };
  return (
    <Card title="Addresses">
      <ul className="space-y-2">
        {wallet.list().map((a) => (
          <Row key={a.address} address={a.address} label={a.label} selected={a.address === selected} onSelect={() => onSelect(a.address)} onRename={(l) => rename(a.address, l)} />
        ))}
      </ul>
      {wallet.isHd && (
        <form onSubmit={add} className="mt-3 flex items-end gap-2">
          <div className="min-w-0 flex-1">
            <TextField label="New address label" value={label} maxLength={128} onChange={(e) => setLabel(e.target.value)} placeholder="e.g. savings" />
          </div>
          <Button type="submit" variant="secondary">
            Add
          </Button>
        </form>
      )}
    </Card>
  );
}
