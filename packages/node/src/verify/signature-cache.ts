import { hash, randomBytes } from 'node:crypto';
import { DIGEST_SIZE, PUB_SIZE, SIG_SIZE } from './shared-job.js';
import { OldestFirst } from '../util/oldest-first.js';

/**
 * ≈ 120 bytes an entry (a 32-byte key string, a 20-byte address string, the
 * map's slot): 100,000 entries ≈ 12 MB, twice the default mempool, so what was
 * relayed before a block is still here when the block comes.
 */
export const DEFAULT_SIGNATURE_CACHE_ENTRIES = 100_000;

/**
 * Signatures already found valid, as Bitcoin Core's CSignatureCache: a
 * transaction checked when the mempool admitted it is not checked again when
 * its block arrives. Keyed by SHA-256 over a per-process random salt and the
 * exact question (sighash, public key, signature), so any change to the
 * transaction, key or signature is a different key, and nobody who does not
 * know the salt can aim entries at each other. Only valid signatures are
 * added, with the sender's address they imply. Bounded: the oldest entry
 * goes first.
 */
export class SignatureCache {
  private readonly salt = randomBytes(32);
  private readonly buf = new Uint8Array(32 + DIGEST_SIZE + PUB_SIZE + SIG_SIZE);
  private readonly entries = new Map<string, string>();
  private readonly oldest = new OldestFirst(this.entries);
  /**
   * The same entries by transaction object, for as long as the object lives: a block rebuilt
   * from the mempool holds the very objects the mempool admitted, and finds them without
   * hashing a key. Transactions are never mutated (their hashes are cached the same way).
   */
  private readonly byTx = new WeakMap<object, { key: string; sender: Uint8Array }>();
  private dropped = 0;

  constructor(readonly maxEntries = DEFAULT_SIGNATURE_CACHE_ENTRIES) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new RangeError('maxEntries must be a non-negative integer');
    this.buf.set(this.salt);
  }

  /** The entry key for a signature question; only for the fixed sizes transfers carry. */
  key(digest: Uint8Array, publicKey: Uint8Array, signature: Uint8Array): string {
    if (digest.length !== DIGEST_SIZE || publicKey.length !== PUB_SIZE || signature.length !== SIG_SIZE) {
      throw new RangeError('signature cache keys are for 32-byte digests, 33-byte keys and 64-byte signatures');
    }
    this.buf.set(digest, 32);
    this.buf.set(publicKey, 32 + DIGEST_SIZE);
    this.buf.set(signature, 32 + DIGEST_SIZE + PUB_SIZE);
    return hash('sha256', this.buf, 'binary');
  }

  /** The sender address of a signature found valid, or undefined if it is not (or no longer) here. */
  get(key: string): Uint8Array | undefined {
    const a = this.entries.get(key);
    return a === undefined ? undefined : new Uint8Array(Buffer.from(a, 'latin1'));
  }

  /** The key and sender of an admitted transaction's entry, by object, while the entry is here. */
  forTx(tx: object): { key: string; sender: Uint8Array } | undefined {
    const hit = this.byTx.get(tx);
    return hit && this.entries.has(hit.key) ? { key: hit.key, sender: hit.sender.slice() } : undefined;
  }

  /** Records a transaction's signature found valid, also by object. */
  addTx(tx: object, key: string, sender: Uint8Array): void {
    this.add(key, sender);
    if (this.entries.has(key)) this.byTx.set(tx, { key, sender: sender.slice() });
  }

  /** Records a signature found valid, with the address of its key. */
  add(key: string, sender: Uint8Array): void {
    if (this.maxEntries === 0 || this.entries.has(key)) return;
    if (this.entries.size >= this.maxEntries) {
      this.oldest.evict();
      this.dropped++;
    }
    this.entries.set(key, Buffer.from(sender.buffer, sender.byteOffset, sender.byteLength).toString('latin1'));
  }

  /** A block that used an entry consumes it (as Core erases on block validation): it will not be asked again. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  /** Entries dropped to make room since start (not those a block spent): a cache too small for the mempool shows here. */
  get evictions(): number {
    return this.dropped;
  }
}
