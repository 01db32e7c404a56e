import type { FastifyInstance } from 'fastify';
import { addressKey, formatAddress, hashToHex, txHash, txId, txSender, txSize, type Block, type Transaction } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { parse } from '../http-error.js';
import { addressParam, paging } from '../schemas.js';
import type { ChainEntry } from '../../chain/entry.js';
import { estimateFees } from './fee-estimate.js';

/** Blocks whose transfers feed the fee estimate: recent enough to track demand, enough to smooth one odd block. */
export const FEE_WINDOW_BLOCKS = 20;
/** Block bytes the template reserves for header and coinbase (mining/template.ts keeps 1,000). */
const TEMPLATE_RESERVED_BYTES = 1_000;

type Direction = 'in' | 'out' | 'self';

/**
 * Wallet-facing read routes. They take addresses only: nothing here (or
 * anywhere in the node) accepts a private key or mnemonic, so keys never
 * leave the client.
 */
export function walletRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { chain, mempool, backend, params } = ctx;
  let cached: { tip: string; rates: number[] } | undefined;

  // Confirmed rates change only with the tip, so they are cached per tip; the mempool part is always live.
  const recentRates = async (): Promise<number[]> => {
    if (cached?.tip === chain.tip.id) return cached.rates;
    const tip = chain.tip.id;
    const rates: number[] = [];
    for (let h = chain.height; h > 0 && h > chain.height - FEE_WINDOW_BLOCKS; h--) {
      const e = chain.getEntryByHeight(h);
      const block = e ? await chain.getBlock(e) : null;
      for (const tx of block?.txs ?? []) if (tx.kind === 'transfer') rates.push(Number(tx.fee) / txSize(tx));
    }
    cached = { tip, rates };
    return rates;
  };

  app.get('/api/fees/estimate', async () => {
    const pool = mempool.entries();
    const blockRates = await recentRates();
    const est = estimateFees({
      blockRates,
      mempool: pool,
      blockBytes: params.maxBlockSize - TEMPLATE_RESERVED_BYTES,
      blockTxs: params.maxBlockTxs - 1,
      minFeeRate: ctx.minFeeRate,
    });
    return {
      unit: 'base units per byte',
      slow: est.slow.toString(),
      normal: est.normal.toString(),
      fast: est.fast.toString(),
      minFeeRate: ctx.minFeeRate.toString(),
      basis: { blocks: Math.min(FEE_WINDOW_BLOCKS, chain.height), samples: blockRates.length, mempoolTxs: pool.length, mempoolBytes: mempool.bytes },
    };
  });

  app.get('/api/address/:address/history', async (req) => {
    const { address } = parse(addressParam, req.params, 'address');
    const { page, limit } = parse(paging, req.query, 'query');
    const me = addressKey(address);
    const describe = (tx: Transaction) => {
      if (tx.kind === 'coinbase') return { type: 'coinbase', direction: 'in' as Direction, counterparty: null, nonce: null, fee: '0' };
      const from = txSender(tx, backend);
      const fromMe = addressKey(from) === me;
      const toMe = addressKey(tx.to) === me;
      const direction: Direction = fromMe && toMe ? 'self' : fromMe ? 'out' : 'in';
      const counterparty = formatAddress(direction === 'in' ? from : tx.to);
      return { type: 'transfer', direction, counterparty, nonce: tx.nonce.toString(), fee: tx.fee.toString() };
    };

    // Newest first: the mempool has no order in time, so the latest seen and highest nonce lead.
    const pending = mempool
      .pendingFor(address)
      .sort((a, b) => b.time - a.time || (a.tx.nonce > b.tx.nonce ? -1 : a.tx.nonce < b.tx.nonce ? 1 : 0));
    const offset = (page - 1) * limit;
    const entries: Record<string, unknown>[] = [];
    for (const p of pending.slice(offset, offset + limit)) {
      entries.push({ id: p.id, status: 'pending', ...describe(p.tx), amount: p.tx.amount.toString(), blockHeight: null, blockHash: null, confirmations: 0, time: p.time });
    }
    // One row more than needed tells whether another page exists without counting the whole index.
    const want = limit - entries.length;
    const rows = await chain.addressTxs(address, Math.max(0, offset - pending.length), want + 1);
    const blocks = new Map<number, { entry: ChainEntry; block: Block | null }>();
    for (const r of rows.slice(0, want)) {
      let b = blocks.get(r.height);
      if (!b) {
        const entry = chain.getEntryByHeight(r.height);
        if (!entry) continue;
        b = { entry, block: await chain.getBlock(entry) };
        blocks.set(r.height, b);
      }
      const tx = b.block?.txs[r.index];
      // The index may briefly lag a reorg; a row that no longer matches its block is skipped, not misreported.
      if (!tx || hashToHex(txHash(tx)) !== hashToHex(r.hash)) continue;
      entries.push({
        id: txId(tx),
        status: 'confirmed',
        ...describe(tx),
        amount: tx.amount.toString(),
        blockHeight: r.height,
        blockHash: b.entry.id,
        confirmations: chain.height - r.height + 1,
        time: b.entry.header.time,
      });
    }
    return { address: formatAddress(address), page, limit, pendingCount: pending.length, hasMore: rows.length > want, entries };
  });
}
