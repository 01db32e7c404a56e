import { decodeAccount, hexToBytes, type Account } from '@hackcoin/core';
import type { Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';

/**
 * The synchronous account reader state transitions run on. Accounts a block
 * names (senders, recipients) are batch-read in advance; those only contract
 * code can reach (recipients of contract transfers, balances of called
 * contracts) are read on demand with LevelDB's `getSync`, so a transition
 * runs exactly once, whatever its code touches. Contract code pays the cold
 * account price for each such read (see gas-schedule.ts), which bounds them.
 */
export function accountLoader(
  db: Database,
  keys: readonly string[],
  preloaded: ReadonlyMap<string, Account>,
): (k: string) => Account | undefined {
  const known = new Set(keys);
  return (k) => {
    if (known.has(k)) return preloaded.get(k);
    const raw = db.getSync(key(Prefix.account, hexToBytes(k)));
    return raw === undefined ? undefined : decodeAccount(raw);
  };
}
