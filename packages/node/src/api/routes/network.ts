import type { FastifyInstance } from 'fastify';
import { connectBody, difficultyFromBits, disconnectBody, syncBody, unbanBody, type ApiResponse } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { requireToken } from '../auth.js';
import type { NetworkControl } from '../../p2p/index.js';
import { estimateHashRate } from '../../chain/hashrate.js';

export function networkRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const auth = requireToken(ctx.token);
  const net = (): NetworkControl => {
    if (!ctx.network) throw new HttpError(503, 'peer-to-peer networking is disabled (P2P=false)', 'p2p-disabled');
    return ctx.network;
  };

  app.get('/api/network/status', async () => {
    const o = net().overview();
    const tip = ctx.chain.tip;
    return {
      ...o,
      height: tip.height,
      bestHash: tip.id,
      hashRate: estimateHashRate(ctx.chain),
      difficulty: difficultyFromBits(tip.header.bits),
      lastBlockAgeSeconds: Math.max(0, Math.floor(Date.now() / 1000) - tip.header.time),
    } satisfies ApiResponse<'GET /api/network/status'>;
  });

  app.get('/api/network/peers', async () => {
    const peers = net().peers();
    return { count: peers.length, peers } satisfies ApiResponse<'GET /api/network/peers'>;
  });

  app.get('/api/network/bans', async () => {
    const bans = net()
      .bans()
      .map((b) => ({ ...b, since: new Date(b.since).toISOString(), until: new Date(b.until).toISOString() }));
    return { count: bans.length, bans } satisfies ApiResponse<'GET /api/network/bans'>;
  });

  app.post('/api/network/connect', { preHandler: auth }, async (req) => {
    const { address } = parse(connectBody, req.body, 'body');
    // Answers after the handshake so the caller sees the peer's chain.
    try {
      const { peerId, peer } = await net().connect(address);
      return { connected: !!peer, peer: peer ?? { id: peerId } } satisfies ApiResponse<'POST /api/network/connect'>;
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw new HttpError(502, `could not connect to ${address}: ${(e as Error).message}`, 'connect-failed');
    }
  });

  app.post('/api/network/disconnect', { preHandler: auth }, async (req) => {
    const { peerId, ban } = parse(disconnectBody, req.body, 'body');
    const known = await net().disconnect(peerId, ban === true);
    if (!known && !ban) throw new HttpError(404, `not connected to ${peerId}`, 'not-found');
    return { disconnected: known, banned: ban === true } satisfies ApiResponse<'POST /api/network/disconnect'>;
  });

  app.post('/api/network/unban', { preHandler: auth }, async (req) => {
    const { peerId } = parse(unbanBody, req.body, 'body');
    return { unbanned: net().unban(peerId) } satisfies ApiResponse<'POST /api/network/unban'>;
  });

  // The seed's route: ask the peers for a better chain now and report what came of it.
  app.post('/api/blockchain/sync', { preHandler: auth }, async (req) => {
    const { timeoutMs } = parse(syncBody, req.body, 'body');
    const n = net();
    const before = { height: ctx.chain.height, hash: ctx.chain.tip.id };
    const r = await n.syncNow(timeoutMs ?? 30_000);
    const after = { height: ctx.chain.height, hash: ctx.chain.tip.id };
    const old = ctx.chain.getEntry(before.hash);
    return {
      peersAsked: r.peersAsked,
      bestPeer: r.best ? { id: r.best.id, height: r.best.height, chainWork: r.best.chainWork.toString(16) } : null,
      before,
      after,
      blocksAdded: Math.max(0, after.height - before.height),
      reorganized: after.hash !== before.hash && old !== undefined && !ctx.chain.isMain(old),
      timedOut: r.timedOut,
      sync: n.sync(),
    } satisfies ApiResponse<'POST /api/blockchain/sync'>;
  });
}
