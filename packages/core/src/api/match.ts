import type { z } from 'zod';
import { API_ROUTES, type ApiRoute, type RouteContract } from './routes.js';

interface Compiled {
  key: ApiRoute;
  method: string;
  segments: string[];
}

const compiled: Compiled[] = Object.keys(API_ROUTES).map((key) => {
  const [method, path] = key.split(' ') as [string, string];
  return { key: key as ApiRoute, method, segments: path.split('/') };
});

/** The route a request goes to, as the node's router would pick it (static segments before parameters). */
export function matchRoute(method: string, url: string): ApiRoute | undefined {
  const path = url.split(/[?#]/)[0]!.replace(/\/+$/, '');
  const parts = path.split('/');
  let best: { key: ApiRoute; statics: number } | undefined;
  for (const r of compiled) {
    if (r.method !== method.toUpperCase() || r.segments.length !== parts.length) continue;
    let statics = 0;
    const fits = r.segments.every((s, i) => {
      if (s.startsWith(':')) return parts[i] !== '';
      statics++;
      return s === parts[i];
    });
    if (fits && (!best || statics > best.statics)) best = { key: r.key, statics };
  }
  return best?.key;
}

/** An answer of the node that does not have the shape its route promises. */
export class ApiShapeError extends Error {
  override name = 'ApiShapeError';
  constructor(
    readonly route: string,
    readonly field: string,
    detail: string,
  ) {
    super(`malformed answer from ${route}: ${field} ${detail}`);
  }
}

function firstIssue(error: z.ZodError): { field: string; detail: string } {
  const issue = error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
  return { field: field.slice(0, 100), detail: issue.message.slice(0, 200) };
}

/**
 * Checks a 2xx answer (or a status the route answers with its usual body) against the route's
 * schema and returns it unchanged; throws ApiShapeError naming the first wrong field. Answers of
 * paths outside the API's routes are returned unchecked.
 */
export function checkApiResponse(method: string, url: string, status: number, body: unknown): unknown {
  const key = matchRoute(method, url);
  if (!key) return body;
  const route: RouteContract = API_ROUTES[key];
  if ((status < 200 || status > 299) && !route.alsoFor?.includes(status)) return body;
  const r = route.response.safeParse(body);
  if (r.success) return body;
  const { field, detail } = firstIssue(r.error);
  throw new ApiShapeError(key, field, detail);
}
