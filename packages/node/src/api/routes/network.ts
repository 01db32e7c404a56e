import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { requireToken } from '../auth.js';
import type { Network } from '../../p2p/index.js';

const connectBody = z.object({ address: z.string().min(3).max(512) }).strict();
const disconnectBody = z
  .object({ peerId: z.string().min(10).max(128), ban: z.boolean().optional() })
  .strict();
const unbanBody = z.object({ peerId: z.string().min(10).max(128) }).strict();
const syncBody = z.object({ timeoutMs: z.number().int().min(100).max(120_000).optional() }).strict();

export function networkRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const auth = requireToken(ctx.token);
  const net = (): Network => {
    if (!ctx.network) throw new HttpError(503, 'peer-to-peer networking is disabled (P2P=false)', 'p2p-disabled');
    return ctx.network;
  };

  app.get('/api/network/status', async () => net().networkStatus());

  app.get('/api/network/peers', async () => {
    const peers = net().summaries();
    return { count: peers.length, peers };
  });

  app.get('/api/network/bans', async () => {
    const bans = net()
      .bans.list()
      .map((b) => ({ ...b, since: new Date(b.since).toISOString(), until: new Date(b.until).toISOString() }));
    return { count: bans.length, bans };
  });

  app.post('/api/network/connect', { preHandler: auth }, async (req) => {
    const { address } = parse(connectBody, req.body, 'body');
    const n = net();
    let peerId: string;
    try {
      peerId = await n.manager.connect(address);
    } catch (e) {
      throw new HttpError(502, `could not connect to ${address}: ${(e as Error).message}`, 'connect-failed');
    }
    // Answer after the handshake so the caller sees the peer's chain.
    const end = Date.now() + 5_000;
    while (!n.peers.get(peerId)?.ready && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const peer = n.summaries().find((p) => p.id === peerId);
    return { connected: !!peer, peer: peer ?? { id: peerId } };
  });

  app.post('/api/network/disconnect', { preHandler: auth }, async (req) => {
    const { peerId, ban } = parse(disconnectBody, req.body, 'body');
    const n = net();
    const known = n.peers.has(peerId);
    if (ban) n.bans.ban(peerId, 'banned by operator', n.peers.get(peerId)?.address);
    await n.host.hangUp(peerId);
    if (!known && !ban) throw new HttpError(404, `not connected to ${peerId}`, 'not-found');
    return { disconnected: known, banned: ban === true };
  });

  app.post('/api/network/unban', { preHandler: auth }, async (req) => {
    const { peerId } = parse(unbanBody, req.body, 'body');
    return { unbanned: net().bans.unban(peerId) };
  });

  // The seed's route: ask the peers for a better chain now and report what came of it.
  app.post('/api/blockchain/sync', { preHandler: auth }, async (req) => {
    const { timeoutMs } = parse(syncBody, req.body, 'body');
    return net().syncNow(timeoutMs ?? 30_000);
  });
}
