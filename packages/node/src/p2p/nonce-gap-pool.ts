import { bytesToHex, type TransferTx } from '@hackcoin/core';

export interface NonceGapLimits {
  maxTxs: number;
  maxBytes: number;
  ttlMs: number;
}

export const NONCE_GAP_LIMITS: NonceGapLimits = { maxTxs: 512, maxBytes: 2 * 1024 * 1024, ttlMs: 10 * 60_000 };

interface Held {
  tx: TransferTx;
  from: string;
  bytes: number;
  until: number;
}

/**
 * Relayed transactions whose nonce is ahead of their sender's next one in our
 * mempool, held until the transaction before them is admitted: Bitcoin Core's
 * orphan pool (TxOrphanage), for nonces. Gossip does not keep order between
 * messages, so a sender's later batch can arrive first over a faster path,
 * and dropping it would lose it for good (its message is seen and not
 * relayed again). Keyed by public key and nonce; bounded by count, bytes and
 * age, oldest out first. A stranger who fills it with transactions of
 * accounts that cannot pay costs honest ones only this second chance.
 */
export class NonceGapPool {
  private readonly held = new Map<string, Held>();
  private bytes = 0;

  constructor(
    private readonly limits: NonceGapLimits = NONCE_GAP_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.held.size;
  }

  add(tx: TransferTx, from: string, bytes: number): void {
    if (bytes > this.limits.maxBytes) return;
    const k = slot(tx.publicKey, tx.nonce);
    this.drop(k);
    this.held.set(k, { tx, from, bytes, until: this.now() + this.limits.ttlMs });
    this.bytes += bytes;
    for (const [oldest, h] of this.held) {
      if (this.held.size <= this.limits.maxTxs && this.bytes <= this.limits.maxBytes && h.until > this.now()) break;
      this.drop(oldest);
    }
  }

  /** The held transaction that follows `tx` (same key, next nonce), removed; undefined if none or expired. */
  next(tx: TransferTx): { tx: TransferTx; from: string } | undefined {
    const k = slot(tx.publicKey, tx.nonce + 1n);
    const h = this.held.get(k);
    if (!h) return undefined;
    this.drop(k);
    return h.until > this.now() ? { tx: h.tx, from: h.from } : undefined;
  }

  private drop(k: string): void {
    const h = this.held.get(k);
    if (!h) return;
    this.held.delete(k);
    this.bytes -= h.bytes;
  }
}

function slot(publicKey: Uint8Array, nonce: bigint): string {
  return `${bytesToHex(publicKey)}:${nonce}`;
}
