import { useState } from 'react';
import { PageTitle } from '../../components/Card';
import { Button } from '../../components/Button';
import { Loading } from '../../components/Notice';
import { useWallet } from '../../state/wallet';
import { CreateWallet } from './CreateWallet';
import { ImportWallet } from './ImportWallet';
import { UnlockForm } from './UnlockForm';
import { WalletHome } from './WalletHome';

function Onboarding() {
  const [mode, setMode] = useState<'create' | 'import'>('create');
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <div role="tablist" aria-label="Set up a wallet" className="flex gap-2">
        {(['create', 'import'] as const).map((m) => (
          <Button key={m} role="tab" aria-selected={mode === m} variant={mode === m ? 'primary' : 'secondary'} onClick={() => setMode(m)}>
            {m === 'create' ? 'Create a new wallet' : 'Import a wallet'}
          </Button>
        ))}
      </div>
      {mode === 'create' ? <CreateWallet /> : <ImportWallet />}
    </div>
  );
}

export default function WalletPage() {
  const { wallet, keystore, restoring } = useWallet();
  return (
    <div className="space-y-4">
      <PageTitle sub="Keys stay in this browser, encrypted with your password. Transactions are signed here; the node only sees signed transactions.">Wallet</PageTitle>
      {wallet ? <WalletHome wallet={wallet} /> : restoring ? <Loading label="Reopening the wallet of this tab…" /> : keystore ? <UnlockForm keystore={keystore} /> : <Onboarding />}
    </div>
  );
}
