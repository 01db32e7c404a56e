import { useMemo, useState, type FormEvent } from 'react';
import { generateMnemonic, Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { SelectField } from '../../components/Field';
import { CopyButton } from '../../components/CopyButton';
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

function download(mnemonic: string): void {
  const url = URL.createObjectURL(new Blob([`${mnemonic}\n`], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'hackcoin-recovery-phrase.txt';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
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
      <div className="mb-4 flex flex-wrap items-center gap-2 text-sm text-slate-300">
        <span>
          Copy
          <CopyButton text={mnemonic} label="Copy recovery phrase" secret />
        </span>
        <Button variant="secondary" onClick={() => download(mnemonic)} data-testid="mnemonic-download">
          Download as a text file
        </Button>
        <span className="text-xs text-slate-500">A copy or file is as secret as the paper: keep it offline, delete it from the clipboard and downloads.</span>
      </div>
      <Button onClick={onNext}>I have written it down</Button>
    </Card>
  );
}

/**
 * Says only "all right" or "not all right", once every word is picked: a
 * verdict per pick would let anyone try options until each one turns green.
 * A failed check draws new positions, so the old picks teach nothing.
 */
function ConfirmMnemonic({ mnemonic, password, onBack }: { mnemonic: string; password: string; onBack: () => void }) {
  const words = useMemo(() => mnemonic.split(' '), [mnemonic]);
  const [round, setRound] = useState(0);
  const challenges = useMemo(() => makeChallenges(words), [words, round]);
  const [answers, setAnswers] = useState<(string | null)[]>(() => challenges.map(() => null));
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const { saveKeystore, setUnlocked } = useWallet();
  const toast = useToast();
  const allPicked = answers.every((a) => a !== null);

  const finish = async () => {
    if (!challenges.every((c, i) => answers[i] === words[c.position])) {
      setFailed(true);
      setRound((r) => r + 1);
      setAnswers(challenges.map(() => null));
      return;
    }
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
      <p className="mb-4 text-sm text-slate-300">Pick the word for each position, then check them together.</p>
      <div className="space-y-4">
        {challenges.map((c, i) => (
          <fieldset key={`${round}-${c.position}`} data-testid="challenge" data-position={c.position + 1}>
            <legend className="mb-2 text-sm font-medium">Word #{c.position + 1}</legend>
            <div className="flex flex-wrap gap-2">
              {c.options.map((w) => {
                const chosen = answers[i] === w;
                const tone = chosen ? 'border-amber-400 bg-slate-800 text-amber-100' : 'border-slate-700 bg-slate-950 hover:border-slate-500';
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
      {failed && (
        <p className="mt-3 text-sm text-rose-300" role="alert" data-testid="confirm-verdict">
          The words do not all match. Check your notes and pick again (new positions), or go back to see the phrase.
        </p>
      )}
      <div className="mt-4 flex flex-wrap gap-2">
        <Button variant="secondary" onClick={onBack}>
          Back
        </Button>
        <Button disabled={!allPicked} busy={busy} onClick={finish}>
          Create wallet
        </Button>
      </div>
    </Card>
  );
}
