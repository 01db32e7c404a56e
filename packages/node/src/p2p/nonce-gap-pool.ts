import { bytesToHex, equalBytes, type TransferTx } from '@hackcoin/core';

export interface NonceGapLimits {
  maxTxs: number;
  maxBytes: number;
  ttlMs: number;
}

export const NONCE_GAP_LIMITS: NonceGapLimits = { maxTxs: 512, maxBytes: 2 * 1024 * 1024, ttlMs: 10 * 60_000 };

/** A held transaction, its encoding (what is relayed once it is admitted) and the peer it came from. */
export interface Held {
  tx: TransferTx;
  raw: Uint8Array;
  from: string;
}

interface Entry extends Held {
  until: number;
  group: string;
}

/**
 * Relayed transactions whose nonce is ahead of their sender's next one in our
 * mempool, held until the transaction before them is admitted: Bitcoin Core's
 * orphan pool (TxOrphanage), for nonces. Gossip does not keep order between
 * messages, so a sender's later batch can arrive first over a faster path,
 * and dropping it would lose it for good (its message is seen and not
 * relayed again). Keyed by public key and nonce; bounded by count, bytes and
 * age. Past a bound, expired entries go first, then the oldest entry of the
 * network group holding the most bytes (Core's orphanage evicts from its
 * heaviest peer; a group, IPv4 /16 or IPv6 /32, is what many connections
 * from one operator share): a stranger who floods it with signed
 * transactions of accounts that cannot pay pushes out its own before an
 * honest peer's, however many connections it opens from its addresses. Transactions
 * are held after every check but the nonce's (the mempool checks signatures
 * first), so what is held was signed by its key.
 */
export class NonceGapPool {
  private readonly held = new Map<string, Entry>();
  /** Each group's held keys, oldest first, and their bytes. */
  private readonly byGroup = new Map<string, { keys: Set<string>; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly limits: NonceGapLimits = NONCE_GAP_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.held.size;
  }

  /** Holds `h`, charged to `group` (the network group of the peer it came from; the peer itself by default). */
  add(h: Held, group: string = h.from): void {
    if (h.raw.length > this.limits.maxBytes) return;
    const k = slot(h.tx.publicKey, h.tx.nonce);
    this.drop(k);
    this.held.set(k, { ...h, until: this.now() + this.limits.ttlMs, group });
    this.bytes += h.raw.length;
    const share = this.byGroup.get(group) ?? { keys: new Set<string>(), bytes: 0 };
    share.keys.add(k);
    share.bytes += h.raw.length;
    this.byGroup.set(group, share);
    const now = this.now();
    for (const [oldest, e] of this.held) {
      if (e.until > now) break;
      this.drop(oldest);
    }
    while (this.held.size > this.limits.maxTxs || this.bytes > this.limits.maxBytes) this.drop(this.heaviestGroupsOldest());
  }

  /** The oldest key of the group holding the most bytes (the pool is not empty). */
  private heaviestGroupsOldest(): string {
    let heaviest: { keys: Set<string>; bytes: number } | undefined;
    for (const share of this.byGroup.values()) if (!heaviest || share.bytes > heaviest.bytes) heaviest = share;
    return heaviest!.keys.values().next().value!;
  }

  /** Whether exactly this transaction (not another with its nonce) is held. */
  holds(tx: TransferTx, raw: Uint8Array): boolean {
    const e = this.held.get(slot(tx.publicKey, tx.nonce));
    return e !== undefined && equalBytes(e.raw, raw);
  }

  /** The held transaction that follows `tx` (same key, next nonce), removed; undefined if none or expired. */
  next(tx: TransferTx): Held | undefined {
    // Asked for every transaction admitted and every one a block confirms: usually nothing is held.
    if (this.held.size === 0) return undefined;
    const k = slot(tx.publicKey, tx.nonce + 1n);
    const e = this.held.get(k);
    if (!e) return undefined;
    this.drop(k);
    return e.until > this.now() ? { tx: e.tx, raw: e.raw, from: e.from } : undefined;
  }

  private drop(k: string): void {
    const e = this.held.get(k);
    if (!e) return;
    this.held.delete(k);
    this.bytes -= e.raw.length;
    const share = this.byGroup.get(e.group)!;
    share.keys.delete(k);
    share.bytes -= e.raw.length;
    if (share.keys.size === 0) this.byGroup.delete(e.group);
  }
}

function slot(publicKey: Uint8Array, nonce: bigint): string {
  return `${bytesToHex(publicKey)}:${nonce}`;
}
