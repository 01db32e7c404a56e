import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifySchema, type RouteOptions } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { SwaggerOptions } from '@fastify/swagger';
import { z } from 'zod';
import { API_ROUTES, type ApiRoute, type RouteContract } from '@hackcoin/core';

/** Where the interactive reference is served; its JSON is at `${DOCS_PREFIX}/json`. */
export const DOCS_PREFIX = '/api/docs';

const errorBody = z.object({ error: z.string().describe('the rule or error code'), message: z.string().describe('names the field or rule') });

/** Requests are documented as clients write them (before defaults and transforms), answers as the node sends them. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

/** The route's contract from core (API_ROUTES), as a Fastify schema for the document only: handlers parse with the same zod schemas. */
function documented(method: string, url: string): FastifySchema & Record<string, unknown> {
  const contract: RouteContract | undefined = API_ROUTES[`${method} ${url}` as ApiRoute];
  const out: FastifySchema & Record<string, unknown> = { tags: [url.split('/')[2] ?? 'other'] };
  if (!contract) return out;
  for (const part of ['body', 'params', 'querystring'] as const) {
    const schema = contract[part];
    if (schema) out[part] = jsonSchema(schema, 'input');
  }
  const ok = jsonSchema(contract.response, 'output');
  out.response = { 200: ok, ...Object.fromEntries((contract.alsoFor ?? []).map((s) => [s, ok])), default: jsonSchema(errorBody, 'output') };
  if (contract.auth) out.security = [{ token: [] }];
  return out;
}

/** Only API routes are documented, and not the reference's own. */
const listed = (url: string): boolean => url.startsWith('/api/') && !url.startsWith(DOCS_PREFIX);

/** @fastify/swagger's options for the node's document (exported for the test that compares the docs with the plugins'). */
export function swaggerOptions(version: string): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'HackCoin node API', version, description: 'Amounts are decimal strings of base units. Errors are {error, message}; see docs/api.md.' },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'API_TOKEN or the contents of DATA_DIR/.cookie' } } },
    },
    transform: ({ schema, url, route }) => {
      if (schema?.hide || !listed(url)) return { schema: { ...schema, hide: true }, url };
      const method = [route.method].flat().find((m) => m !== 'HEAD') ?? 'GET';
      return { schema: { ...documented(method, url), ...schema }, url };
    },
  };
}

/**
 * @fastify/swagger in an instance of its own, given the node's API routes as they were added:
 * it and @fastify/swagger-ui (yaml, a second copy of @fastify/static, glob) took a tenth of the
 * node's start-up when registered with the API, for a document few clients ask for.
 */
async function buildOpenApi(routes: readonly RouteOptions[], version: string): Promise<FastifyInstance> {
  const { default: fastifySwagger } = await import('@fastify/swagger');
  const spec = Fastify({ logger: false });
  await spec.register(fastifySwagger, swaggerOptions(version));
  // The instance never serves: its routes are only read into the document.
  const unserved = (_req: FastifyRequest, reply: FastifyReply) => reply.status(404).send();
  for (const r of routes) if (listed(r.url)) spec.route({ method: r.method, url: r.url, schema: r.schema, config: r.config, handler: unserved });
  await spec.ready();
  return spec;
}

/** Swagger UI's assets are under this, below DOCS_PREFIX. */
const STATIC_PREFIX = '/static';

type SwaggerUiOptions = Record<string, unknown>;

/** The page and its start-up script, made by @fastify/swagger-ui's own code. */
interface UiPage {
  html: (url: string) => string;
  initializer: string;
}

function loadUiPage(uiDir: string): UiPage {
  const load = createRequire(join(uiDir, 'index.js'));
  const indexHtml = load('./lib/index-html.js') as (opts: SwaggerUiOptions) => (url: string) => string;
  const swaggerInitializer = load('./lib/swagger-initializer.js') as (opts: SwaggerUiOptions) => string;
  // What the plugin (index.js) hands them for our options: its default logo, no theme or UI settings.
  const options: SwaggerUiOptions = {
    prefix: DOCS_PREFIX,
    uiConfig: {},
    initOAuth: {},
    theme: {},
    logo: { type: 'image/svg+xml', content: readFileSync(join(uiDir, 'static/logo.svg')) },
  };
  return { html: indexHtml({ ...options, staticPrefix: STATIC_PREFIX }), initializer: swaggerInitializer(options) };
}

/** Swagger UI's own policy, as its plugin builds it for `staticCSP: true` from the hashes it ships. */
function uiPolicy(uiDir: string): string {
  const csp = JSON.parse(readFileSync(join(uiDir, 'static/csp.json'), 'utf8')) as { script: string[]; style: string[] };
  return `default-src 'self'; base-uri 'self'; font-src 'self' https: data:; frame-ancestors 'self'; img-src 'self' data: validator.swagger.io; object-src 'none'; script-src 'self' ${csp.script.join(' ')}; script-src-attr 'none'; style-src 'self' https: ${csp.style.join(' ')}; upgrade-insecure-requests;`.trim();
}

/**
 * An OpenAPI 3.1 document of every route (`GET /api/docs/json`) and an interactive reference at
 * /api/docs, its assets served from the package, never a CDN. Must be installed before the routes.
 *
 * The routes, hooks and answers are those @fastify/swagger with @fastify/swagger-ui 6 (lib/routes.js)
 * gave for these options, and the same code makes them; what only an answer needs (the document,
 * the page) is loaded when first asked for.
 */
export async function installApiDocs(app: FastifyInstance, version: string): Promise<void> {
  // As @fastify/swagger collects them: every route added from now on but the HEAD twins.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD') routes.push(route);
  });
  let spec: Promise<FastifyInstance> | undefined;
  const openApi = async (): Promise<FastifyInstance> =>
    (spec ??= buildOpenApi(routes, version).catch((e: unknown) => {
      spec = undefined;
      throw e;
    }));
  const uiDir = dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui'));
  let page: UiPage | undefined;
  const uiPage = () => (page ??= loadUiPage(uiDir));
  let policy: string | undefined;
  const uiRoute = {
    schema: { hide: true },
    // The UI redirects static/index.html to itself when a query string follows; send it to the page.
    onRequest: async (req: FastifyRequest, reply: FastifyReply) => {
      if (req.url.split('?')[0] === `${DOCS_PREFIX}${STATIC_PREFIX}/index.html`) return reply.redirect(`${DOCS_PREFIX}/`);
    },
  };
  await app.register(
    async (docs) => {
      docs.addHook('onSend', async (_req, reply, payload) => {
        // The UI's policy, tightened: the page shares the wallet's origin.
        reply.header('content-security-policy', (policy ??= docsPolicy(uiPolicy(uiDir))));
        return payload;
      });
      docs.get('/', uiRoute, (req, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(uiPage().html(req.url)));
      docs.get(`${STATIC_PREFIX}/index.html`, uiRoute, (req, reply) => reply.redirect(req.url.replace(/\/static\/index\.html$/, '/')));
      docs.get(`${STATIC_PREFIX}/swagger-initializer.js`, uiRoute, (_req, reply) =>
        reply.header('content-type', 'application/javascript; charset=utf-8').send(uiPage().initializer),
      );
      docs.get('/json', uiRoute, async (_req, reply) => reply.send((await openApi()).swagger()));
      docs.get('/yaml', uiRoute, async (_req, reply) => reply.type('application/x-yaml').send((await openApi()).swagger({ yaml: true })));
      await docs.register(fastifyStatic, { root: join(uiDir, 'static'), prefix: STATIC_PREFIX, decorateReply: false });
    },
    { prefix: DOCS_PREFIX },
  );
}

/**
 * Swagger UI's policy as the docs page's: no framing (it shares the wallet's origin, its token
 * and keystore), nothing from other hosts (the UI allows styles and fonts from any https: host
 * and images from validator.swagger.io), inline styles as the web app allows them, and no upgrade
 * to https, which a node served over plain HTTP on a LAN address cannot answer.
 */
export function docsPolicy(header: string): string {
  const directives = new Map<string, string>();
  for (const d of header.split(';').map((x) => x.trim()).filter(Boolean)) {
    const [name, ...values] = d.split(/\s+/);
    directives.set(name!.toLowerCase(), values.filter((v) => v !== 'https:' && v !== 'validator.swagger.io').join(' '));
  }
  directives.delete('upgrade-insecure-requests');
  directives.set('frame-ancestors', "'none'");
  // The UI sets style attributes from script, as the web app's editor and charts do; a hash in the list would turn 'unsafe-inline' off.
  directives.set('style-src', "'self' 'unsafe-inline'");
  directives.set('connect-src', "'self'");
  directives.set('form-action', "'self'");
  directives.set('base-uri', "'none'");
  return [...directives].map(([name, values]) => (values ? `${name} ${values}` : name)).join('; ');
}
