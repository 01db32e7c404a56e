import { bytesToHex, equalBytes, type TransferTx } from '@hackcoin/core';

export interface NonceGapLimits {
  maxTxs: number;
  maxBytes: number;
  ttlMs: number;
}

export const NONCE_GAP_LIMITS: NonceGapLimits = { maxTxs: 512, maxBytes: 2 * 1024 * 1024, ttlMs: 10 * 60_000 };

/**
 * A held transaction, its encoding (what is relayed once it is admitted), the peer it came
 * from and that peer's network group, taken when its message arrived (the peer may be gone by
 * the time the mempool has judged it, and a peer id alone would be a group of its own).
 */
export interface Held {
  tx: TransferTx;
  raw: Uint8Array;
  from: string;
  group: string;
}

interface Entry extends Held {
  until: number;
}

/** Held keys, oldest first, their count and their bytes. */
interface Share {
  keys: Set<string>;
  txs: number;
  bytes: number;
}

/** What a group or peer is weighed by when the pool makes room: the bound the pool passed. */
type Weight = 'txs' | 'bytes';

/**
 * Relayed transactions whose nonce is ahead of their sender's next one in our
 * mempool, held until the transaction before them is admitted: Bitcoin Core's
 * orphan pool (TxOrphanage), for nonces. Gossip does not keep order between
 * messages, so a sender's later batch can arrive first over a faster path,
 * and dropping it would lose it for good (its message is seen and not
 * relayed again). Keyed by public key and nonce; bounded by count, bytes and
 * age. Past a bound, expired entries go first, then, in the network group
 * holding the most of what the bound counts (transactions at the count bound,
 * bytes at the byte bound), the oldest entry of its peer holding the most
 * (Core's orphanage evicts from its heaviest peer; a group, IPv4 /16 or IPv6
 * /32, is what many connections from one operator share). Weighed by bytes at
 * the count bound, one honest deploy that overtook its predecessor would go
 * before hundreds of a flooder's small transactions. A stranger who floods it
 * with signed transactions of accounts that cannot pay pushes out its own
 * before an honest peer's, however many connections it opens from its
 * addresses, and an honest peer in the flooder's group still goes after it. Transactions
 * are held after every check but the nonce's (the mempool checks signatures
 * first), so what is held was signed by its key.
 */
export class NonceGapPool {
  private readonly held = new Map<string, Entry>();
  /** Each group's count and bytes and each of its peers' share. */
  private readonly byGroup = new Map<string, { txs: number; bytes: number; peers: Map<string, Share> }>();
  private bytes = 0;

  constructor(
    private readonly limits: NonceGapLimits = NONCE_GAP_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.held.size;
  }

  add(h: Held): void {
    if (h.raw.length > this.limits.maxBytes) return;
    const k = slot(h.tx.publicKey, h.tx.nonce);
    this.drop(k);
    this.held.set(k, { ...h, until: this.now() + this.limits.ttlMs });
    this.bytes += h.raw.length;
    let group = this.byGroup.get(h.group);
    if (!group) this.byGroup.set(h.group, (group = { txs: 0, bytes: 0, peers: new Map() }));
    let share = group.peers.get(h.from);
    if (!share) group.peers.set(h.from, (share = { keys: new Set(), txs: 0, bytes: 0 }));
    share.keys.add(k);
    share.txs++;
    share.bytes += h.raw.length;
    group.txs++;
    group.bytes += h.raw.length;
    const now = this.now();
    for (const [oldest, e] of this.held) {
      if (e.until > now) break;
      this.drop(oldest);
    }
    while (this.held.size > this.limits.maxTxs) this.drop(this.evictee('txs'));
    while (this.bytes > this.limits.maxBytes) this.drop(this.evictee('bytes'));
  }

  /** The oldest key of the heaviest peer of the heaviest group, by `weight` (the pool is not empty). */
  private evictee(weight: Weight): string {
    const group = heaviest(this.byGroup.values(), weight)!;
    return heaviest(group.peers.values(), weight)!.keys.values().next().value!;
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
    return e.until > this.now() ? { tx: e.tx, raw: e.raw, from: e.from, group: e.group } : undefined;
  }

  private drop(k: string): void {
    const e = this.held.get(k);
    if (!e) return;
    this.held.delete(k);
    this.bytes -= e.raw.length;
    const group = this.byGroup.get(e.group)!;
    const share = group.peers.get(e.from)!;
    share.keys.delete(k);
    share.txs--;
    share.bytes -= e.raw.length;
    group.txs--;
    group.bytes -= e.raw.length;
    if (share.keys.size === 0) group.peers.delete(e.from);
    if (group.peers.size === 0) this.byGroup.delete(e.group);
  }
}

function heaviest<T extends Record<Weight, number>>(shares: Iterable<T>, weight: Weight): T | undefined {
  let most: T | undefined;
  for (const s of shares) if (!most || s[weight] > most[weight]) most = s;
  return most;
}

function slot(publicKey: Uint8Array, nonce: bigint): string {
  return `${bytesToHex(publicKey)}:${nonce}`;
}
