import {
  generateMnemonic as bip39Generate,
  mnemonicToSeed as bip39ToSeed,
  validateMnemonic as bip39Validate,
} from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { WalletError } from './errors.js';

export type MnemonicWordCount = 12 | 24;

const STRENGTH_BITS: Record<MnemonicWordCount, number> = { 12: 128, 24: 256 };

/**
 * Canonical form of a typed phrase: BIP39 hashes the exact string, so stray
 * spaces, newlines or capitals would silently produce a different wallet.
 */
export function normalizeMnemonic(mnemonic: string): string {
  return mnemonic.normalize('NFKD').trim().toLowerCase().split(/\s+/u).join(' ');
}

/** A fresh BIP39 English phrase from the platform CSPRNG (24 words unless asked for 12). */
export function generateMnemonic(words: MnemonicWordCount = 24): string {
  const strength = STRENGTH_BITS[words];
  if (strength === undefined) throw new WalletError('a mnemonic has 12 or 24 words');
  return bip39Generate(wordlist, strength);
}

/** True when every word is in the English list and the checksum matches (12-24 words). */
export function validateMnemonic(mnemonic: string): boolean {
  return bip39Validate(normalizeMnemonic(mnemonic), wordlist);
}

/**
 * The 64-byte BIP39 seed. Rejects an invalid phrase: BIP39 itself would hash
 * anything, but a typo must not quietly open an empty wallet. The passphrase
 * (the "25th word") is used as given apart from NFKD, as the standard says.
 */
export async function mnemonicToSeed(mnemonic: string, passphrase = ''): Promise<Uint8Array> {
  const phrase = normalizeMnemonic(mnemonic);
  if (!bip39Validate(phrase, wordlist)) throw new WalletError('invalid mnemonic: unknown word or bad checksum');
  return bip39ToSeed(phrase, passphrase);
}
