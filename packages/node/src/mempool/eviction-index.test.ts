import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { MempoolEntry } from './entry.js';
import { EvictionIndex, worstSuffix } from './eviction-index.js';

/** Sender runs as the mempool keeps them (gap-free), telling the index of every change as the mempool does. */
class Pool {
  readonly bySender = new Map<string, Map<bigint, MempoolEntry>>();
  private next = 0;
  /** Runs the index has looked up (rescoring one is a pass over it). */
  reads = 0;
  readonly index = new EvictionIndex((k) => {
    this.reads++;
    return this.bySender.get(k);
  });

  entry(sender: string, nonce: bigint, fee: number, vsize: number): MempoolEntry {
    return { id: `tx${this.next++}`, senderKey: sender, fee: BigInt(fee), vsize, feeRate: fee / vsize, tx: { nonce } } as unknown as MempoolEntry;
  }

  add(sender: string, fee: number, vsize = 100): void {
    const run = this.bySender.get(sender) ?? new Map<bigint, MempoolEntry>();
    const nonce = run.size === 0 ? 0n : max(run.keys()) + 1n;
    run.set(nonce, this.entry(sender, nonce, fee, vsize));
    this.bySender.set(sender, run);
    this.index.touch(sender);
  }

  replace(sender: string, nonce: bigint, fee: number, vsize: number): void {
    this.bySender.get(sender)!.set(nonce, this.entry(sender, nonce, fee, vsize));
    this.index.touch(sender);
  }

  remove(sender: string, nonce: bigint): void {
    const run = this.bySender.get(sender)!;
    run.delete(nonce);
    if (run.size === 0) this.bySender.delete(sender);
    this.index.touch(sender);
  }

  /** Every suffix of every other sender's run, scored from scratch. */
  scan(exclude: string): { sender: string; from: bigint; rate: number }[] {
    const out: { sender: string; from: bigint; rate: number }[] = [];
    for (const [sender, run] of this.bySender) {
      if (sender === exclude) continue;
      const nonces = [...run.keys()].sort((a, b) => (a < b ? -1 : 1));
      for (const from of nonces) {
        const rest = nonces.filter((n) => n >= from).map((n) => run.get(n)!);
        const fee = rest.reduce((s, e) => s + e.fee, 0n);
        const vsize = rest.reduce((s, e) => s + e.vsize, 0);
        out.push({ sender, from, rate: Number(fee) / vsize });
      }
    }
    return out;
  }
}

function max(xs: Iterable<bigint>): bigint {
  let m: bigint | undefined;
  for (const x of xs) if (m === undefined || x > m) m = x;
  return m!;
}

function min(xs: Iterable<bigint>): bigint {
  let m: bigint | undefined;
  for (const x of xs) if (m === undefined || x < m) m = x;
  return m!;
}

const senders = ['a', 'b', 'c', 'd', 'e'];
const fee = fc.constantFrom(100, 150, 200, 1_000, 5_000, 20_000);
const op = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), sender: fc.constantFrom(...senders), fee, vsize: fc.constantFrom(100, 150, 400) }) },
  fc.record({ kind: fc.constant('confirm' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), fee, vsize: fc.constantFrom(100, 150, 400) }),
  fc.record({ kind: fc.constant('evict' as const), exclude: fc.constantFrom(...senders, 'none') }),
);

describe('EvictionIndex', () => {
  it("names the lowest-scoring suffix of any other sender's run, as scoring every suffix from scratch would, through adds, replacements, confirmations and evictions", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const pool = new Pool();
        for (const o of ops) {
          const keys = [...pool.bySender.keys()];
          if (o.kind === 'add') pool.add(o.sender, o.fee, o.vsize);
          else if (o.kind === 'replace') {
            if (keys.length === 0) continue;
            const sender = keys[o.pick % keys.length]!;
            const nonces = [...pool.bySender.get(sender)!.keys()];
            pool.replace(sender, nonces[o.pick % nonces.length]!, o.fee, o.vsize);
          } else if (o.kind === 'confirm') {
            // A block confirms some sender's first nonce.
            if (keys.length === 0) continue;
            const sender = keys[o.pick % keys.length]!;
            pool.remove(sender, min(pool.bySender.get(sender)!.keys()));
          } else {
            const found = pool.index.lowest(o.exclude);
            const all = pool.scan(o.exclude);
            const lowest = Math.min(...all.map((s) => s.rate));
            if (all.length === 0) {
              expect(found).toBeUndefined();
              continue;
            }
            expect(found!.feeRate).toBe(lowest);
            expect(found!.senderKey).not.toBe(o.exclude);
            const run = pool.bySender.get(found!.senderKey)!;
            expect(found!.to).toBe(max(run.keys()));
            // The shortest of that sender's suffixes at that score.
            const tied = all.filter((s) => s.sender === found!.senderKey && s.rate === lowest).map((s) => s.from);
            expect(found!.from).toBe(max(tied));
            for (let n = found!.to; n >= found!.from; n--) pool.remove(found!.senderKey, n);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('judges a high-fee tail with the low-fee nonces under it, and a run paying one rate by its last nonce alone', () => {
    const pool = new Pool();
    for (let i = 0; i < 126; i++) pool.add('pinner', 100);
    pool.add('pinner', 6_000);
    pool.add('pinner', 6_000);
    pool.add('honest', 300);
    pool.add('honest', 300);
    expect(pool.index.lowest('none')).toMatchObject({ senderKey: 'pinner', from: 0n, to: 127n, count: 128 });
    expect(pool.index.lowest('pinner')).toMatchObject({ senderKey: 'honest', from: 1n, to: 1n, feeRate: 3 });
  });

  it('stays within twice the senders plus its slack however often runs change', () => {
    const pool = new Pool();
    for (let i = 0; i < 20_000; i++) {
      const sender = senders[i % senders.length]!;
      pool.add(sender, 100 + (i % 7));
      const run = pool.bySender.get(sender)!;
      // A block confirms the first nonce once the run is at a per-sender bound of 64.
      if (run.size > 64) pool.remove(sender, min(run.keys()));
      pool.index.lowest('none');
    }
    const heapSize = (pool.index as unknown as { heap: { size: number } }).heap.size;
    expect(heapSize).toBeLessThanOrEqual(2 * pool.bySender.size + 1024);
    const worst = senders.map((k) => worstSuffix(k, pool.bySender.get(k)!)!).sort((a, b) => a.feeRate - b.feeRate)[0];
    expect(pool.index.lowest('none')?.feeRate).toBe(worst!.feeRate);
  });

  it('a flood into a full pool of 5,000 senders reads a few runs per admission, not every sender, and forgets emptied senders without being asked', () => {
    const pool = new Pool();
    for (let i = 0; i < 5_000; i++) for (let n = 0; n < 8; n++) pool.add(`s${i}`, 100 + ((i * 7 + n) % 13) * 50);
    pool.index.lowest('none');
    pool.reads = 0;
    // Each newcomer evicts the lowest package, then joins (a new sender, or the tail of one).
    for (let i = 0; i < 5_000; i++) {
      const worst = pool.index.lowest(`n${i}`)!;
      for (let n = worst.to; n >= worst.from; n--) pool.remove(worst.senderKey, n);
      pool.add(i % 2 === 0 ? `n${i}` : `s${i}`, 10_000);
    }
    expect(pool.reads / 5_000).toBeLessThan(12);
    for (const k of [...pool.bySender.keys()]) for (const n of [...pool.bySender.get(k)!.keys()]) pool.remove(k, n);
    const internals = pool.index as unknown as { dirty: Set<string>; current: Map<string, unknown> };
    expect(internals.dirty.size + internals.current.size).toBe(0);
  });
});
