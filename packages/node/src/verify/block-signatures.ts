import { addressFromPublicKey, blockAccountKeys, type Block, type SignatureBackend } from '@hackcoin/core';
import { QuestionIndex, addressAt, keyValidAt, pack, questionsOf, verdictAt, type Question } from './questions.js';
import type { SignatureCache } from './signature-cache.js';
import type { CheckJob, VerifyPool } from './verify-pool.js';

/** Below this many unchecked transfers a block is checked on the main thread: a round trip to a worker costs more. */
export const INLINE_BELOW = 8;

/**
 * A block's signature checks, running on the verify pool while the main
 * thread does the rest of the block's work (Bitcoin Core's CCheckQueue:
 * start the checks, connect, then wait for them).
 */
export interface BlockSignatures {
  /**
   * For the state transition: it answers a checked signature true at once,
   * provisionally; settle() gives the verdict. Sender addresses come from the
   * cache, a worker's finished answer or, failing both, the base backend, so
   * an invalid key throws exactly as in the serial path.
   */
  readonly backend: SignatureBackend;
  /**
   * Resolves when every signature verified. Otherwise rejects with the error
   * the serial path throws for the first failing transfer: it checks every
   * signature before any state rule, so a signature failure outranks whatever
   * the provisional run concluded. The main thread checks what is left
   * instead of waiting idle.
   */
  settle(): Promise<void>;
}

export function startBlockSignatures(
  block: Block,
  base: SignatureBackend,
  pool: VerifyPool | undefined,
  cache: SignatureCache | undefined,
): BlockSignatures {
  const questions = questionsOf(block.txs, cache);
  const cachedKeys: string[] = [];
  const senders = new Map<Uint8Array, Uint8Array>();
  const unchecked: Question[] = [];
  for (const q of questions) {
    if (q.cached) {
      senders.set(q.publicKey, q.cached);
      cachedKeys.push(q.key!);
    } else {
      unchecked.push(q);
    }
  }
  const known = new QuestionIndex<number>();
  for (const q of questions) if (q.cached) known.add(q, -1);
  const job = pool && unchecked.length >= INLINE_BELOW ? pool.check(pack(unchecked)) : undefined;
  const byKey = new Map<Uint8Array, number>();
  if (job) {
    unchecked.forEach((q, i) => {
      known.add(q, i);
      byKey.set(q.publicKey, i);
    });
  }
  const address = (publicKey: Uint8Array): Uint8Array => {
    const s = senders.get(publicKey);
    if (s) return s;
    const i = byKey.get(publicKey);
    if (job && i !== undefined && job.has(i)) {
      if (!keyValidAt(job.partial, i)) throw new Error('invalid public key');
      return addressAt(job.partial, i);
    }
    return addressFromPublicKey(publicKey, base);
  };
  const backend: SignatureBackend = {
    verify: (digest, signature, publicKey) =>
      known.find(digest, signature, publicKey) !== undefined || base.verify(digest, signature, publicKey),
    decompress: (publicKey) => base.decompress(publicKey),
    address,
  };
  let settled: Promise<void> | undefined;
  const settle = async (): Promise<void> => {
    if (job) await judge(block, job, unchecked.length, known, base, address);
    for (const k of cachedKeys) cache!.delete(k);
  };
  return {
    backend,
    settle: () => (settled ??= settle()),
  };
}

async function judge(
  block: Block,
  job: CheckJob,
  count: number,
  known: QuestionIndex<number>,
  base: SignatureBackend,
  address: (publicKey: Uint8Array) => Uint8Array,
): Promise<void> {
  job.help();
  const results = await job.results;
  let ok = true;
  for (let i = 0; i < count && ok; i++) ok = verdictAt(results, i) && keyValidAt(results, i);
  if (ok) return;
  // Rare (a block that fails): ask every question again, serially, from the verdicts, for the serial error.
  blockAccountKeys(block, {
    verify(digest, signature, publicKey) {
      const i = known.find(digest, signature, publicKey);
      if (i === undefined) return base.verify(digest, signature, publicKey);
      return i < 0 || verdictAt(results, i);
    },
    decompress: (publicKey) => base.decompress(publicKey),
    address,
  });
  throw new Error('a failed signature check matched no transfer of the block');
}
