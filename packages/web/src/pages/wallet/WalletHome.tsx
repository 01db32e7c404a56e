import { useEffect, useState } from 'react';
import type { Wallet } from '@hackcoin/core';
import { Button } from '../../components/Button';
import { useWallet } from '../../state/wallet';
import { AddressList } from './AddressList';
import { TokenBalances } from '../../components/TokenBalances';
import { BalanceCard } from './BalanceCard';
import { History } from './History';
import { ReceiveCard } from './ReceiveCard';
import { SendForm } from './SendForm';

export function WalletHome({ wallet }: { wallet: Wallet }) {
  const { setUnlocked, keystore, version } = useWallet();
  const list = wallet.list();
  const [selected, setSelected] = useState(list[0]?.address ?? '');
  useEffect(() => {
    if (!wallet.has(selected) && list[0]) setSelected(list[0].address);
  }, [wallet, selected, list, version]);

  const backup = () => {
    if (!keystore) return;
    const url = URL.createObjectURL(new Blob([keystore], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'hackcoin-keystore.json';
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="secondary" onClick={backup}>
          Download encrypted backup
        </Button>
        <Button variant="secondary" onClick={() => setUnlocked(null)}>
          Lock wallet
        </Button>
      </div>
      <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
        <AddressList wallet={wallet} selected={selected} onSelect={setSelected} />
        {selected && (
          <div className="min-w-0 space-y-4">
            <BalanceCard address={selected} />
            <TokenBalances address={selected} />
            <div className="grid gap-4 xl:grid-cols-2">
              <SendForm wallet={wallet} from={selected} />
              <ReceiveCard address={selected} label={wallet.has(selected) ? wallet.get(selected).label : ''} />
            </div>
            <History address={selected} />
          </div>
        )}
      </div>
    </div>
  );
}
