import { availableParallelism } from 'node:os';
import { InvalidKeyError, addressFromPublicKey, type Block, type SignatureBackend, type Transaction } from '@hackcoin/core';
import { startBlockSignatures, type BlockSignatures } from './block-signatures.js';
import { QuestionIndex, addressAt, keyInvalidAt, keyValidAt, pack, questionsOf, verdictAt, type Question } from './questions.js';
import { RESULT_SIZE } from './shared-job.js';
import { SignatureCache } from './signature-cache.js';
import { checkWith } from './verify-job.js';
import type { VerifyPool } from './verify-pool.js';

const MAX_THREADS = 64;
/**
 * Requests smaller than this (the mempool's single transactions) arriving in the same turn of
 * the event loop go to the pool as one batch: a message per transaction would cost the main
 * thread about what checking it there does.
 */
const COALESCE_BELOW = 64;

/** Verdicts for the mempool, and the step that caches a transaction's signature once it is admitted. */
export interface PreparedSignatures extends SignatureBackend {
  cacheFor(tx: Transaction): void;
}

/** The signature cache's state and what blocks asked of it, since start. */
export interface SignatureCacheStats {
  entries: number;
  maxEntries: number;
  evictions: number;
  /** Blocks' transfers answered by the cache, and those checked instead. */
  blockHits: number;
  blockMisses: number;
}

interface Batch {
  questions: Question[];
  waiters: { from: number; to: number; resolve: (r: Uint8Array) => void; reject: (e: unknown) => void }[];
}

/**
 * Where signatures are checked: on the verify pool (or the main thread
 * without one), with a cache of signatures already found valid, so the
 * transactions the mempool admitted are not checked again in their block.
 * Whatever answers a question, the rule outcome (bad-txns-sig, and which
 * transaction fails) is the serial path's: only where the curve arithmetic
 * ran changes.
 */
export class SignatureVerifier {
  private readonly blocks = new WeakMap<Block, BlockSignatures>();
  private readonly checkInline: ReturnType<typeof checkWith>;
  private batch: Batch | undefined;
  private blockHits = 0;
  private blockMisses = 0;

  constructor(
    private readonly base: SignatureBackend,
    private readonly pool: VerifyPool | undefined,
    readonly cache: SignatureCache | undefined = new SignatureCache(),
  ) {
    this.checkInline = checkWith(base);
  }

  /**
   * A block's checks, started once per block object, so the chain can start
   * them on arrival and settle them when connecting. Cache entries the block
   * used are spent when it settles; its cache hits and misses count when its checks start.
   */
  forBlock(block: Block): BlockSignatures {
    let s = this.blocks.get(block);
    if (!s) {
      s = startBlockSignatures(block, this.base, this.pool, this.cache);
      this.blocks.set(block, s);
      if (this.cache) {
        this.blockHits += s.cached;
        this.blockMisses += s.unchecked;
      }
    }
    return s;
  }

  /** Undefined without a cache. */
  cacheStats(): SignatureCacheStats | undefined {
    const c = this.cache;
    if (!c) return undefined;
    return { entries: c.size, maxEntries: c.maxEntries, evictions: c.evictions, blockHits: this.blockHits, blockMisses: this.blockMisses };
  }

  /**
   * Checks transactions for the mempool and hands back a backend that answers
   * from the verdicts. Nothing enters the cache until the mempool admits a
   * transaction (`cacheFor`): a validly signed transaction it refuses, e.g.
   * from an unfunded key, costs its author nothing and must not evict the
   * entries of transactions that will be mined.
   */
  async prepare(txs: readonly Transaction[]): Promise<PreparedSignatures> {
    const questions = questionsOf(txs, this.cache);
    const unchecked = questions.filter((q) => !q.cached);
    const results = await this.check(unchecked);
    const index = new QuestionIndex<number>();
    const senders = new Map<Uint8Array, Uint8Array | null>();
    for (const q of questions) {
      if (!q.cached) continue;
      index.add(q, -1);
      senders.set(q.publicKey, q.cached);
    }
    unchecked.forEach((q, i) => {
      index.add(q, i);
      if (keyValidAt(results, i)) senders.set(q.publicKey, addressAt(results, i));
      else if (keyInvalidAt(results, i)) senders.set(q.publicKey, null);
    });
    const base = this.base;
    const cache = this.cache;
    return {
      cacheFor(tx) {
        const [q] = questionsOf([tx], cache);
        if (!q || q.key === undefined || q.cached) return;
        const i = index.find(q.digest, q.signature, q.publicKey);
        if (i !== undefined && i >= 0 && keyValidAt(results, i) && verdictAt(results, i)) cache!.addTx(tx, q.key, addressAt(results, i));
      },
      verify(digest, signature, publicKey) {
        const i = index.find(digest, signature, publicKey);
        if (i === undefined) return base.verify(digest, signature, publicKey);
        return i < 0 || verdictAt(results, i);
      },
      decompress: (publicKey) => base.decompress(publicKey),
      address(publicKey) {
        const a = senders.get(publicKey);
        if (a === null) throw new InvalidKeyError('invalid public key');
        return a ?? addressFromPublicKey(publicKey, base);
      },
    };
  }

  private check(questions: Question[]): Promise<Uint8Array> {
    if (questions.length === 0) return Promise.resolve(new Uint8Array(0));
    if (!this.pool) {
      const out = new Uint8Array(questions.length * RESULT_SIZE);
      this.checkInline(pack(questions), out, true);
      return Promise.resolve(out);
    }
    if (questions.length >= COALESCE_BELOW) return this.pool.check(pack(questions)).results;
    return this.coalesce(this.pool, questions);
  }

  private coalesce(pool: VerifyPool, questions: Question[]): Promise<Uint8Array> {
    let batch = this.batch;
    if (!batch) {
      const b: Batch = { questions: [], waiters: [] };
      batch = this.batch = b;
      setImmediate(() => {
        this.batch = undefined;
        pool.check(pack(b.questions)).results.then(
          (r) => b.waiters.forEach((w) => w.resolve(r.subarray(w.from * RESULT_SIZE, w.to * RESULT_SIZE))),
          (e: unknown) => b.waiters.forEach((w) => w.reject(e)),
        );
      });
    }
    const from = batch.questions.length;
    batch.questions.push(...questions);
    const to = batch.questions.length;
    return new Promise((resolve, reject) => batch.waiters.push({ from, to, resolve, reject }));
  }
}

/**
 * VERIFY_THREADS: worker threads for signature checks; 0 checks on the main thread. Default:
 * one fewer than the cores, at least one (Core's -par): the main thread is busy with the
 * block's state meanwhile and takes chunks of its checks when it waits, so one worker per
 * core oversubscribed the machine. On two cores a syncing node's main thread, its bottleneck,
 * lost time to the second worker: 7,900–8,000 tx/s with two workers, 8,400 with one.
 */
export function verifyThreads(env: NodeJS.ProcessEnv): number {
  const raw = env['VERIFY_THREADS'];
  if (raw === undefined || raw === '') return Math.max(1, availableParallelism() - 1);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_THREADS) throw new Error(`VERIFY_THREADS must be an integer from 0 to ${MAX_THREADS}`);
  return n;
}
