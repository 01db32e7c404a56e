import { Wallet, hexToBytes, normalizeMnemonic, validateMnemonic, WalletError } from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { intFlag } from '../options.js';
import { promptHidden, readStdin } from '../prompt.js';
import { bip39Passphrase, existingPassword, newPassword, readSecretFile } from '../secrets.js';
import { readKeystore, unlockWallet, walletExists, writeKeystore } from '../store.js';

const RAW_KEY = /^(0x)?[0-9a-fA-F]{64}$/;

/** The secret never comes from argv (visible in `ps` and shell history): a file, the terminal, or piped stdin. */
async function readSecret(ctx: CommandContext): Promise<string> {
  const file = ctx.opts.flags['secret-file'];
  if (file !== undefined) return readSecretFile(file, 'secret-file');
  if (process.stdin.isTTY) return promptHidden('Recovery words or hex private key: ');
  return readStdin();
}

export async function importCommand(ctx: CommandContext): Promise<void> {
  const { opts, out } = ctx;
  // Arguments here are most likely the recovery words themselves: refused without echoing them.
  if (opts.positionals.length > 2) {
    throw usageError('wallet import takes no arguments (not shown: they may be your secret); give the secret with --secret-file, at the prompt, or on stdin');
  }
  const label = opts.flags.label ?? '';
  const count = intFlag(opts.flags.addresses, 'addresses', 1, 1000, 1);
  const text = (await readSecret(ctx)).trim();
  const exists = walletExists(opts.dataDir, opts.walletName);
  let wallet: Wallet;
  let password: string;
  let created: string[];
  if (RAW_KEY.test(text)) {
    const key = hexToBytes(text.replace(/^0x/, ''));
    try {
      if (exists) {
        // A raw key can join an existing wallet; the ciphertext changes, so it is re-encrypted.
        password = await existingPassword(opts, opts.walletName);
        wallet = await unlockWallet(readKeystore(opts.dataDir, opts.walletName), password, opts.walletName);
        created = [wallet.importPrivateKey(key, label).address];
      } else {
        password = await newPassword(opts, opts.walletName);
        wallet = await Wallet.fromPrivateKey(key, label);
        created = [wallet.list()[0]!.address];
      }
    } catch (e) {
      if (e instanceof CliError) throw e;
      // Never echo the input: the message names the problem only.
      if (e instanceof WalletError) throw usageError(e.message);
      throw usageError('that is not a valid secp256k1 private key');
    } finally {
      key.fill(0);
    }
  } else {
    if (!validateMnemonic(normalizeMnemonic(text))) {
      throw usageError('the secret is neither a valid BIP39 mnemonic (12 or 24 words, checksum) nor a 64-hex-digit private key');
    }
    if (exists) throw usageError(`wallet "${opts.walletName}" already exists; import a mnemonic under a new --wallet name`);
    password = await newPassword(opts, opts.walletName);
    wallet = await Wallet.fromMnemonic(text, await bip39Passphrase(opts));
    // Without a gap-limit scan, addresses beyond the first are derived on request (--addresses N).
    created = Array.from({ length: count }, (_, i) => wallet.newAddress(i === 0 ? label : '').address);
  }
  try {
    const path = writeKeystore(opts.dataDir, opts.walletName, await wallet.toKeystore(password), { create: !exists });
    out.result({ wallet: opts.walletName, file: path, imported: created }, [`Imported into wallet "${opts.walletName}" (${path}):`, ...created.map((a) => `  ${a}`)]);
  } finally {
    wallet.wipe();
  }
}
