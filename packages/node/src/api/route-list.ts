import type { FastifyInstance } from 'fastify';

export interface RouteInfo {
  method: string;
  url: string;
}

const tables = new WeakMap<FastifyInstance, RouteInfo[]>();

/** Starts recording every route added to `app` from now on (HEAD twins of GET routes left out). */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteInfo[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.push({ method, url: route.url ?? route.path });
  });
}

/** Every route of an app built by createApiServer: what the API fuzz test enumerates. */
export function routesOf(app: FastifyInstance): readonly RouteInfo[] {
  return tables.get(app) ?? [];
}
