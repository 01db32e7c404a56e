import { addressFromPublicKey, blockAccountKeys, type Block, type SignatureBackend } from '@hackcoin/core';
import { QuestionIndex, pack, questionsOf, verdictAt, type Question } from './questions.js';
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
   * cache or the base backend, so an invalid key throws exactly as in the
   * serial path.
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
  /** How many of the block's transfers the signature cache answered, and how many it did not (checked here or on the pool). */
  readonly cached: number;
  readonly unchecked: number;
}

export function startBlockSignatures(
  block: Block,
  base: SignatureBackend,
  pool: VerifyPool | undefined,
  cache: SignatureCache | undefined,
): BlockSignatures {
  // An empty cache (a node that relays nothing, a sync) costs no key hashing.
  const questions = questionsOf(block.txs, cache && cache.size > 0 ? cache : undefined);
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
  // The main thread derives (or remembers) sender addresses itself, since it needs them first: workers only verify.
  const job = pool && unchecked.length >= INLINE_BELOW ? pool.check(pack(unchecked), false) : undefined;
  if (job) unchecked.forEach((q, i) => known.add(q, i));
  // A block whose signatures fail on the main thread does not spend the cache's entries.
  let failedHere = false;
  const address = (publicKey: Uint8Array): Uint8Array => {
    const s = senders.get(publicKey);
    if (s) return s;
    try {
      return addressFromPublicKey(publicKey, base);
    } catch (e) {
      failedHere = true;
      throw e;
    }
  };
  const backend: SignatureBackend = {
    verify(digest, signature, publicKey) {
      if (known.find(digest, signature, publicKey) !== undefined) return true;
      const ok = base.verify(digest, signature, publicKey);
      failedHere ||= !ok;
      return ok;
    },
    decompress: (publicKey) => base.decompress(publicKey),
    address,
  };
  let settled: Promise<void> | undefined;
  const settle = async (): Promise<void> => {
    if (job) await judge(block, job, unchecked.length, known, base, address);
    if (!failedHere) for (const k of cachedKeys) cache!.delete(k);
  };
  return {
    backend,
    settle: () => (settled ??= settle()),
    cached: cachedKeys.length,
    unchecked: unchecked.length,
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
  // A key that is not a point fails verification too; its own error comes from the serial pass below.
  for (let i = 0; i < count && ok; i++) ok = verdictAt(results, i);
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
