import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MempoolEntry } from './entry.js';
import { EvictionIndex } from './eviction-index.js';

/** A pool of sender runs as the mempool keeps them, with the index told of a new last nonce only where the mempool tells it. */
class Pool {
  readonly byId = new Map<string, MempoolEntry>();
  readonly bySender = new Map<string, Map<bigint, MempoolEntry>>();
  private next = 0;
  readonly index = new EvictionIndex(
    (e) => this.byId.get(e.id) === e && this.tail(e.senderKey) === e,
    () => [...this.bySender.keys()].map((k) => this.tail(k)!),
    () => this.bySender.size,
  );

  tail(sender: string): MempoolEntry | undefined {
    let t: MempoolEntry | undefined;
    for (const e of this.bySender.get(sender)?.values() ?? []) if (!t || e.tx.nonce > t.tx.nonce) t = e;
    return t;
  }

  add(sender: string, feeRate: number): void {
    const run = this.bySender.get(sender) ?? new Map<bigint, MempoolEntry>();
    const nonce = BigInt(run.size === 0 ? 0 : Number(this.tail(sender)!.tx.nonce) + 1);
    const e = { id: `tx${this.next++}`, senderKey: sender, feeRate, tx: { nonce } } as unknown as MempoolEntry;
    run.set(nonce, e);
    this.bySender.set(sender, run);
    this.byId.set(e.id, e);
    if (!run.has(nonce + 1n)) this.index.touch(e);
  }

  /** A richer transaction in place of one pending (same sender and nonce). */
  replace(old: MempoolEntry, feeRate: number): void {
    this.remove(old);
    const run = this.bySender.get(old.senderKey) ?? new Map<bigint, MempoolEntry>();
    const e = { id: `tx${this.next++}`, senderKey: old.senderKey, feeRate, tx: { nonce: old.tx.nonce } } as unknown as MempoolEntry;
    run.set(old.tx.nonce, e);
    this.bySender.set(old.senderKey, run);
    this.byId.set(e.id, e);
    if (!run.has(old.tx.nonce + 1n)) this.index.touch(e);
  }

  remove(e: MempoolEntry): void {
    this.byId.delete(e.id);
    const run = this.bySender.get(e.senderKey)!;
    run.delete(e.tx.nonce);
    if (run.size === 0) this.bySender.delete(e.senderKey);
    else if (!run.has(e.tx.nonce + 1n)) this.index.touch(this.tail(e.senderKey)!);
  }

  /** What the mempool computed before the index: a scan of every other sender's tail. */
  scan(exclude: string): number | undefined {
    let worst: number | undefined;
    for (const k of this.bySender.keys()) if (k !== exclude && (worst === undefined || this.tail(k)!.feeRate < worst)) worst = this.tail(k)!.feeRate;
    return worst;
  }
}

const senders = ['a', 'b', 'c', 'd', 'e', 'f'];
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), sender: fc.constantFrom(...senders), rate: fc.integer({ min: 1, max: 50 }) }),
  fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), rate: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('evict' as const), exclude: fc.constantFrom(...senders, 'none') }),
);

describe('EvictionIndex', () => {
  it('names the cheapest other sender\'s last nonce, as a scan of every sender would, through adds, confirmations and evictions', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const pool = new Pool();
        for (const o of ops) {
          if (o.kind === 'add') pool.add(o.sender, o.rate);
          else if (o.kind === 'replace') {
            const all = [...pool.byId.values()];
            if (all.length > 0) pool.replace(all[o.pick % all.length]!, o.rate);
          } else if (o.kind === 'confirm') {
            // A block confirms some sender's first nonce.
            const keys = [...pool.bySender.keys()];
            if (keys.length === 0) continue;
            const run = pool.bySender.get(keys[o.pick % keys.length]!)!;
            let head: MempoolEntry | undefined;
            for (const e of run.values()) if (!head || e.tx.nonce < head.tx.nonce) head = e;
            pool.remove(head!);
          } else {
            const found = pool.index.lowest(o.exclude);
            expect(found?.feeRate).toBe(pool.scan(o.exclude));
            if (found) {
              expect(found).toBe(pool.tail(found.senderKey));
              expect(found.senderKey).not.toBe(o.exclude);
              pool.remove(found);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('stays within twice the senders plus its slack however many times tails change', () => {
    const pool = new Pool();
    for (let i = 0; i < 20_000; i++) {
      pool.add('a', 1 + (i % 7));
      if (i % 2 === 1) pool.remove([...pool.bySender.get('a')!.values()][0]!);
    }
    const heapSize = (pool.index as unknown as { heap: { size: number } }).heap.size;
    expect(heapSize).toBeLessThanOrEqual(2 * pool.bySender.size + 1024);
    expect(pool.index.lowest('none')).toBe(pool.tail('a'));
  });
});
