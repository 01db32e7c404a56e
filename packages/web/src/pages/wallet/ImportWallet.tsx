import { useState, type FormEvent } from 'react';
import { hexToBytes, validateMnemonic, normalizeMnemonic, Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { TextArea, TextField } from '../../components/Field';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { PasswordFields, passwordError } from './PasswordFields';
import { encryptWallet } from './persist';

export function ImportWallet() {
  const [secret, setSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [addresses, setAddresses] = useState('1');
  const { saveKeystore, setUnlocked } = useWallet();
  const toast = useToast();
  const text = secret.trim();
  const isKey = /^(0x)?[0-9a-fA-F]{64}$/.test(text);
  const secretError = touched && !isKey && !validateMnemonic(normalizeMnemonic(text)) ? 'Not a valid BIP39 phrase (unknown word or bad checksum) nor a 64-hex-digit private key' : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (passwordError(password, confirm) || (!isKey && !validateMnemonic(normalizeMnemonic(text)))) return;
    setBusy(true);
    try {
      let wallet: Wallet;
      if (isKey) {
        wallet = await Wallet.fromPrivateKey(hexToBytes(text.replace(/^0x/, '')), 'Imported');
      } else {
        wallet = await Wallet.fromMnemonic(text, passphrase);
        const n = Math.min(20, Math.max(1, Number(addresses) || 1));
        for (let i = 0; i < n; i++) wallet.newAddress(i === 0 ? 'Main' : '');
      }
      saveKeystore(await encryptWallet(wallet, password));
      setUnlocked(wallet);
      toast.success('Wallet imported and encrypted in this browser');
    } catch (err) {
      toast.error(err, 'Import failed');
      setBusy(false);
    }
  };

  return (
    <Card title="Import a recovery phrase or private key">
      <form onSubmit={submit} className="space-y-4">
        <TextArea label="Recovery phrase or private key" rows={3} value={secret} onChange={(e) => setSecret(e.target.value)} spellCheck={false} autoComplete="off" className="font-mono" error={secretError} hint="12 or 24 words separated by spaces, or a hex private key" />
        {!isKey && (
          <div className="grid gap-3 sm:grid-cols-2">
            <TextField label="BIP39 passphrase (optional)" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" hint="Only if you set one: a different passphrase opens a different wallet" />
            <TextField label="Addresses to restore" type="number" min={1} max={20} value={addresses} onChange={(e) => setAddresses(e.target.value)} />
          </div>
        )}
        <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} touched={touched} />
        <Button type="submit" busy={busy}>
          Import wallet
        </Button>
      </form>
    </Card>
  );
}
