/** Misuse of the wallet API (unknown address, bad index, no seed, ...). */
export class WalletError extends Error {
  override name = 'WalletError';
}

/**
 * Anything wrong with a keystore file. A wrong password and a tampered file
 * deliberately share one message: AES-GCM cannot tell them apart, and
 * guessing would only mislead the user.
 */
export class KeystoreError extends Error {
  override name = 'KeystoreError';
}

export const WRONG_PASSWORD_MESSAGE = 'wrong password or corrupted keystore';
