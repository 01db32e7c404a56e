import { useState, type FormEvent } from 'react';
import { Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextField } from '../../components/Field';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';

export function UnlockForm({ keystore }: { keystore: string }) {
  const { setUnlocked, forget, addresses } = useWallet();
  const toast = useToast();
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      setUnlocked(await Wallet.unlock(keystore, password));
      toast.success('Wallet unlocked');
    } catch (err) {
      toast.error(err, 'Unlock failed');
    } finally {
      setBusy(false);
      setPassword('');
    }
  };

  return (
    <div className="mx-auto max-w-xl space-y-4">
      <Card title="Unlock your wallet">
        <form onSubmit={submit} className="space-y-3">
          <p className="text-sm text-slate-400">
            {addresses.length} address{addresses.length === 1 ? '' : 'es'} stored in this browser (shown after unlocking, once verified against your keys).
          </p>
          <TextField label="Password" type="password" name="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} autoFocus />
          <Button type="submit" busy={busy} disabled={!password}>
            Unlock
          </Button>
        </form>
      </Card>
      <Card title="Other options">
        {confirmForget ? (
          <div className="space-y-2 text-sm">
            <p className="text-rose-200">This deletes the encrypted keystore from this browser. Without your recovery phrase the coins are lost.</p>
            <div className="flex gap-2">
              <Button variant="danger" onClick={forget}>
                Delete keystore
              </Button>
              <Button variant="secondary" onClick={() => setConfirmForget(false)}>
                Cancel
              </Button>
            </div>
          </div>
        ) : (
          <Button variant="ghost" onClick={() => setConfirmForget(true)}>
            Remove this wallet from the browser…
          </Button>
        )}
      </Card>
    </div>
  );
}
