import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { intFlag, takeArgs } from '../options.js';
import { existingPassword } from '../secrets.js';
import { readKeystore, unlockWallet, writeKeystore } from '../store.js';

export async function addressCommand(ctx: CommandContext): Promise<void> {
  const { opts, out } = ctx;
  const sub = opts.positionals[2];
  if (sub !== 'new') throw usageError('usage: hackcoin wallet address new [--label TEXT] [--account N]');
  takeArgs(opts, 3, []);
  const account = intFlag(opts.flags.account, 'account', 0, 2 ** 31 - 1, 0);
  const file = readKeystore(opts.dataDir, opts.walletName);
  // Deriving needs the seed, so the wallet is unlocked; only the clear metadata is rewritten.
  const wallet = await unlockWallet(file, await existingPassword(opts, opts.walletName), opts.walletName);
  try {
    if (!wallet.isHd) throw usageError(`wallet "${opts.walletName}" holds only imported keys; it cannot derive new addresses`);
    if (!wallet.accounts().some((a) => a.account === account)) {
      throw usageError(`wallet "${opts.walletName}" has no account ${account} (accounts: ${wallet.accounts().map((a) => a.account).join(', ')})`);
    }
    const a = wallet.newAddress(opts.flags.label ?? '', account);
    writeKeystore(opts.dataDir, opts.walletName, wallet.updateKeystore(file), { create: false });
    out.result({ wallet: opts.walletName, address: a.address, label: a.label, path: a.path }, `${a.address}  ${a.path}${a.label ? `  ${a.label}` : ''}`);
  } finally {
    wallet.wipe();
  }
}
