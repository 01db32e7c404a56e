import type { FastifyInstance } from 'fastify';
import { addressHistoryQuery, addressKey, addressParam, formatAddress, formatHistoryCursor, txId, txSender, type ApiResponse, type HistoryEntry, type Transaction } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';
import { DEEP_PAGE_ROWS, confirmedAddressTxs, directionOf, internalReceived, type Direction } from '../address-txs.js';
import type { ChargeRate } from '../rate-limit.js';
import { HeavyGate, clientGone } from '../heavy-gate.js';
import type { MempoolEntry } from '../../mempool/entry.js';

/**
 * Wallet-facing read routes. They take addresses only: nothing here (or
 * anywhere in the node) accepts a private key or mnemonic, so keys never
 * leave the client.
 */
/** Confirmed history is read out of stored blocks, taking turns at the node-wide `gate`. */
export function walletRoutes(app: FastifyInstance, ctx: ApiContext, charge: ChargeRate, gate = new HeavyGate()): void {
  const { chain, mempool, backend } = ctx;
  app.get('/api/address/:address/history', async (req, reply) => {
    const { address } = parse(addressParam, req.params, 'address');
    const { page, limit, before } = parse(addressHistoryQuery, req.query, 'query');
    if ((page - 1) * limit > DEEP_PAGE_ROWS) await charge(req, reply, 'heavy');
    const me = addressKey(address);
    const describe = (tx: Transaction) => {
      if (tx.kind === 'coinbase') return { type: 'coinbase' as const, direction: 'in' as Direction, counterparty: null, nonce: null, fee: '0' };
      const direction = directionOf(tx, me, backend);
      const counterparty = formatAddress(direction === 'in' ? txSender(tx, backend) : tx.to);
      return { type: 'transfer' as const, direction, counterparty, nonce: tx.nonce.toString(), fee: tx.fee.toString() };
    };

    // Newest seen first, read from the mempool's index up to this page only.
    const { sent, others } = mempool.addresses.summary(me);
    const pendingCount = sent + others;
    // A cursor continues the confirmed history, so its pages hold no pending entries (the first page has them).
    const offset = (page - 1) * limit;
    const shown = before ? [] : pageOf(mempool.addresses.newest(me), offset, limit);
    const pendingLeft = !before && offset + limit < pendingCount;
    const entries: HistoryEntry[] = [];
    for (const p of shown) {
      entries.push({ id: p.id, status: 'pending' as const, ...describe(p.tx), amount: p.tx.amount.toString(), blockHeight: null, blockHash: null, confirmations: 0, time: p.time });
    }
    const want = limit - entries.length;
    const confirmed = await gate.run(() => confirmedAddressTxs(chain, address, before ?? Math.max(0, offset - pendingCount), want), clientGone(reply));
    for (const { tx, entry, internal } of confirmed.items) {
      const received = internalReceived(internal, me);
      entries.push({
        id: txId(tx),
        status: 'confirmed' as const,
        ...describe(tx),
        ...(internal ? { type: 'contract' as const, internal, internalReceived: received.toString() } : {}),
        amount: tx.amount.toString(),
        blockHeight: entry.height,
        blockHash: entry.id,
        confirmations: chain.height - entry.height + 1,
        time: entry.header.time,
      });
    }
    // A page of pending entries only: once they end, every confirmed row is older than the tip's successor.
    const next = confirmed.next ?? (want === 0 && !pendingLeft && confirmed.more ? { height: chain.height + 1, index: 0 } : null);
    return {
      address: formatAddress(address),
      page,
      limit,
      pendingCount,
      hasMore: pendingLeft || confirmed.more,
      entries,
      next: next ? formatHistoryCursor(next) : null,
    } satisfies ApiResponse<'GET /api/address/:address/history'>;
  });
}

/** Entries `offset` to `offset + limit` of `items`, reading no further. */
function pageOf(items: Iterable<MempoolEntry>, offset: number, limit: number): MempoolEntry[] {
  const out: MempoolEntry[] = [];
  let i = 0;
  for (const e of items) {
    if (i++ >= offset) out.push(e);
    if (out.length === limit) break;
  }
  return out;
}
