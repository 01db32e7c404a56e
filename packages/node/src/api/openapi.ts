import type { FastifyInstance, FastifySchema } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
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
      return { schema: { ...documented(method, url), ...schema }, url };
    },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    // The UI's own policy (with the hashes of its inline scripts), tightened: the page shares the wallet's origin.
    staticCSP: true,
    transformStaticCSP: docsPolicy,
    uiHooks: {
      // The UI redirects static/index.html to itself when a query string follows; send it to the page.
      onRequest: async (req, reply) => {
        if (req.url.split('?')[0] === `${DOCS_PREFIX}/static/index.html`) return reply.redirect(`${DOCS_PREFIX}/`);
      },
    },
  });
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
