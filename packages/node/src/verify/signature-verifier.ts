import { availableParallelism } from 'node:os';
import {
  addressFromPublicKey,
  equalBytes,
  transferSigHash,
  type Block,
  type SignatureBackend,
  type Transaction,
  type TransferTx,
} from '@hackcoin/core';
import { DIGEST_SIZE, ITEM_SIZE, PUB_SIZE, RESULT_SIZE, SIG_SIZE } from './verify-job.js';
import type { VerifyPool } from './verify-pool.js';

/** Below this many transfers a block is checked on the main thread: a round trip to a worker costs more. */
export const INLINE_BELOW = 8;
const MAX_THREADS = 64;
/**
 * Requests smaller than this (the mempool's single transactions) arriving in the same turn of
 * the event loop go to the pool as one batch: a message per transaction would cost the main
 * thread about what checking it there does.
 */
const COALESCE_BELOW = 64;

interface Verdict {
  digest: Uint8Array;
  publicKey: Uint8Array;
  ok: boolean;
}

/**
 * Checks transfers' signatures on the verify pool ahead of the synchronous
 * state transition, and hands back a SignatureBackend that answers from those
 * verdicts. The backend is asked exactly what the serial path asks, in the
 * same order, so rule outcomes (bad-txns-sig and which transaction fails) do
 * not change: only where the curve arithmetic ran does. A question it holds
 * no verdict for (another digest, key or signature) goes to the base backend.
 */
interface Batch {
  txs: TransferTx[];
  waiters: { resolve: (b: SignatureBackend) => void; reject: (e: unknown) => void }[];
}

export class SignatureVerifier {
  private readonly blocks = new WeakMap<Block, Promise<SignatureBackend>>();
  private batch: Batch | undefined;

  constructor(
    private readonly base: SignatureBackend,
    private readonly pool: VerifyPool | undefined,
  ) {}

  /** Started once per block object, so the chain can start it on arrival and await it when connecting. */
  forBlock(block: Block): Promise<SignatureBackend> {
    let p = this.blocks.get(block);
    if (!p) {
      p = this.prepare(block.txs, INLINE_BELOW);
      this.blocks.set(block, p);
    }
    return p;
  }

  async prepare(txs: readonly Transaction[], inlineBelow = 0): Promise<SignatureBackend> {
    const checks = txs.filter(
      (tx): tx is TransferTx => tx.kind === 'transfer' && tx.signature.length === SIG_SIZE && tx.publicKey.length === PUB_SIZE,
    );
    if (!this.pool || checks.length === 0 || checks.length < inlineBelow) return this.base;
    return checks.length < COALESCE_BELOW ? this.coalesce(this.pool, checks) : this.check(this.pool, checks);
  }

  private coalesce(pool: VerifyPool, checks: TransferTx[]): Promise<SignatureBackend> {
    let batch = this.batch;
    if (!batch) {
      const b: Batch = { txs: [], waiters: [] };
      batch = this.batch = b;
      setImmediate(() => {
        this.batch = undefined;
        this.check(pool, b.txs).then(
          (backend) => b.waiters.forEach((w) => w.resolve(backend)),
          (e: unknown) => b.waiters.forEach((w) => w.reject(e)),
        );
      });
    }
    batch.txs.push(...checks);
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  private async check(pool: VerifyPool, checks: TransferTx[]): Promise<SignatureBackend> {
    const items = new Uint8Array(checks.length * ITEM_SIZE);
    const digests = checks.map((tx, i) => {
      const d = transferSigHash(tx);
      items.set(d, i * ITEM_SIZE);
      items.set(tx.signature, i * ITEM_SIZE + DIGEST_SIZE);
      items.set(tx.publicKey, i * ITEM_SIZE + DIGEST_SIZE + SIG_SIZE);
      return d;
    });
    const results = await pool.check(items);
    const verdicts = new WeakMap<Uint8Array, Verdict>();
    const senders = new WeakMap<Uint8Array, Uint8Array | null>();
    checks.forEach((tx, i) => {
      const r = i * RESULT_SIZE;
      verdicts.set(tx.signature, { digest: digests[i]!, publicKey: tx.publicKey.slice(), ok: results[r] === 1 });
      senders.set(tx.publicKey, results[r + 1] === 1 ? results.slice(r + 2, r + RESULT_SIZE) : null);
    });
    return prechecked(this.base, verdicts, senders);
  }
}

function prechecked(
  base: SignatureBackend,
  verdicts: WeakMap<Uint8Array, Verdict>,
  senders: WeakMap<Uint8Array, Uint8Array | null>,
): SignatureBackend {
  return {
    verify(digest, signature, publicKey) {
      const v = verdicts.get(signature);
      if (v && equalBytes(v.digest, digest) && equalBytes(v.publicKey, publicKey)) return v.ok;
      return base.verify(digest, signature, publicKey);
    },
    decompress: (publicKey) => base.decompress(publicKey),
    address(publicKey) {
      const a = senders.get(publicKey);
      if (a === null) throw new Error('invalid public key');
      return a ?? addressFromPublicKey(publicKey, base);
    },
  };
}

/** VERIFY_THREADS: worker threads for signature checks; 0 checks on the main thread. Default: the cores. */
export function verifyThreads(env: NodeJS.ProcessEnv): number {
  const raw = env['VERIFY_THREADS'];
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_THREADS) throw new Error(`VERIFY_THREADS must be an integer from 0 to ${MAX_THREADS}`);
  return n;
}
