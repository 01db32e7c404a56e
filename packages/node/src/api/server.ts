import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { ApiContext } from './context.js';
import { chainRoutes } from './routes/chain.js';
import { transactionRoutes } from './routes/transactions.js';
import { miningRoutes } from './routes/mining.js';
import { networkRoutes } from './routes/network.js';
import { walletRoutes } from './routes/wallet.js';
import { feeEstimateRoutes } from './routes/fee-estimate.js';
import { searchRoutes } from './routes/search.js';
import { contractRoutes } from './routes/contracts.js';
import { healthRoutes } from './routes/health.js';
import { proofRoutes } from './routes/proofs.js';
import { installSecurityHeaders } from './security-headers.js';
import { DEFAULT_HOST_POLICY, installHostGuard, type HostPolicy } from './host-guard.js';
import { registerWebApp } from './static.js';
import { BODY_LIMIT, MAX_PARAM_LENGTH, frameworkErrors, installErrorHandler, installJsonBodyParser } from './request-guards.js';
import { installRateLimits } from './rate-limit.js';
import { CONNECTION_LIMITS, capConnections, serverTimeouts } from './connection-limits.js';
import { RESPONSE_LIMITS, installResponseBudget } from './response-budget.js';
import { HEAVY_LIMITS, HeavyGate } from './heavy-gate.js';
import { isLoopback } from '../util/client-key.js';
import { SortedMempool } from './mempool-view.js';
import { trustedProxies } from './trusted-proxies.js';
import { EngineBudget } from './engine-budget.js';
import { exemptRequests } from './client-exemption.js';
import { deployAdmission } from './deploy-admission.js';
import { recordRoutes } from './route-list.js';
import { installApiDocs } from './openapi.js';
import type { RateLimitMode } from '../config/config.js';

/** WebSocket frames past this close the connection; the hub refuses messages past its own smaller limit. */
const WS_MAX_PAYLOAD = 64 * 1024;

/** How long requests in flight may take to finish once the node shuts down. */
const SHUTDOWN_GRACE_MS = 2_000;

export interface ApiServerOptions {
  rateLimit: RateLimitMode;
  /** TRUST_PROXY: reverse proxies whose X-Forwarded-For names the client. */
  trustProxy?: readonly string[];
  /** Host names and WebSocket origins answered to (API_VHOSTS, WS_ORIGINS); by default a loopback node's. */
  hosts?: HostPolicy;
}

export async function createApiServer(ctx: ApiContext, opts: ApiServerOptions = { rateLimit: 'remote' }): Promise<FastifyInstance> {
  const trusted = trustedProxies(opts.trustProxy ?? []);
  const app = Fastify({
    logger: false,
    trustProxy: (address: string) => trusted(address),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    // As a router option: given at the top level, Fastify prints a deprecation warning at every start.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors,
    ...serverTimeouts(CONNECTION_LIMITS),
  });
  // Per-client caps follow the rate-limit mode: local clients are trusted unless every client arrives as one.
  // Every request-level limit asks exemptRequest, which also sees a proxy's forwarding headers: a
  // request from loopback that a proxy on this host forwarded is not a local client's.
  const exemptRequest = exemptRequests(opts.rateLimit, trusted, (opts.trustProxy ?? []).length > 0, ctx.log);
  // The socket cap sees no headers, so it goes by address alone and still exempts loopback sockets:
  // a same-host proxy without TRUST_PROXY keeps its sockets uncapped, while every request through
  // them is limited as one client by exemptRequest. A trusted proxy's socket carries many clients;
  // they are told apart (and capped) by request, not by socket.
  const exemptSocket = (ip: string) => opts.rateLimit === 'off' || (opts.rateLimit === 'remote' && isLoopback(ip));
  capConnections(app.server, CONNECTION_LIMITS, (ip) => exemptSocket(ip) || trusted(ip));
  recordRoutes(app);
  // A client that stops reading its response would otherwise hold the node's shutdown open forever.
  app.addHook('preClose', (done) => {
    setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    done();
  });
  installErrorHandler(app, ctx.log);
  // First of the request hooks: a rebound name is refused before rate limits, routes or the upgrade see it.
  installHostGuard(app, opts.hosts ?? DEFAULT_HOST_POLICY);
  // One gate for every route that reads blocks or contract storage or renders large answers; it books
  // answers with the response budget before they are made.
  const gate = new HeavyGate(HEAVY_LIMITS, installResponseBudget(app, RESPONSE_LIMITS, exemptRequest));
  installSecurityHeaders(app);
  installJsonBodyParser(app);
  // Before any route: the limits attach to each route as it is added.
  const charge = await installRateLimits(app, opts.rateLimit, exemptRequest);
  await installApiDocs(app, ctx.version);
  await app.register(fastifyWebsocket, { options: { maxPayload: WS_MAX_PAYLOAD } });
  const hasWebApp = await registerWebApp(app);

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (hasWebApp && req.method === 'GET' && !path.startsWith('/api/') && path !== '/ws') return reply.sendFile('index.html');
    reply.status(404).send({ error: 'not-found', message: `no route ${req.method} ${path.slice(0, 200)}` });
  });

  const sorted = new SortedMempool(ctx.mempool);
  app.addHook('onClose', async () => sorted.close());
  // One engine budget for every route that runs the engine or prepares a source.
  const engineBudget = new EngineBudget(exemptRequest);
  chainRoutes(app, ctx, charge, gate);
  transactionRoutes(app, ctx, sorted, deployAdmission(ctx, engineBudget), charge, gate);
  miningRoutes(app, ctx);
  networkRoutes(app, ctx);
  walletRoutes(app, ctx, charge, gate);
  feeEstimateRoutes(app, ctx, sorted);
  searchRoutes(app, ctx);
  contractRoutes(app, ctx, charge, engineBudget, undefined, gate);
  healthRoutes(app, ctx);
  proofRoutes(app, ctx, charge, gate);
  ctx.hub.register(app, exemptRequest);
  return app;
}
