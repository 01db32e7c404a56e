import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCS_PREFIX, docsPolicy, installApiDocs, swaggerOptions } from './openapi.js';
import { recordRoutes, routesOf } from './route-list.js';

const handler = async (_req: FastifyRequest, reply: FastifyReply) => reply.send({});

function apiRoutes(app: FastifyInstance): void {
  app.get('/api/node/info', handler);
  app.post('/api/transactions', handler);
  app.get('/api/blocks/:id', handler);
  app.get('/elsewhere', handler);
}

/** The docs as they were registered before they loaded lazily: the two plugins, with the node's options. */
async function withPlugins(): Promise<FastifyInstance> {
  const app = Fastify();
  recordRoutes(app);
  await app.register(fastifySwagger, swaggerOptions('0.1.0'));
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    staticCSP: true,
    transformStaticCSP: docsPolicy,
    uiHooks: {
      onRequest: async (req, reply) => {
        if (req.url.split('?')[0] === `${DOCS_PREFIX}/static/index.html`) return reply.redirect(`${DOCS_PREFIX}/`);
      },
    },
  });
  apiRoutes(app);
  await app.ready();
  return app;
}

async function lazily(): Promise<FastifyInstance> {
  const app = Fastify();
  recordRoutes(app);
  await installApiDocs(app, '0.1.0');
  apiRoutes(app);
  await app.ready();
  return app;
}

/** installApiDocs mirrors @fastify/swagger-ui's routes: an upgrade of the plugin that changes them fails here. */
describe('API docs loaded on first request', () => {
  let before: FastifyInstance;
  let after: FastifyInstance;
  beforeAll(async () => {
    [before, after] = await Promise.all([withPlugins(), lazily()]);
  });
  afterAll(async () => {
    await Promise.all([before.close(), after.close()]);
  });

  it('has the routes the plugins registered', () => {
    expect(routesOf(after)).toEqual(routesOf(before));
  });

  it('answers every docs URL as the plugins did', async () => {
    const answer = async (app: FastifyInstance, method: 'GET' | 'HEAD', url: string, headers: Record<string, string> = {}) => {
      const res = await app.inject({ method, url, headers });
      const { date: _, ...rest } = res.headers;
      return { status: res.statusCode, headers: rest, body: res.body };
    };
    const urls = [
      '/api/docs', '/api/docs/', '/api/docs/?q=1', '/api/docs/json', '/api/docs/yaml', '/api/docs/static/index.html', '/api/docs/static/index.html?page=2',
      '/api/docs/static/swagger-initializer.js', '/api/docs/static/swagger-ui.css', '/api/docs/static/favicon-32x32.png', '/api/docs/static/',
      '/api/docs/static/missing.js', '/api/docs/missing', '/api/docs/json/',
    ];
    for (const url of urls) {
      for (const method of ['GET', 'HEAD'] as const) expect(await answer(after, method, url), `${method} ${url}`).toEqual(await answer(before, method, url));
    }
    const etag = (await before.inject(`${DOCS_PREFIX}/static/swagger-ui.css`)).headers.etag as string;
    const conditional = { 'if-none-match': etag };
    expect(await answer(after, 'GET', `${DOCS_PREFIX}/static/swagger-ui.css`, conditional)).toEqual(await answer(before, 'GET', `${DOCS_PREFIX}/static/swagger-ui.css`, conditional));
    expect(JSON.parse((await after.inject(`${DOCS_PREFIX}/json`)).body).paths).toHaveProperty(['/api/blocks/{id}']);
  });
});
