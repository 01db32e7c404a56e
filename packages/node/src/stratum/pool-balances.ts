import { formatAddress, parseAddress } from '@hackcoin/core';
import type { Database, KeyedOp } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';

/** What the pool owes one address, and the found block whose share it last took. */
export interface Balance {
  amount: bigint;
  blockHeight: number;
  blockHash: string;
}

/** A found block's reward as the PPLNS window split it. */
export interface Credit {
  height: number;
  hash: string;
  split: ReadonlyMap<string, bigint>;
}

/**
 * What the pool owes each miner, in LevelDB (address → JSON). Every change lands in one batch with
 * the operations the caller passes: a credit with the deletion of its found block's record, a
 * debit with the journal entry of the payout that takes it (payouts.ts), so a crash leaves either
 * both or neither, and a credit is never lost or counted twice.
 *
 * Only balances at or above the payout threshold are held in memory, the ones a pass may pay: at
 * most what is owed / threshold of them. Dust stays on disk and is read when credited again.
 */
export class PoolBalances {
  private readonly due = new Map<string, Balance>();
  /** Rows in the table, and what they owe in all. */
  private rows = 0;
  private owed = 0n;

  constructor(
    private readonly db: Database,
    readonly threshold: bigint,
  ) {}

  /** Reads the table; answers how many rows could not be read (left in place, and not counted). */
  async load(): Promise<number> {
    let unreadable = 0;
    for await (const [k, v] of this.db.iterator({ gte: key(Prefix.poolBalance), lt: key(Prefix.poolBalance + 1) })) {
      const b = k.length === 21 ? decode(v) : null;
      if (!b) {
        unreadable++;
        continue;
      }
      this.rows++;
      this.owed += b.amount;
      if (b.amount >= this.threshold) this.due.set(formatAddress(k.subarray(1)), b);
    }
    return unreadable;
  }

  /** Adds each share of `c.split` but `skip`'s (zero shares make no row), writing `also` in the same batch. */
  async credit(c: Credit, skip: string, also: KeyedOp[]): Promise<void> {
    const shares = [...c.split].filter(([a, v]) => a !== skip && v > 0n);
    const onDisk = shares.filter(([a]) => !this.due.has(a)).map(([a]) => a);
    const values = onDisk.length > 0 ? await this.db.getMany(onDisk.map(keyOf)) : [];
    const stored = new Map(onDisk.map((a, i) => [a, values[i]]));
    const next = shares.map(([a, v]) => {
      // A row load() could not read (and logged) is replaced: what it held is unknown.
      const raw = stored.get(a);
      const before = this.due.get(a) ?? (raw ? decode(raw) : null);
      return { a, before, after: { amount: (before?.amount ?? 0n) + v, blockHeight: c.height, blockHash: c.hash } };
    });
    await this.db.batch([...next.map(({ a, after }) => put(a, after)), ...also]);
    for (const { a, before, after } of next) {
      if (!before) this.rows++;
      this.owed += after.amount - (before?.amount ?? 0n);
      if (after.amount >= this.threshold) this.due.set(a, after);
    }
  }

  /** Removes a due balance whole (its payout is signed), writing `also` in the same batch. */
  async take(address: string, also: KeyedOp[]): Promise<void> {
    const b = this.due.get(address);
    if (!b) throw new Error(`no balance due to ${address}`);
    await this.db.batch([{ type: 'del', key: keyOf(address) }, ...also]);
    this.due.delete(address);
    this.rows--;
    this.owed -= b.amount;
  }

  /** Puts back a balance taken for a payout the mempool refused, writing `also` in the same batch. */
  async restore(address: string, b: Balance, also: KeyedOp[]): Promise<void> {
    await this.db.batch([put(address, b), ...also]);
    this.due.set(address, b);
    this.rows++;
    this.owed += b.amount;
  }

  /** Balances at or above the threshold, largest first (ties by address, so every pass orders them alike). */
  largest(): [string, Balance][] {
    return [...this.due].sort(([a, x], [b, y]) => (x.amount > y.amount ? -1 : x.amount < y.amount ? 1 : a < b ? -1 : 1));
  }

  get dueCount(): number {
    return this.due.size;
  }

  async of(address: string): Promise<bigint> {
    const held = this.due.get(address);
    if (held) return held.amount;
    const [v] = await this.db.getMany([keyOf(address)]);
    return (v && decode(v)?.amount) ?? 0n;
  }

  summary(): { addresses: number; owed: string; due: number; threshold: string } {
    return { addresses: this.rows, owed: this.owed.toString(), due: this.due.size, threshold: this.threshold.toString() };
  }
}

function keyOf(address: string): Uint8Array {
  return key(Prefix.poolBalance, parseAddress(address));
}

function put(address: string, b: Balance): KeyedOp {
  const json = { amount: b.amount.toString(), blockHeight: b.blockHeight, blockHash: b.blockHash };
  return { type: 'put', key: keyOf(address), value: new TextEncoder().encode(JSON.stringify(json)) };
}

function decode(v: Uint8Array): Balance | null {
  try {
    const j = JSON.parse(new TextDecoder().decode(v)) as { amount?: unknown; blockHeight?: unknown; blockHash?: unknown };
    if (typeof j.amount !== 'string' || !/^\d{1,20}$/.test(j.amount) || typeof j.blockHeight !== 'number' || typeof j.blockHash !== 'string') return null;
    return { amount: BigInt(j.amount), blockHeight: j.blockHeight, blockHash: j.blockHash };
  } catch {
    return null;
  }
}
