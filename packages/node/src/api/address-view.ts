import type { MempoolEntry } from '../mempool/entry.js';

/**
 * JSON of GET /api/address/:address's transactions, pending and confirmed together. Anyone can pay
 * an address transactions carrying 64 KiB of data (130 KB of JSON each), and wallets re-read their
 * address on every block: unbounded, 64 of them made every answer 11 MB. The first confirmed row
 * always goes out, so a `before` cursor always moves on.
 */
export const ADDRESS_MAX_BYTES = 512 * 1024;
/** Of ADDRESS_MAX_BYTES, what pending entries may take, so payments to an address never crowd out its confirmed history. */
export const ADDRESS_PENDING_MAX_BYTES = 256 * 1024;

/** Newest seen first; one sender's transactions seen in the same second by nonce, highest first. */
function newestFirst(a: MempoolEntry, b: MempoolEntry): number {
  return b.time - a.time || (a.tx.nonce > b.tx.nonce ? -1 : a.tx.nonce < b.tx.nonce ? 1 : 0);
}

/**
 * The pending entries an address's answer lists, as `render`ed JSON, newest first: every send of
 * its own, then the newest payments to it while the list stays within `limit` entries and
 * ADDRESS_PENDING_MAX_BYTES. Its own sends are never left out, whatever they weigh: a wallet checks
 * `nextNonce` against them (one signed by its key for each nonce in between), only its key can add
 * them, and the mempool holds at most 64 per sender. Payments from others are what a stranger can
 * inflate, so those are what is bounded.
 */
export function pendingWithin(pending: readonly MempoolEntry[], me: string, limit: number, render: (e: MempoolEntry) => string): { pieces: string[]; bytes: number } {
  const chosen = pending.filter((e) => e.senderKey === me).map((e) => ({ e, json: render(e) }));
  let bytes = chosen.reduce((n, c) => n + c.json.length + 1, 0);
  for (const e of pending.filter((p) => p.senderKey !== me).sort(newestFirst)) {
    if (chosen.length >= limit) break;
    const json = render(e);
    if (bytes + json.length + 1 > ADDRESS_PENDING_MAX_BYTES) break;
    chosen.push({ e, json });
    bytes += json.length + 1;
  }
  return { pieces: chosen.sort((a, b) => newestFirst(a.e, b.e)).map((c) => c.json), bytes };
}
