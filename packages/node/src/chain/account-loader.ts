import type { Account } from '@hackcoin/core';

/**
 * Runs a synchronous state transition over accounts batch-read in advance.
 * Contract code can pay, or read the balance of, accounts nobody could list
 * beforehand; a read of an account that was not loaded is recorded, and the
 * transition (deterministic, and side-effect free until its result is
 * written) is run again with those accounts loaded. Blocks of plain
 * transfers preload everything and run once.
 */
export async function withAccounts<T>(
  keys: readonly string[],
  read: (keys: readonly string[]) => Promise<Map<string, Account>>,
  run: (load: (key: string) => Account | undefined) => T,
): Promise<T> {
  const accounts = await read(keys);
  const loaded = new Set(keys);
  for (let round = 0; ; round++) {
    const missing = new Set<string>();
    const load = (k: string): Account | undefined => {
      if (!loaded.has(k)) missing.add(k);
      return accounts.get(k);
    };
    let result: T;
    try {
      result = run(load);
    } catch (e) {
      if (missing.size === 0) throw e;
      result = undefined as T;
    }
    if (missing.size === 0) return result;
    if (round > 1000) throw new Error('account loading did not converge');
    const more = [...missing];
    for (const [k, v] of await read(more)) accounts.set(k, v);
    for (const k of more) loaded.add(k);
  }
}
