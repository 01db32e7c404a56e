import { equalBytes, transferSigHash, type Transaction, type TransferTx } from '@hackcoin/core';
import { DIGEST_SIZE, ITEM_SIZE, KEY_INVALID, KEY_VALID, PUB_SIZE, RESULT_SIZE, SIG_SIZE } from './shared-job.js';
import type { SignatureCache } from './signature-cache.js';

/** One transfer's signature question, as the state transition will ask it. */
export interface Question {
  digest: Uint8Array;
  publicKey: Uint8Array;
  signature: Uint8Array;
  /** Its signature-cache key (when there is a cache). */
  key: string | undefined;
  /** Its sender's address when the cache already holds the signature as valid. */
  cached: Uint8Array | undefined;
}

/** The transfers' questions, in block order; sizes other than the wire's are left to the base backend. */
export function questionsOf(txs: readonly Transaction[], cache: SignatureCache | undefined): Question[] {
  const out: Question[] = [];
  for (const tx of txs) {
    if (tx.kind !== 'transfer' || !checkable(tx)) continue;
    const digest = transferSigHash(tx);
    // An admitted transaction's own object is found without hashing its key.
    const known = cache?.forTx(tx);
    const key = known?.key ?? cache?.key(digest, tx.publicKey, tx.signature);
    const cached = known?.sender ?? (key === undefined ? undefined : cache!.get(key));
    out.push({ digest, publicKey: tx.publicKey, signature: tx.signature, key, cached });
  }
  return out;
}

function checkable(tx: TransferTx): boolean {
  return tx.signature.length === SIG_SIZE && tx.publicKey.length === PUB_SIZE;
}

export function pack(questions: readonly Question[]): Uint8Array {
  const items = new Uint8Array(questions.length * ITEM_SIZE);
  questions.forEach((q, i) => {
    items.set(q.digest, i * ITEM_SIZE);
    items.set(q.signature, i * ITEM_SIZE + DIGEST_SIZE);
    items.set(q.publicKey, i * ITEM_SIZE + DIGEST_SIZE + SIG_SIZE);
  });
  return items;
}

/** Result bytes of item i: signature verdict, key validity, address. */
export const verdictAt = (results: Uint8Array, i: number): boolean => results[i * RESULT_SIZE] === 1;
export const keyValidAt = (results: Uint8Array, i: number): boolean => results[i * RESULT_SIZE + 1] === KEY_VALID;
export const keyInvalidAt = (results: Uint8Array, i: number): boolean => results[i * RESULT_SIZE + 1] === KEY_INVALID;
export const addressAt = (results: Uint8Array, i: number): Uint8Array =>
  results.slice(i * RESULT_SIZE + 2, (i + 1) * RESULT_SIZE);

/**
 * Finds a question by the objects the state transition passes back (the
 * transaction's own signature and key arrays), then confirms it by value, so
 * an answer is only ever given to exactly the question it was computed for.
 */
export class QuestionIndex<T> {
  private readonly bySignature = new Map<Uint8Array, { q: Question; value: T }[]>();

  add(q: Question, value: T): void {
    const list = this.bySignature.get(q.signature);
    if (list) list.push({ q, value });
    else this.bySignature.set(q.signature, [{ q, value }]);
  }

  find(digest: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): T | undefined {
    const list = this.bySignature.get(signature);
    if (!list) return undefined;
    for (const { q, value } of list) {
      if (equalBytes(q.digest, digest) && equalBytes(q.publicKey, publicKey)) return value;
    }
    return undefined;
  }
}
