import type { z } from 'zod';
import type { API_ROUTES, ApiRoute } from './routes.js';

type PathOf<R extends string> = R extends `${string} ${infer P}` ? P : never;
type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}` ? N | ParamNames<Rest> : P extends `${string}:${infer N}` ? N : never;

/** The path parameters of a route, e.g. `{id}` for `GET /api/blocks/:id`. */
export type RouteParams<R extends ApiRoute> = { [K in ParamNames<PathOf<R>>]: string | number };

type Contract<R extends ApiRoute> = (typeof API_ROUTES)[R];
/** The body a route takes, as a client writes it (before the node's defaults and transforms). */
export type RouteBody<R extends ApiRoute> = Contract<R> extends { body: z.ZodType } ? z.input<Contract<R>['body']> : undefined;
/** The query string a route takes, as a client writes it. */
export type RouteQuery<R extends ApiRoute> = Contract<R> extends { querystring: z.ZodType } ? Partial<Record<keyof z.input<Contract<R>['querystring']>, string | number>> : never;

/** The URL path (and query) of a request to `route`: each parameter and query value URL-encoded. */
export function routePath<R extends ApiRoute>(route: R, params: RouteParams<R>, query?: RouteQuery<R>): string {
  const values = params as Record<string, string | number>;
  const path = route.slice(route.indexOf(' ') + 1).replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String(values[name])));
  const q = Object.entries((query ?? {}) as Record<string, string | number | undefined>).filter(([, v]) => v !== undefined);
  return q.length === 0 ? path : `${path}?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&')}`;
}
