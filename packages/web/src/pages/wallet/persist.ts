import { parseKeystore, serializeKeystore, Wallet, type ScryptParams } from '@hackcoin/core';

/**
 * scrypt cost of the keystores this app writes: N = 2^17, r = 8, p = 1 (128 MiB; OWASP's minimum,
 * geth's standard keystore uses 2^18). Keystores written before used core's default N = 2^15; every
 * keystore names its own cost in `kdf` (n, r, p), so those still open with the cost they were made with, within
 * the bounds core's parser puts on a stored cost before any scrypt work (at most 256 MiB).
 */
export const WEB_SCRYPT: Readonly<ScryptParams> = Object.freeze({ n: 2 ** 17, r: 8, p: 1 });

/** Full encryption (new wallet, imported key): needs the password. Writes WEB_SCRYPT into the keystore. */
export async function encryptWallet(wallet: Wallet, password: string): Promise<string> {
  return serializeKeystore(await wallet.toKeystore(password, { scrypt: WEB_SCRYPT }));
}

/** Labels and new HD addresses only change the clear metadata: no password needed. */
export function updateMeta(wallet: Wallet, keystoreText: string): string {
  return serializeKeystore(wallet.updateKeystore(parseKeystore(keystoreText)));
}
