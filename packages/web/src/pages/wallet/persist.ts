import { parseKeystore, serializeKeystore, Wallet } from '@hackcoin/core';

/** Full encryption (new wallet, imported key): needs the password. */
export async function encryptWallet(wallet: Wallet, password: string): Promise<string> {
  return serializeKeystore(await wallet.toKeystore(password));
}

/** Labels and new HD addresses only change the clear metadata: no password needed. */
export function updateMeta(wallet: Wallet, keystoreText: string): string {
  return serializeKeystore(wallet.updateKeystore(parseKeystore(keystoreText)));
}
