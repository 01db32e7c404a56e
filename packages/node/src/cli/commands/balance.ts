import { formatHck, type BalanceSummary } from '@hackcoin/core';
import { addressState } from '../chain-info.js';
import type { CommandContext } from '../context.js';
import { takeArgs } from '../options.js';
import { table } from '../output.js';
import { selectedAddresses } from '../own-addresses.js';
import { readKeystore } from '../store.js';
import { verifiedAccounts } from '../verified.js';

const hck = (b: BalanceSummary) => ({
  confirmed: formatHck(b.confirmed),
  pendingIncoming: formatHck(b.pendingIncoming),
  pendingOutgoing: formatHck(b.pendingOutgoing),
  available: formatHck(b.available),
});

export async function balanceCommand(ctx: CommandContext): Promise<void> {
  const { opts, out, node } = ctx;
  takeArgs(opts, 2, []);
  const file = readKeystore(opts.dataDir, opts.walletName);
  const rows = [];
  const total: BalanceSummary = { confirmed: 0n, pendingIncoming: 0n, pendingOutgoing: 0n, available: 0n };
  const selected = selectedAddresses(file, opts.flags.address, opts.walletName);
  const verified = opts.flags.verify === true ? await verifiedAccounts(ctx, selected.map((a) => a.address)) : undefined;
  for (const a of selected) {
    const s = await addressState(node, a.address);
    for (const k of Object.keys(total) as (keyof BalanceSummary)[]) total[k] += s.balance[k];
    const v = verified?.get(a.address);
    // The chain verified against, for the user to compare with another node's or a block explorer's: a chain forged from genesis has little work.
    const proven = v
      ? { verified: { balance: formatHck(v.balance), nonce: v.nonce.toString(), height: v.height, block: v.blockId, tipHeight: v.tip.height, chainWork: v.tip.chainWork.toString(16) } }
      : {};
    rows.push({ address: a.address, label: a.label, ...hck(s.balance), pendingTxs: s.pending.length, height: s.height, ...proven });
  }
  const lines = table([
    ['address', 'confirmed', 'pending in', 'pending out', 'available', 'label'],
    ...rows.map((r) => [r.address, r.confirmed, r.pendingIncoming, r.pendingOutgoing, r.available, r.label]),
    ...(rows.length > 1 ? [['total', ...Object.values(hck(total)), '']] : []),
  ]);
  const proofLines = rows.flatMap((r) =>
    r.verified ? [`${r.address}: ${r.verified.balance} HCK, nonce ${r.verified.nonce}, verified at height ${r.verified.height} (${r.verified.block}) on a chain of height ${r.verified.tipHeight}, work ${r.verified.chainWork}`] : [],
  );
  const source = verified ? '(amounts in HCK, reported by the node; pending out includes fees)' : '(amounts in HCK, reported by the node and unverified: --verify proves them; pending out includes fees)';
  const differ = rows.filter((r) => r.verified && r.verified.height === r.height && r.verified.balance !== r.confirmed);
  out.result({ wallet: opts.walletName, unit: 'HCK', addresses: rows, total: hck(total) }, [
    ...lines,
    source,
    ...proofLines,
    ...differ.map((r) => `warning: the node reports ${r.confirmed} HCK confirmed at ${r.address}, but its proof at the same height says ${r.verified!.balance}: do not trust this node`),
  ]);
}
