import type { FastifyInstance } from 'fastify';
import { addressHistoryQuery, addressKey, addressParam, encodedTxCount, formatHistoryCursor, hashOrHeight, hexToHash, formatAddress, pagingQuery, txHash, txIdParam, type AddressTx, type ApiResponse, type Block } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { headerJson, txJson } from '../serialize.js';
import { BlockViews } from '../block-views.js';
import { blockStats } from '../block-stats.js';
import { DEEP_PAGE_ROWS, confirmedAddressTxs, directionOf, internalReceived } from '../address-txs.js';
import { leadingWithin, newestWithin } from '../newest-within.js';
import { ADDRESS_MAX_BYTES, pendingView, pendingWithin } from '../address-view.js';
import type { ChainEntry } from '../../chain/entry.js';
import { chargeAnswer, type ChargeRate } from '../rate-limit.js';
import { HeavyGate, clientGone } from '../heavy-gate.js';

/**
 * Bounds on /api/blockchain/full, so one request cannot exhaust memory or the event loop: a count, and
 * bytes of JSON (a full block is about 4.5 MB of it, so the newest block always fits).
 */
export const FULL_CHAIN_MAX_BLOCKS = 1000;
export const FULL_CHAIN_MAX_BYTES = 8 * 1024 * 1024;
/** The answer's fields around its blocks. */
const FULL_CHAIN_HEAD_BYTES = 1024;
const COMMA = Buffer.from(',');

/**
 * `charge` counts a block render, a large answer by its size, or an address page numbered past
 * DEEP_PAGE_ROWS, against the client's heavy budget (see RATE_LIMITS). Block reads and renders take
 * turns at `gate`, shared node-wide, and those of a client that has gone are dropped there.
 */
export function chainRoutes(app: FastifyInstance, ctx: ApiContext, charge: ChargeRate, gate = new HeavyGate()): void {
  const { chain, mempool, backend } = ctx;

  const confirmations = (e: ChainEntry): number | null => (chain.isMain(e) ? chain.height - e.height + 1 : null);
  const next = (e: ChainEntry): string | null => chain.getEntryByHeight(e.height + 1)?.id ?? null;
  const loadBlock = async (e: ChainEntry): Promise<Block> => {
    const b = await chain.getBlock(e);
    if (!b) throw new HttpError(404, 'block data not found', 'not-found');
    return b;
  };
  const countBlock = async (e: ChainEntry, gone: AbortSignal): Promise<number> => {
    const raw = await gate.run(() => chain.getRawBlock(e), gone);
    if (!raw) throw new HttpError(404, 'block data not found', 'not-found');
    return encodedTxCount(raw);
  };
  const views = new BlockViews(
    loadBlock,
    backend,
    (e, block, onMainChain) => blockStats(block, e.height, chain.params, onMainChain ? (id) => chain.contracts.receipt(id) : undefined),
    undefined,
    countBlock,
    gate,
  );

  app.get('/api/node/info', async () => ({
    name: 'hackcoin',
    version: ctx.version,
    network: ctx.params.network,
    chainId: ctx.params.chainId,
    genesis: chain.genesis.id,
    height: chain.height,
    bestHash: chain.tip.id,
    chainWork: chain.tip.chainWork.toString(16),
    difficulty: headerJson(chain.tip, 1).difficulty,
    mempool: { size: mempool.size, bytes: mempool.bytes },
    mining: ctx.miner.running,
    // Lets the web app show pool stats only when there is a pool, instead of polling a 404.
    pool: ctx.pool !== undefined,
    // Peers and scripts find our libp2p addresses here (BOOTSTRAP_NODES=http://host:port relies on it).
    p2p: ctx.network ? { peerId: ctx.network.peerId, addrs: ctx.network.addrs() } : null,
  }) satisfies ApiResponse<'GET /api/node/info'>);

  app.get('/api/blocks', async (req, reply) => {
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    const top = chain.height - (page - 1) * limit;
    const blocks: ApiResponse<'GET /api/blocks'>['blocks'] = [];
    const gone = clientGone(reply);
    for (let h = top; h >= 0 && h > top - limit; h--) {
      const e = chain.getEntryByHeight(h)!;
      blocks.push({ ...headerJson(e, confirmations(e)), txCount: await views.txCount(e, gone) });
    }
    return { page, limit, total: chain.height + 1, blocks } satisfies ApiResponse<'GET /api/blocks'>;
  });

  // JSON made by BlockViews, whose parts are type-checked against the answer schema there.
  app.get('/api/blocks/:id', async (req, reply) => {
    const { id } = parse(hashOrHeight, req.params, 'id');
    const e = id.length === 64 ? chain.getEntry(id.toLowerCase()) : chain.getEntryByHeight(Number(id));
    if (!e) throw new HttpError(404, `block ${id} not found`, 'not-found');
    let paid = 0;
    const body = await views.detail(
      e,
      confirmations(e),
      next(e),
      async () => {
        await charge(req, reply, 'heavy');
        paid = 1;
      },
      clientGone(reply),
    );
    // A render refused past here is not lost: the block stays rendered for the next request.
    await chargeAnswer(charge, req, reply, body.length, paid);
    gate.reserve(req, reply, body.length);
    return reply.type('application/json').send(body);
  });

  // The seed's route, bounded: the whole chain while it is small, else its newest blocks up to a
  // count and a byte budget (`truncated` says so, `from` where it starts). Explorers should page /api/blocks.
  // Each block is serialised once and the answer is assembled from those pieces. Its bytes are booked
  // at their most before any block is rendered, so a node too busy to send it refuses it for free.
  app.get('/api/blockchain/full', async (req, reply) => {
    gate.reserve(req, reply, FULL_CHAIN_MAX_BYTES + FULL_CHAIN_HEAD_BYTES);
    const gone = clientGone(reply);
    const render = async (h: number): Promise<Buffer> => {
      const e = chain.getEntryByHeight(h)!;
      return views.detail(e, confirmations(e), next(e), undefined, gone);
    };
    const { pieces, from } = await newestWithin(chain.height, render, { maxItems: FULL_CHAIN_MAX_BLOCKS, maxBytes: FULL_CHAIN_MAX_BYTES });
    const head = { length: chain.height + 1, truncated: from > 0, from, maxBlocks: FULL_CHAIN_MAX_BLOCKS, maxBytes: FULL_CHAIN_MAX_BYTES };
    const parts = [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"chain":[`), ...pieces.flatMap((p, i) => (i === 0 ? [p] : [COMMA, p])), Buffer.from(']}')];
    const bytes = parts.reduce((n, p) => n + p.length, 0);
    // The route's own heavy charge paid for the first MiB.
    await chargeAnswer(charge, req, reply, bytes, 1);
    return reply.type('application/json').send(Buffer.concat(parts, bytes));
  });

  app.get('/api/tx/:id', async (req, reply) => {
    const { id } = parse(txIdParam, req.params, 'id');
    const pending = mempool.get(id.toLowerCase());
    if (pending) return { ...txJson(pending.tx, backend), status: 'pending', confirmations: 0, blockHash: null, blockHeight: null } satisfies ApiResponse<'GET /api/tx/:id'>;
    const loc = await chain.getTxLocation(hexToHash(id));
    if (!loc) throw new HttpError(404, `transaction ${id} not found`, 'not-found');
    const tx = await gate.run(() => chain.getTx(loc.entry, loc.index), clientGone(reply));
    if (!tx) throw new HttpError(404, 'block data not found', 'not-found');
    const receipt = tx.kind === 'transfer' && tx.data.length > 0 ? await chain.contracts.receipt(txHash(tx)) : undefined;
    return {
      ...txJson(tx, backend),
      ...(receipt ? { receipt } : {}),
      status: 'confirmed',
      confirmations: chain.height - loc.entry.height + 1,
      blockHash: loc.entry.id,
      blockHeight: loc.entry.height,
      index: loc.index,
    } satisfies ApiResponse<'GET /api/tx/:id'>;
  });

  app.get('/api/address/:address', async (req, reply) => {
    const { address } = parse(addressParam, req.params, 'address');
    const { page, limit, before } = parse(addressHistoryQuery, req.query, 'query');
    if ((page - 1) * limit > DEEP_PAGE_ROWS) await charge(req, reply, 'heavy');
    // Viewed and listed before the first await, so the account, nonce and pending list agree.
    const view = pendingView(chain, mempool, address);
    const { account, nextNonce } = view;
    const readAt = chain.height;
    const me = addressKey(address);
    const shown = pendingWithin(view, limit, (p) =>
      JSON.stringify({ ...txJson(p.tx, backend), direction: directionOf(p.tx, me, backend), confirmations: 0 } satisfies AddressTx),
    );
    const { items, next } = await gate.run(() => confirmedAddressTxs(chain, address, before ?? (page - 1) * limit, limit), clientGone(reply));
    const history = leadingWithin(
      items,
      ({ tx, entry, internal }) =>
        JSON.stringify({
          ...txJson(tx, backend),
          direction: directionOf(tx, me, backend),
          // Contract payouts in this transaction, and how much of them came to this address.
          ...(internal ? { internal, internalReceived: internalReceived(internal, me).toString() } : {}),
          blockHeight: entry.height,
          blockHash: entry.id,
          confirmations: chain.height - entry.height + 1,
        } satisfies AddressTx),
      ADDRESS_MAX_BYTES - shown.bytes,
    );
    const truncated = history.length < items.length;
    const last = items[history.length - 1];
    // Cut short, the page ends at its last row shown: the next one starts right after it.
    const resume = truncated && last ? { height: last.entry.height, index: last.index } : next;
    const head = {
      address: formatAddress(address),
      balance: account.balance.toString(),
      pendingBalance: (account.balance + view.delta).toString(),
      nonce: account.nonce.toString(),
      nextNonce: nextNonce.toString(),
      height: readAt,
      pendingCount: view.count,
      pendingIncoming: view.incoming.toString(),
      page,
      limit,
      truncated,
      next: resume ? formatHistoryCursor(resume) : null,
    } satisfies Omit<ApiResponse<'GET /api/address/:address'>, 'pending' | 'history'>;
    // Assembled from the pieces measured above rather than serialised a second time.
    return reply
      .type('application/json')
      .send(`${JSON.stringify(head).slice(0, -1)},"pending":[${shown.pieces.join(',')}],"history":[${history.join(',')}]}`);
  });
}

