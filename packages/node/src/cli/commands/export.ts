import { resolve } from 'node:path';
import { bytesToHex, serializeKeystore } from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { takeArgs } from '../options.js';
import { ownAddress, ownAddresses } from '../own-addresses.js';
import { existingPassword } from '../secrets.js';
import { readKeystore, unlockWallet, writePrivateFile } from '../store.js';

const WARNING = 'WARNING: this is unencrypted key material. Anyone who sees it controls the funds; do not paste it anywhere.';

/**
 * The default export is the encrypted keystore (safe to copy to a backup
 * medium). Plain secrets need an explicit --unsafe-* flag and the password.
 */
export async function exportCommand(ctx: CommandContext): Promise<void> {
  const { opts, out } = ctx;
  takeArgs(opts, 2, []);
  const rawKey = opts.flags['unsafe-raw-key'] === true;
  const showMnemonic = opts.flags['unsafe-mnemonic'] === true;
  if (rawKey && showMnemonic) throw usageError('choose one of --unsafe-raw-key and --unsafe-mnemonic');
  const file = readKeystore(opts.dataDir, opts.walletName);

  if (!rawKey && !showMnemonic) {
    const text = serializeKeystore(file);
    if (opts.flags.out === undefined) {
      process.stdout.write(text);
      return;
    }
    const path = resolve(opts.flags.out);
    writePrivateFile(path, text, true);
    out.result({ wallet: opts.walletName, file: path, encrypted: true }, `Encrypted keystore written to ${path} (mode 0600)`);
    return;
  }
  if (opts.flags.out !== undefined) throw usageError('--out writes the encrypted keystore only; unsafe exports go to the terminal');

  const wallet = await unlockWallet(file, await existingPassword(opts, opts.walletName), opts.walletName);
  try {
    out.note(WARNING);
    if (showMnemonic) {
      const hd = wallet.secret().hd;
      if (!hd) throw usageError(`wallet "${opts.walletName}" has no recovery words (imported keys only): use --unsafe-raw-key`);
      out.result({ wallet: opts.walletName, mnemonic: hd.mnemonic, hasPassphrase: hd.passphrase !== '' }, hd.mnemonic);
      return;
    }
    const first = ownAddresses(file)[0];
    const addrText = opts.flags.address ?? first?.address;
    if (addrText === undefined) throw usageError(`wallet "${opts.walletName}" has no addresses`);
    const address = ownAddress(file, addrText, opts.walletName, 'address').address;
    const key = wallet.keyFor(address);
    try {
      const hex = bytesToHex(key);
      out.result({ wallet: opts.walletName, address, privateKey: hex }, `${address} ${hex}`);
    } finally {
      key.fill(0);
    }
  } finally {
    wallet.wipe();
  }
}
