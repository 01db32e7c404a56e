import { formatHck, historyCursor } from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { intFlag, takeArgs } from '../options.js';
import { table } from '../output.js';
import { selectedAddresses } from '../own-addresses.js';
import { readKeystore } from '../store.js';

export async function historyCommand(ctx: CommandContext): Promise<void> {
  const { opts, out, node } = ctx;
  takeArgs(opts, 2, []);
  const page = intFlag(opts.flags.page, 'page', 1, 1_000_000, 1);
  const limit = intFlag(opts.flags.limit, 'limit', 1, 100, 20);
  // A cursor (the `more: --before` of the previous page) reaches any depth; page numbers stop at 10,000 rows.
  const before = opts.flags.before;
  if (before !== undefined && !historyCursor.safeParse(before).success) throw usageError(`invalid --before "${before.slice(0, 40)}": expected <height>:<index> as printed after "more:"`);
  if (before !== undefined && opts.flags.page !== undefined) throw usageError('--before and --page cannot be combined: the cursor says where the page starts');
  const query = before === undefined ? { page, limit } : { before, limit };
  const file = readKeystore(opts.dataDir, opts.walletName);
  const results = [];
  const lines: string[] = [];
  for (const a of selectedAddresses(file, opts.flags.address, opts.walletName)) {
    const h = await node.call('GET /api/address/:address/history', { address: a.address }, { query });
    const entries = h.entries.map((e) => ({ ...e, amount: formatHck(BigInt(e.amount)), fee: formatHck(BigInt(e.fee)) }));
    results.push({ address: a.address, label: a.label, page, limit, hasMore: h.hasMore, next: h.next ?? null, entries });
    lines.push(`${a.address}${a.label ? ` (${a.label})` : ''}`);
    if (entries.length === 0) lines.push('  no transactions' + (page > 1 || before !== undefined ? ' on this page' : ''));
    else {
      lines.push(
        ...table(
          entries.map((e) => [
            '  ' + new Date(e.time * 1000).toISOString().replace('T', ' ').slice(0, 19),
            e.direction === 'in' ? 'IN ' : e.direction === 'out' ? 'OUT' : 'SELF',
            (e.direction === 'in' ? '+' : e.direction === 'out' ? '-' : '') + e.amount,
            e.type === 'coinbase' ? 'mined' : e.counterparty ?? '',
            e.status === 'pending' ? 'pending' : `${e.confirmations} conf`,
            e.id,
          ]),
        ),
      );
    }
    if (h.next) lines.push(`  more: --address ${a.address} --before ${h.next}`);
    else if (h.hasMore) lines.push(`  more: --page ${page + 1}`);
  }
  out.result({ wallet: opts.walletName, unit: 'HCK', addresses: results }, lines);
}
