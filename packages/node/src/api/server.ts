import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import { RuleError } from '@hackcoin/core';
import type { ApiContext } from './context.js';
import { HttpError } from './http-error.js';
import { chainRoutes } from './routes/chain.js';
import { transactionRoutes } from './routes/transactions.js';
import { miningRoutes } from './routes/mining.js';
import { networkRoutes } from './routes/network.js';
import { walletRoutes } from './routes/wallet.js';
import { contractRoutes } from './routes/contracts.js';
import { registerWebApp } from './static.js';

/** Large enough for a transaction carrying a 64 KiB contract as hex, small enough to refuse floods. */
export const BODY_LIMIT = 512 * 1024;

export async function createApiServer(ctx: ApiContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT, return503OnClosing: true });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  const hasWebApp = await registerWebApp(app);

  app.setErrorHandler((err: FastifyError | Error, _req, reply) => {
    if (err instanceof HttpError) return reply.status(err.status).send({ error: err.code ?? 'error', message: err.message });
    if (err instanceof RuleError) return reply.status(400).send({ error: err.code, message: err.message });
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: 'payload-too-large', message: `request body exceeds ${BODY_LIMIT} bytes` });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: 'bad-request', message: fe.message });
    }
    ctx.log.error(`internal error: ${err.stack ?? err.message}`);
    return reply.status(500).send({ error: 'internal', message: 'internal error' });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0]!;
    if (hasWebApp && req.method === 'GET' && !path.startsWith('/api/') && path !== '/ws') return reply.sendFile('index.html');
    reply.status(404).send({ error: 'not-found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });

  chainRoutes(app, ctx);
  transactionRoutes(app, ctx);
  miningRoutes(app, ctx);
  networkRoutes(app, ctx);
  walletRoutes(app, ctx);
  contractRoutes(app, ctx);
  ctx.hub.register(app);
  return app;
}
