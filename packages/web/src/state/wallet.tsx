import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Wallet } from '@hackcoin/core';
import { loadKeystoreText, removeKeystore, saveKeystoreText, storedAddresses, type StoredAddress } from '../lib/keystore-storage';

/**
 * Holds the unlocked wallet (only in memory) and the stored keystore text.
 * Only types come from core here: the crypto code loads with the wallet page.
 */
interface WalletCtx {
  wallet: Wallet | null;
  keystore: string | null;
  /** Addresses from the keystore's clear metadata (unverified until unlocked). */
  addresses: StoredAddress[];
  /** Bumped after mutating the wallet object (labels, new addresses). */
  version: number;
  setUnlocked: (wallet: Wallet | null) => void;
  saveKeystore: (text: string) => void;
  forget: () => void;
  touch: () => void;
}

const Ctx = createContext<WalletCtx | null>(null);

export function WalletProvider({ children }: { children: ReactNode }) {
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [keystore, setKeystore] = useState<string | null>(() => loadKeystoreText());
  const [version, setVersion] = useState(0);
  const touch = useCallback(() => setVersion((v) => v + 1), []);
  const setUnlocked = useCallback((w: Wallet | null) => {
    setWallet((old) => {
      if (old && old !== w) old.wipe();
      return w;
    });
    setVersion((v) => v + 1);
  }, []);
  const saveKeystore = useCallback((text: string) => {
    saveKeystoreText(text);
    setKeystore(text);
  }, []);
  const forget = useCallback(() => {
    removeKeystore();
    setKeystore(null);
    setUnlocked(null);
  }, [setUnlocked]);
  const value = useMemo<WalletCtx>(
    () => ({ wallet, keystore, addresses: storedAddresses(keystore), version, setUnlocked, saveKeystore, forget, touch }),
    [wallet, keystore, version, setUnlocked, saveKeystore, forget, touch],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useWallet(): WalletCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useWallet outside WalletProvider');
  return c;
}
