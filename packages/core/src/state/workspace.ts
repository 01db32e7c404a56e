import { addressKey } from './commitment.js';
import { EMPTY_ACCOUNT, type Account } from './account.js';

/**
 * Mutable view of the accounts a block touches, over a snapshot the caller
 * preloaded (the node batch-reads them from its database). Records each
 * account's value before its first change so the block can be undone.
 */
export class StateWorkspace {
  private readonly current = new Map<string, { address: Uint8Array; account: Account }>();
  private readonly before = new Map<string, Account | null>();

  constructor(private readonly load: (key: string) => Account | undefined) {}

  get(address: Uint8Array): Account {
    const k = addressKey(address);
    let entry = this.current.get(k);
    if (!entry) {
      const stored = this.load(k);
      this.before.set(k, stored ? { ...stored } : null);
      entry = { address, account: stored ? { ...stored } : { ...EMPTY_ACCOUNT } };
      this.current.set(k, entry);
    }
    return entry.account;
  }

  /** Checkpoint of a few accounts, for rolling back one failed transaction. */
  snapshot(addresses: readonly Uint8Array[]): Map<string, Account | undefined> {
    const snap = new Map<string, Account | undefined>();
    for (const a of addresses) {
      const k = addressKey(a);
      const e = this.current.get(k);
      snap.set(k, e ? { ...e.account } : undefined);
    }
    return snap;
  }

  restore(snap: Map<string, Account | undefined>): void {
    for (const [k, saved] of snap) {
      const e = this.current.get(k);
      if (!e) continue;
      if (saved) e.account = saved;
      else {
        this.current.delete(k);
        this.before.delete(k);
      }
    }
  }

  changes(): Map<string, { address: Uint8Array; account: Account }> {
    return this.current;
  }

  previous(): Map<string, Account | null> {
    return this.before;
  }
}
