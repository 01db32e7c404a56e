import { HDKey } from '@scure/bip32';
import { addressFromPublicKey, isValidPrivateKey, publicKeyFromPrivate } from '../crypto/keys.js';
import { formatAddress } from '../primitives/address.js';
import { WalletError } from './errors.js';

/**
 * SLIP-44 coin type for HackCoin: 0x4843 ("HC" in ASCII) = 18499. It is not
 * registered in SLIP-44 (checked against the registry table, which has no
 * 18499); registering it needs a pull request to satoshilabs/slips. Changing
 * it later would move every user's addresses, so it is fixed here for good.
 */
export const HACKCOIN_COIN_TYPE = 0x4843;

/** BIP44's purpose level. */
export const BIP44_PURPOSE = 44;

/** External (receiving) chain. HackCoin has accounts, not UTXOs, so no change chain is needed. */
export const EXTERNAL_CHAIN = 0;

const HARDENED_LIMIT = 0x8000_0000;

export interface KeyInfo {
  privateKey: Uint8Array;
  /** Compressed SEC1, 33 bytes: what transfers carry. */
  publicKey: Uint8Array;
  address: Uint8Array;
  /** EIP-55 checksummed text form. */
  addressText: string;
}

export interface DerivedKey extends KeyInfo {
  account: number;
  index: number;
  path: string;
}

function checkIndex(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n >= HARDENED_LIMIT) {
    throw new WalletError(`${what} must be an integer in [0, 2^31)`);
  }
}

/** m/44'/18499'/account'/0/index: account hardened so leaking one account's keys never exposes another. */
export function derivationPath(account: number, index: number): string {
  checkIndex(account, 'account');
  checkIndex(index, 'address index');
  return `m/${BIP44_PURPOSE}'/${HACKCOIN_COIN_TYPE}'/${account}'/${EXTERNAL_CHAIN}/${index}`;
}

export function masterKeyFromSeed(seed: Uint8Array): HDKey {
  if (seed.length < 16 || seed.length > 64) throw new WalletError('seed must be 16 to 64 bytes');
  return HDKey.fromMasterSeed(seed);
}

/** Public key and address for a raw secp256k1 private key (also used for imported keys). */
export function keyInfoFromPrivateKey(privateKey: Uint8Array): KeyInfo {
  if (privateKey.length !== 32 || !isValidPrivateKey(privateKey)) {
    throw new WalletError('invalid private key: expected 32 bytes in the secp256k1 range');
  }
  const publicKey = publicKeyFromPrivate(privateKey);
  const address = addressFromPublicKey(publicKey);
  return { privateKey: privateKey.slice(), publicKey, address, addressText: formatAddress(address) };
}

/** The external chain node m/44'/18499'/account'/0, worth caching: children derive from it in one step. */
export function accountChain(root: HDKey, account: number): HDKey {
  if (root.depth !== 0) throw new WalletError('derivation must start from the master key (depth 0)');
  checkIndex(account, 'account');
  return root.derive(`m/${BIP44_PURPOSE}'/${HACKCOIN_COIN_TYPE}'/${account}'/${EXTERNAL_CHAIN}`);
}

/** The key at `index` under a chain node from accountChain(). */
export function deriveFromChain(chain: HDKey, account: number, index: number): DerivedKey {
  const path = derivationPath(account, index);
  const privateKey = chain.deriveChild(index).privateKey;
  if (!privateKey) throw new WalletError('cannot derive private keys from a public-only key');
  return { ...keyInfoFromPrivateKey(privateKey), account, index, path };
}

/** Derives the key at the HackCoin path from a master key (or a raw BIP39 seed). */
export function deriveKey(root: HDKey | Uint8Array, account: number, index: number): DerivedKey {
  const master = root instanceof Uint8Array ? masterKeyFromSeed(root) : root;
  return deriveFromChain(accountChain(master, account), account, index);
}
