import { useMemo, useState, type FormEvent } from 'react';
import { generateMnemonic, Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { SelectField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useToast } from '../../state/toast';
import { useWallet } from '../../state/wallet';
import { makeChallenges } from './challenge';
import { PasswordFields, passwordError } from './PasswordFields';
import { encryptWallet } from './persist';

type Step = 'password' | 'show' | 'confirm';

export function CreateWallet() {
  const [step, setStep] = useState<Step>('password');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [touched, setTouched] = useState(false);
  const [words, setWords] = useState<12 | 24>(24);
  const [mnemonic, setMnemonic] = useState('');

  const start = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (passwordError(password, confirm)) return;
    setMnemonic(generateMnemonic(words));
    setStep('show');
  };

  if (step === 'password') {
    return (
      <Card title="1 · Choose a password">
        <form onSubmit={start} className="space-y-4">
          <PasswordFields password={password} confirm={confirm} onPassword={setPassword} onConfirm={setConfirm} touched={touched} />
          <SelectField label="Recovery phrase length" value={words} onChange={(e) => setWords(Number(e.target.value) === 12 ? 12 : 24)}>
            <option value={24}>24 words (recommended)</option>
            <option value={12}>12 words</option>
          </SelectField>
          <Button type="submit">Generate recovery phrase</Button>
        </form>
      </Card>
    );
  }
  if (step === 'show') return <ShowMnemonic mnemonic={mnemonic} onNext={() => setStep('confirm')} />;
  return <ConfirmMnemonic mnemonic={mnemonic} password={password} onBack={() => setStep('show')} />;
}

function ShowMnemonic({ mnemonic, onNext }: { mnemonic: string; onNext: () => void }) {
  const words = mnemonic.split(' ');
  return (
    <Card title="2 · Write down your recovery phrase">
      <Notice tone="warn" title="Shown only once">
        Anyone with these words can spend your coins. Write them on paper, in order, and keep them offline. They are never shown again and never sent to the node.
      </Notice>
      <ol className="my-4 grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="mnemonic" aria-label="Recovery phrase">
        {words.map((w, i) => (
          <li key={i} className="flex items-center gap-2 rounded-lg border border-slate-700 bg-slate-950 px-2 py-1.5 font-mono text-sm">
            <span className="w-5 text-right text-xs text-slate-500">{i + 1}</span>
            <span data-testid={`mnemonic-word-${i + 1}`}>{w}</span>
          </li>
        ))}
      </ol>
      <Button onClick={onNext}>I have written it down</Button>
    </Card>
  );
}

function ConfirmMnemonic({ mnemonic, password, onBack }: { mnemonic: string; password: string; onBack: () => void }) {
  const words = useMemo(() => mnemonic.split(' '), [mnemonic]);
  const challenges = useMemo(() => makeChallenges(words), [words]);
  const [answers, setAnswers] = useState<(string | null)[]>(() => challenges.map(() => null));
  const [busy, setBusy] = useState(false);
  const { saveKeystore, setUnlocked } = useWallet();
  const toast = useToast();
  const allRight = challenges.every((c, i) => answers[i] === words[c.position]);
  const anyWrong = challenges.some((c, i) => answers[i] !== null && answers[i] !== words[c.position]);

  const finish = async () => {
    setBusy(true);
    try {
      const wallet = await Wallet.fromMnemonic(mnemonic);
      wallet.newAddress('Main');
      saveKeystore(await encryptWallet(wallet, password));
      setUnlocked(wallet);
      toast.success('Wallet created and encrypted in this browser');
    } catch (e) {
      toast.error(e, 'Could not create the wallet');
      setBusy(false);
    }
  };

  return (
    <Card title="3 · Confirm your recovery phrase">
      <p className="mb-4 text-sm text-slate-300">Pick the right word for each position.</p>
      <div className="space-y-4">
        {challenges.map((c, i) => (
          <fieldset key={c.position} data-testid="challenge" data-position={c.position + 1}>
            <legend className="mb-2 text-sm font-medium">Word #{c.position + 1}</legend>
            <div className="flex flex-wrap gap-2">
              {c.options.map((w) => {
                const chosen = answers[i] === w;
                const tone = chosen ? (w === words[c.position] ? 'border-emerald-400 bg-emerald-950 text-emerald-100' : 'border-rose-400 bg-rose-950 text-rose-100') : 'border-slate-700 bg-slate-950 hover:border-slate-500';
                return (
                  <button key={w} type="button" aria-pressed={chosen} onClick={() => setAnswers((a) => a.map((x, j) => (j === i ? w : x)))} className={`rounded-lg border px-3 py-1.5 font-mono text-sm ${tone}`}>
                    {w}
                  </button>
                );
              })}
            </div>
          </fieldset>
        ))}
      </div>
      {anyWrong && <p className="mt-3 text-sm text-rose-300" role="alert">A word does not match. Check your notes, or go back to see the phrase again.</p>}
      <div className="mt-4 flex flex-wrap gap-2">
        <Button variant="secondary" onClick={onBack}>
          Back
        </Button>
        <Button disabled={!allRight} busy={busy} onClick={finish}>
          Create wallet
        </Button>
      </div>
    </Card>
  );
}
