import type { FastifyInstance } from 'fastify';
import type { ApiResponse } from '@hackcoin/core';
import type { Chain } from '../../chain/chain.js';
import type { NetworkOverview } from '../../p2p/index.js';
import type { ApiContext } from '../context.js';

/** How a supervisor should treat the node right now. */
export interface Health {
  status: 'ok' | 'syncing' | 'stalled' | 'halted';
  synced: boolean;
  reason: string | null;
  height: number;
  bestKnownHeight: number;
  tipAgeSeconds: number;
  peers: number | null;
}

/** Synced means: not halted, and no peer offers more work than we have (or P2P is off and we are on our own). */
export interface HealthSources {
  chain: Pick<Chain, 'height' | 'tip' | 'haltReason'>;
  network?: { overview(): NetworkOverview };
}

export function health(ctx: HealthSources, now = Date.now()): Health {
  const { chain, network } = ctx;
  const base = {
    height: chain.height,
    bestKnownHeight: chain.height,
    tipAgeSeconds: Math.max(0, Math.floor(now / 1000) - chain.tip.header.time),
    peers: null as number | null,
  };
  const halted = chain.haltReason;
  if (halted !== undefined) return { ...base, status: 'halted', synced: false, reason: `chain halted: ${halted}` };
  if (!network) return { ...base, status: 'ok', synced: true, reason: null };
  const o = network.overview();
  const view = { ...base, bestKnownHeight: o.bestKnownHeight, peers: o.peers.total };
  if (o.sync.state === 'syncing') {
    return { ...view, status: 'syncing', synced: false, reason: `syncing: height ${o.sync.height} of ${o.sync.targetHeight}` };
  }
  if (o.sync.state === 'stalled') {
    const why = o.peers.total === 0 ? 'no peers left' : 'no progress from peers';
    return { ...view, status: 'stalled', synced: false, reason: `sync stalled at height ${o.sync.height} of ${o.sync.targetHeight} (${why})` };
  }
  return { ...view, status: 'ok', synced: true, reason: null };
}

export function healthRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/api/health', async (_req, reply) => {
    const h = health(ctx);
    return reply.status(h.synced ? 200 : 503).send(h satisfies ApiResponse<'GET /api/health'>);
  });
}
