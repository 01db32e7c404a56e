/** Format identifier and version written into every keystore file. */
export const KEYSTORE_FORMAT = 'hackcoin-keystore';
export const KEYSTORE_VERSION = 1;

/** Labels are user text shown in UIs; the cap keeps a hostile file from bloating them. */
export const MAX_LABEL_LENGTH = 128;

export interface HdSecret {
  mnemonic: string;
  /** BIP39 passphrase ("25th word"); empty when unused. */
  passphrase: string;
}

/** What the ciphertext protects. At least one of `hd` and `imported` is non-empty. */
export interface KeystoreSecret {
  hd: HdSecret | null;
  /** Raw 32-byte secp256k1 keys imported one by one. */
  imported: Uint8Array[];
}

export interface AccountMeta {
  /** BIP44 account number (hardened level 3 of the path). */
  account: number;
  name: string;
  /** Address index the next newAddress() on this account will use. */
  nextIndex: number;
}

export type AddressMeta =
  | { kind: 'hd'; address: string; label: string; account: number; index: number }
  | { kind: 'imported'; address: string; label: string };

/**
 * Clear-text, non-secret metadata. It is NOT authenticated by the cipher (so
 * labels can change without the password); Wallet re-derives and checks
 * every address against the secret when it unlocks.
 */
export interface KeystoreMeta {
  accounts: AccountMeta[];
  addresses: AddressMeta[];
}

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  n: number;
  r: number;
  p: number;
}

export interface KeystoreFile {
  format: typeof KEYSTORE_FORMAT;
  version: typeof KEYSTORE_VERSION;
  kdf: { name: 'scrypt'; n: number; r: number; p: number; dkLen: 32; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string };
  /** Hex of AES-GCM output: encrypted payload followed by the 16-byte tag. */
  ciphertext: string;
  meta: KeystoreMeta;
}

export function emptyMeta(): KeystoreMeta {
  return { accounts: [], addresses: [] };
}
