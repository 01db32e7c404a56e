import type { KeystoreFile } from '@hackcoin/core';
import { userAddress } from './chain-info.js';
import { usageError } from './errors.js';

export interface OwnAddress {
  address: string;
  label: string;
}

/** The wallet's addresses from its clear metadata (no password needed for read-only commands). */
export function ownAddresses(file: KeystoreFile): OwnAddress[] {
  return file.meta.addresses.map((a) => ({ address: userAddress(a.address, 'keystore address'), label: a.label }));
}

/** `--address`/`--from`: must be one of the wallet's own addresses. */
export function ownAddress(file: KeystoreFile, text: string, walletName: string, flag: string): OwnAddress {
  const addr = userAddress(text, `--${flag}`);
  const found = ownAddresses(file).find((a) => a.address === addr);
  if (!found) throw usageError(`unknown address ${addr}: it is not in wallet "${walletName}" (see hackcoin wallet list)`);
  return found;
}

/** One address if --address was given, else all of them. */
export function selectedAddresses(file: KeystoreFile, flag: string | undefined, walletName: string): OwnAddress[] {
  if (flag !== undefined) return [ownAddress(file, flag, walletName, 'address')];
  const all = ownAddresses(file);
  if (all.length === 0) throw usageError(`wallet "${walletName}" has no addresses yet (hackcoin wallet address new)`);
  return all;
}
