import type { Database } from '../store/db.js';
import { Prefix, key } from '../store/keys.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { ShareRecord, WindowChange } from './pplns.js';

/**
 * Mirrors the PPLNS window in LevelDB so a restart does not forget the
 * shares miners have already worked for. Writes are serialised so a share
 * and its later eviction always land in order.
 */
export class PplnsStore {
  private readonly queue = new SerialQueue();

  constructor(private readonly db: Database) {}

  async load(): Promise<{ seq: number; share: ShareRecord }[]> {
    const out: { seq: number; share: ShareRecord }[] = [];
    for await (const [k, v] of this.db.iterator({ gte: key(Prefix.poolShare), lt: key(Prefix.poolShare + 1) })) {
      const share = decode(v);
      if (share) out.push({ seq: seqOf(k), share });
    }
    return out;
  }

  record(change: WindowChange): Promise<void> {
    return this.queue.run(() =>
      this.db.batch([
        { type: 'put', key: shareKey(change.added.seq), value: new TextEncoder().encode(JSON.stringify(change.added.share)) },
        ...change.evicted.map((seq) => ({ type: 'del' as const, key: shareKey(seq) })),
      ]),
    );
  }

  forget(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return Promise.resolve();
    return this.queue.run(() => this.db.batch(seqs.map((seq) => ({ type: 'del' as const, key: shareKey(seq) }))));
  }

  /** Resolves once every queued write has reached the database. */
  flush(): Promise<void> {
    return this.queue.run(async () => undefined);
  }
}

function shareKey(seq: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(seq));
  return key(Prefix.poolShare, b);
}

function seqOf(k: Uint8Array): number {
  return Number(new DataView(k.buffer, k.byteOffset + 1, 8).getBigUint64(0));
}

function decode(v: Uint8Array): ShareRecord | null {
  try {
    const j = JSON.parse(new TextDecoder().decode(v)) as Partial<ShareRecord>;
    if (typeof j.address !== 'string' || typeof j.worker !== 'string' || typeof j.difficulty !== 'number' || typeof j.time !== 'number') return null;
    return { address: j.address, worker: j.worker, difficulty: j.difficulty, time: j.time };
  } catch {
    return null;
  }
}
