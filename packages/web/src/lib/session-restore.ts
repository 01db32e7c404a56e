import { hexToBytes, Wallet, type KeystoreMeta } from '@hackcoin/core';
import { loadSession } from './session-wallet';

/**
 * The wallet crypto half of the session (loaded on demand, like the wallet
 * page): rebuilds the Wallet from the saved secret, re-deriving every address
 * exactly as unlocking does.
 */
export async function restoreWallet(): Promise<Wallet | null> {
  const p = await loadSession();
  if (!p) return null;
  return Wallet.fromSecret({ hd: p.secret.hd, imported: p.secret.imported.map(hexToBytes) }, p.meta as KeystoreMeta);
}
