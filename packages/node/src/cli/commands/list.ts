import { derivationPath } from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { takeArgs } from '../options.js';
import { table } from '../output.js';
import { existingPassword } from '../secrets.js';
import { listWalletNames, readKeystore, unlockWallet } from '../store.js';

export async function listCommand(ctx: CommandContext): Promise<void> {
  const { opts, out } = ctx;
  takeArgs(opts, 2, []);
  const verify = opts.flags.verify === true;
  const names = opts.walletExplicit ? [opts.walletName] : listWalletNames(opts.dataDir);
  if (names.length === 0) {
    out.result({ wallets: [] }, `No wallets in ${opts.dataDir}/wallets (create one with: hackcoin wallet create)`);
    return;
  }
  if (verify && names.length > 1) throw usageError('--verify unlocks one wallet: add --wallet NAME');
  const wallets = [];
  for (const name of names) {
    const file = readKeystore(opts.dataDir, name);
    // The address list is clear metadata anyone could edit; unlocking re-derives and checks every entry.
    if (verify) (await unlockWallet(file, await existingPassword(opts, name), name)).wipe();
    const addresses = file.meta.addresses.map((a) => ({
      address: a.address,
      label: a.label,
      kind: a.kind,
      path: a.kind === 'hd' ? derivationPath(a.account, a.index) : null,
    }));
    wallets.push({ wallet: name, verified: verify, addresses });
  }
  const lines: string[] = [];
  for (const w of wallets) {
    lines.push(`${w.wallet}${w.verified ? ' (verified)' : ''}`);
    lines.push(...table(w.addresses.map((a) => ['  ' + a.address, a.path ?? 'imported', a.label])));
  }
  if (!verify) lines.push('', 'Addresses are read from the keystore without the password; --verify --wallet NAME checks them against the keys.');
  out.result({ wallets }, lines);
}
