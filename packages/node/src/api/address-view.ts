import { addressKey, type Account } from '@hackcoin/core';
import type { Chain } from '../chain/chain.js';
import type { MempoolEntry } from '../mempool/entry.js';
import type { Mempool } from '../mempool/mempool.js';

/**
 * JSON of GET /api/address/:address's transactions, pending and confirmed together. Anyone can pay
 * an address transactions carrying 64 KiB of data (130 KB of JSON each), and wallets re-read their
 * address on every block: unbounded, 64 of them made every answer 11 MB. The first confirmed row
 * always goes out, so a `before` cursor always moves on.
 */
export const ADDRESS_MAX_BYTES = 512 * 1024;
/** Of ADDRESS_MAX_BYTES, what pending entries may take, so payments to an address never crowd out its confirmed history. */
export const ADDRESS_PENDING_MAX_BYTES = 256 * 1024;

export interface PendingView {
  account: Account;
  nextNonce: bigint;
  /** The address's own pending sends, newest first. */
  own: MempoolEntry[];
  /** Its pending transactions, sent and received, newest first; read lazily, and only in the same tick. */
  newest: Iterable<MempoolEntry>;
  count: number;
  /** Pending payments from other addresses. */
  incoming: bigint;
  /** What the pending transactions add to the balance once mined. */
  delta: bigint;
}

/**
 * An address's account and pending transactions read in one synchronous step, so a wallet that
 * follows it is never told a used nonce. Counts and sums come from the mempool's index, not a pass
 * over the payments. A block removes the transactions it confirmed or conflicted with as it
 * connects; listed entries whose sender's nonce is past are still skipped, should any remain. A
 * payment a block left unaffordable is counted until the pool re-checks its sender, which only a
 * pass over the payments could tell sooner.
 */
export function pendingView(chain: Chain, mempool: Mempool, address: Uint8Array): PendingView {
  const account = chain.getAccountSync(address);
  const me = addressKey(address);
  const nonces = new Map<string, bigint>([[me, account.nonce]]);
  const live = (e: MempoolEntry): boolean => {
    let n = nonces.get(e.senderKey);
    if (n === undefined) {
      n = chain.getAccountSync(e.sender).nonce;
      nonces.set(e.senderKey, n);
    }
    return e.tx.nonce >= n;
  };
  const { others, incoming } = mempool.addresses.summary(me);
  const own = mempool.addresses.sends(me).filter(live);
  let delta = incoming;
  for (const e of own) delta -= e.recipientKey === me ? e.tx.fee : e.tx.amount + e.tx.fee;
  const index = mempool.addresses;
  const newest = {
    *[Symbol.iterator]() {
      for (const e of index.newest(me)) if (live(e)) yield e;
    },
  };
  return { account, nextNonce: mempool.nextNonce(address, account.nonce), own, newest, count: own.length + others, incoming, delta };
}

/**
 * The pending entries an address's answer lists, as `render`ed JSON, newest first: every send of
 * its own, then the newest payments to it while the list stays within `limit` entries and
 * ADDRESS_PENDING_MAX_BYTES. Its own sends are never left out, whatever they weigh: a wallet checks
 * `nextNonce` against them (one signed by its key for each nonce in between), only its key can add
 * them, and the mempool holds at most 64 per sender. Payments from others are what a stranger can
 * inflate, so those are what is bounded, and only as many are read as are shown.
 */
export function pendingWithin(view: Pick<PendingView, 'own' | 'newest'>, limit: number, render: (e: MempoolEntry) => string): { pieces: string[]; bytes: number } {
  const mine = new Map(view.own.map((e) => [e, render(e)]));
  let bytes = 0;
  for (const json of mine.values()) bytes += json.length + 1;
  let shown = mine.size;
  const pieces: string[] = [];
  if (shown < limit) {
    for (const e of view.newest) {
      const json = mine.get(e);
      if (json !== undefined) {
        pieces.push(json);
        mine.delete(e);
        continue;
      }
      const other = render(e);
      if (bytes + other.length + 1 > ADDRESS_PENDING_MAX_BYTES) break;
      pieces.push(other);
      bytes += other.length + 1;
      if (++shown >= limit) break;
    }
  }
  // Own sends older than the last payment shown; `mine` kept their newest-first order.
  for (const json of mine.values()) pieces.push(json);
  return { pieces, bytes };
}
