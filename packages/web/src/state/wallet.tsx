import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Wallet } from '@hackcoin/core';
import { loadKeystoreText, removeKeystore, saveKeystoreText, storedAddresses, type StoredAddress } from '../lib/keystore-storage';
import { clearSession, hasSession, IDLE_LOCK_MS, rememberWallet, touchSession } from '../lib/session-wallet';

/**
 * Holds the unlocked wallet and the stored keystore text. The unlocked wallet
 * survives a reload of this tab through an encrypted session (lib/session-wallet)
 * and locks after IDLE_LOCK_MS without activity. Only types come from core
 * here: the crypto code loads with the wallet page, or when a session is restored.
 */
interface WalletCtx {
  wallet: Wallet | null;
  /** A saved session is being opened: pages wait instead of asking for the password. */
  restoring: boolean;
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
const ACTIVITY = ['pointerdown', 'keydown'] as const;

export function WalletProvider({ children }: { children: ReactNode }) {
  const [wallet, setWallet] = useState<Wallet | null>(null);
  const [restoring, setRestoring] = useState(() => hasSession());
  const [keystore, setKeystore] = useState<string | null>(() => loadKeystoreText());
  const [version, setVersion] = useState(0);
  const touch = useCallback(() => setVersion((v) => v + 1), []);
  const setUnlocked = useCallback((w: Wallet | null) => {
    setWallet((old) => {
      if (old && old !== w) old.wipe();
      return w;
    });
    setVersion((v) => v + 1);
    if (!w) void clearSession();
  }, []);

  // Reopen this tab's session once; a stale key from an earlier browser session is deleted.
  useEffect(() => {
    if (!hasSession()) {
      void clearSession();
      return;
    }
    let live = true;
    import('../lib/session-restore')
      .then((m) => m.restoreWallet())
      .then((w) => live && w && setWallet(w))
      .catch(() => clearSession())
      .finally(() => live && setRestoring(false));
    return () => {
      live = false;
    };
  }, []);

  // Every change of the unlocked wallet (unlock, new address, label) is saved to the session.
  useEffect(() => {
    if (!wallet) return;
    // A wallet locked meanwhile is wiped and refuses: then there is nothing to save.
    rememberWallet(wallet).catch(() => undefined);
  }, [wallet, version]);

  // Idle timeout: activity pushes the deadline back; a check each half minute locks once it passed.
  useEffect(() => {
    if (!wallet) return;
    let last = Date.now();
    const active = () => {
      if (Date.now() - last < 10_000) return;
      last = Date.now();
      touchSession();
    };
    for (const e of ACTIVITY) window.addEventListener(e, active, { passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= IDLE_LOCK_MS || !hasSession()) setUnlocked(null);
    }, 30_000);
    return () => {
      for (const e of ACTIVITY) window.removeEventListener(e, active);
      clearInterval(timer);
    };
  }, [wallet, setUnlocked]);

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
    () => ({ wallet, restoring, keystore, addresses: storedAddresses(keystore), version, setUnlocked, saveKeystore, forget, touch }),
    [wallet, restoring, keystore, version, setUnlocked, saveKeystore, forget, touch],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/**
 * Addresses to pay a reward to: derived from the keys once the wallet is unlocked, else the
 * keystore's clear metadata, which anything in this origin could have rewritten (`verified` false:
 * say so beside them).
 */
export const UNVERIFIED_ADDRESSES = 'Wallet addresses from the stored file (unverified): unlock the wallet to check them.';

export function useOwnAddresses(): { addresses: { address: string; label?: string }[]; verified: boolean } {
  const { wallet, addresses, version } = useWallet();
  return useMemo(
    () => (wallet ? { addresses: wallet.list().map((a) => ({ address: a.address, label: a.label })), verified: true } : { addresses, verified: false }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [wallet, addresses, version],
  );
}

export function useWallet(): WalletCtx {
  const c = useContext(Ctx);
  if (!c) throw new Error('useWallet outside WalletProvider');
  return c;
}
