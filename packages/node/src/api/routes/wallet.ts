import type { FastifyInstance } from 'fastify';
import { addressKey, addressParam, formatAddress, pagingQuery, txId, txSender, type ApiResponse, type HistoryEntry, type Transaction } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';
import { confirmedAddressTxs, directionOf, internalReceived, type Direction } from '../address-txs.js';

/**
 * Wallet-facing read routes. They take addresses only: nothing here (or
 * anywhere in the node) accepts a private key or mnemonic, so keys never
 * leave the client.
 */
export function walletRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { chain, mempool, backend } = ctx;
  app.get('/api/address/:address/history', async (req) => {
    const { address } = parse(addressParam, req.params, 'address');
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    const me = addressKey(address);
    const describe = (tx: Transaction) => {
      if (tx.kind === 'coinbase') return { type: 'coinbase' as const, direction: 'in' as Direction, counterparty: null, nonce: null, fee: '0' };
      const direction = directionOf(tx, me, backend);
      const counterparty = formatAddress(direction === 'in' ? txSender(tx, backend) : tx.to);
      return { type: 'transfer' as const, direction, counterparty, nonce: tx.nonce.toString(), fee: tx.fee.toString() };
    };

    // Newest first: the mempool has no order in time, so the latest seen and highest nonce lead.
    const pending = mempool
      .pendingFor(address)
      .sort((a, b) => b.time - a.time || (a.tx.nonce > b.tx.nonce ? -1 : a.tx.nonce < b.tx.nonce ? 1 : 0));
    const offset = (page - 1) * limit;
    const entries: HistoryEntry[] = [];
    for (const p of pending.slice(offset, offset + limit)) {
      entries.push({ id: p.id, status: 'pending' as const, ...describe(p.tx), amount: p.tx.amount.toString(), blockHeight: null, blockHash: null, confirmations: 0, time: p.time });
    }
    // One row more than needed tells whether another page exists without counting the whole index.
    const want = limit - entries.length;
    const confirmed = await confirmedAddressTxs(chain, address, Math.max(0, offset - pending.length), want + 1);
    for (const { tx, entry, internal } of confirmed.items.slice(0, want)) {
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
    return { address: formatAddress(address), page, limit, pendingCount: pending.length, hasMore: confirmed.rows > want, entries } satisfies ApiResponse<'GET /api/address/:address/history'>;
  });
}
