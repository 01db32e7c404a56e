import type { FastifyInstance, FastifySchema } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { z } from 'zod';
import { addressParam, generate, hashOrHeight, miningStart, paging, signedTx, txIdParam } from './schemas.js';
import { connectBody, disconnectBody, syncBody, unbanBody } from './routes/network.js';
import { blockQuery, headersQuery, storageParams } from './routes/proofs.js';

/** Where the interactive reference is served; its JSON is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/api/docs';

type Parts = Partial<Record<'body' | 'params' | 'querystring', z.ZodType>>;

/**
 * The zod schemas each handler parses its input with, by route. They are only rendered into the
 * OpenAPI document: the handlers stay the validators, so errors keep the API's own format.
 */
const ROUTE_SCHEMAS: Record<string, Parts> = {
  'GET /api/blocks': { querystring: paging },
  'GET /api/blocks/:id': { params: hashOrHeight },
  'GET /api/tx/:id': { params: txIdParam },
  'GET /api/address/:address': { params: addressParam, querystring: paging },
  'GET /api/address/:address/history': { params: addressParam, querystring: paging },
  'GET /api/mempool': { querystring: paging },
  'GET /api/contracts': { querystring: paging },
  'POST /api/transactions': { body: signedTx },
  'POST /api/transaction': { body: signedTx },
  'POST /api/contracts/deploy': { body: signedTx },
  'POST /api/contracts/execute': { body: signedTx },
  'POST /api/mining/start': { body: miningStart },
  'POST /api/mining/generate': { body: generate },
  'POST /api/network/connect': { body: connectBody },
  'POST /api/network/disconnect': { body: disconnectBody },
  'POST /api/network/unban': { body: unbanBody },
  'POST /api/blockchain/sync': { body: syncBody },
  'GET /api/proof/account/:address': { params: addressParam, querystring: blockQuery },
  'GET /api/proof/storage/:contract/:key': { params: storageParams, querystring: blockQuery },
  'GET /api/headers': { querystring: headersQuery },
};

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

function documented(method: string, url: string, hasAuth: boolean): FastifySchema & Record<string, unknown> {
  const parts = ROUTE_SCHEMAS[`${method} ${url}`] ?? {};
  const out: FastifySchema & Record<string, unknown> = { tags: [url.split('/')[2] ?? 'other'] };
  for (const [part, schema] of Object.entries(parts)) out[part] = jsonSchema(schema);
  if (hasAuth) out.security = [{ token: [] }];
  return out;
}

/**
 * An OpenAPI 3.1 document of every route (`GET /api/docs/json`) and an interactive reference at
 * /api/docs, its assets served from the package, never a CDN. Must be installed before the routes.
 */
export async function installApiDocs(app: FastifyInstance, version: string): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'HackCoin node API', version, description: 'Amounts are decimal strings of base units. Errors are {error, message}; see docs/api.md.' },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'API_TOKEN or the contents of DATA_DIR/.cookie' } } },
    },
    transform: ({ schema, url, route }) => {
      if (schema?.hide || !url.startsWith('/api/') || url.startsWith(DOCS_PREFIX)) return { schema: { ...schema, hide: true }, url };
      const method = [route.method].flat().find((m) => m !== 'HEAD') ?? 'GET';
      return { schema: { ...documented(method, url, route.preHandler !== undefined), ...schema }, url };
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiHooks: {
      // The UI redirects static/index.html to itself when a query string follows; send it to the page.
      onRequest: async (req, reply) => {
        if (req.url.split('?')[0] === `${DOCS_PREFIX}/static/index.html`) return reply.redirect(`${DOCS_PREFIX}/`);
      },
    },
  });
}
