import type { Account } from '@hackcoin/core';

/**
 * The synchronous account reader state transitions run on. Accounts a block
 * names (senders, recipients) are batch-read in advance; those only contract
 * code can reach (recipients of contract transfers, balances of called
 * contracts) are read on demand through `readSync` (LevelDB's `getSync`
 * behind the chain's view of a batch still being written), so a transition
 * runs exactly once, whatever its code touches. Contract code pays the cold
 * account price for each such read (see gas-schedule.ts), which bounds them.
 */
export function accountLoader(
  keys: readonly string[],
  preloaded: ReadonlyMap<string, Account>,
  readSync: (k: string) => Account | undefined,
): (k: string) => Account | undefined {
  const known = new Set(keys);
  return (k) => (known.has(k) ? preloaded.get(k) : readSync(k));
}
