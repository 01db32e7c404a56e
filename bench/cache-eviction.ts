import { performance } from 'node:perf_hooks';
import { OldestFirst } from '../packages/node/src/util/oldest-first.js';
import { Fifo } from '../packages/node/src/util/fifo.js';

const CAPACITY = 32_768;
const INSERTS = 200_000;

function fill(): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < CAPACITY; i++) m.set(`k${i}`, i);
  return m;
}

/** µs per insert into a full cache that evicts its oldest entry, by `evict`. */
function perInsert(evict: (m: Map<string, number>) => void): number {
  const m = fill();
  const t0 = performance.now();
  for (let i = CAPACITY; i < CAPACITY + INSERTS; i++) {
    m.set(`k${i}`, i);
    evict(m);
  }
  return ((performance.now() - t0) * 1000) / INSERTS;
}

/** µs per push and shift on a queue that holds `held` items (the pool's PPLNS window and hash-rate log hold 100,000 shares). */
function perShift(held: number, queue: { push(x: { t: number }): void; shift(): unknown }): number {
  for (let i = 0; i < held; i++) queue.push({ t: i });
  const t0 = performance.now();
  for (let i = 0; i < INSERTS; i++) {
    queue.push({ t: i });
    queue.shift();
  }
  return ((performance.now() - t0) * 1000) / INSERTS;
}

/**
 * A cache bounded by count (the chain's accounts, the signature cache, recent ids) that a
 * stranger keeps full: each insert evicts the oldest entry. A fresh iterator per eviction walks
 * every slot V8 left from earlier deletions (util/oldest-first.ts); one kept iterator does not.
 * Likewise a long array used as a queue: past some length V8's shift moves every element.
 */
export async function runCacheEvictionBench(): Promise<Record<string, number | string>> {
  const fresh = perInsert((m) => m.delete(m.keys().next().value as string));
  let oldest: OldestFirst<string> | undefined;
  const kept = perInsert((m) => (oldest ??= new OldestFirst(m)).evict());
  return {
    [`insert + evict into a full ${CAPACITY.toLocaleString('en')}-entry Map, µs: fresh iterator (map.keys().next())`]: fresh.toFixed(2),
    'the same, one kept iterator (OldestFirst), µs': kept.toFixed(2),
    'push + shift on a queue holding 100,000, µs: Array': perShift(100_000, []).toFixed(2),
    'the same, Fifo (head index), µs': perShift(100_000, new Fifo()).toFixed(2),
  };
}
