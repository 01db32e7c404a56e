import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Which Host names and WebSocket origins the node answers to (geth's --http.vhosts and
 * --ws.origins). A page on attacker.example whose name is rebound to 127.0.0.1 reaches a
 * loopback node as same-origin, but its requests still carry `Host: attacker.example`; a page
 * on any site may open a WebSocket to 127.0.0.1, but it carries that site's Origin.
 */
export interface HostPolicy {
  /** The address the API is bound to (HOST). */
  bindHost: string;
  /** API_VHOSTS: names answered to besides the defaults; `*` for any. */
  vhosts: readonly string[];
  /** WS_ORIGINS: origins (scheme://host[:port]) whose pages may open /ws besides the node's own; `*` for any. */
  wsOrigins: readonly string[];
}

export const DEFAULT_HOST_POLICY: HostPolicy = { bindHost: '127.0.0.1', vhosts: [], wsOrigins: [] };

/** A Host header: a name, an IPv4 address or a bracketed IPv6 address, and an optional port. Nothing else. */
const HOST_HEADER = /^(?:\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/i;

/** The host part of a Host header as browsers and URL parsing write it (lower case, IPs canonical), or null if malformed. */
export function hostName(header: string): string | null {
  if (!HOST_HEADER.test(header)) return null;
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return null;
  }
}

/** An address or name as it appears in a parsed Host: IPv6 bracketed, IPv4 canonical, names in lower case. */
function canonical(host: string): string | null {
  return hostName(isIP(host) === 6 ? `[${host}]` : host);
}

const isIpLiteral = (name: string): boolean => isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0;

/**
 * The unspecified addresses, which a browser may still dial (as this machine) but treats as an
 * ordinary http site: it sends no Sec-Fetch-* headers there, so another site's page looping on
 * http://0.0.0.0:3001/api/… went unrecognised and, arriving from loopback, unlimited.
 */
const UNSPECIFIED = new Set(['0.0.0.0', '[::]']);

/**
 * Whether a Host name may be served: localhost, the loopback addresses, the bind address, the
 * configured names, and any IP literal when bound to every interface (an IP typed in the address
 * bar is not a name anyone can rebind), but never an unspecified address.
 */
export function hostAllowed(policy: HostPolicy): (name: string) => boolean {
  if (policy.vhosts.includes('*')) return () => true;
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  for (const h of [policy.bindHost, ...policy.vhosts]) {
    const c = canonical(h);
    if (c !== null && !UNSPECIFIED.has(c)) names.add(c);
  }
  const anyIp = policy.bindHost === '0.0.0.0' || policy.bindHost === '::';
  return (name) => !UNSPECIFIED.has(name) && (names.has(name) || (anyIp && isIpLiteral(name)));
}

/**
 * Whether a request carrying this Host header may be served. A request without one (an HTTP/1.0
 * health check) comes from no browser page and passes; a malformed one is refused.
 */
export function hostHeaderAllowed(policy: HostPolicy): (header: string | undefined) => boolean {
  const served = hostAllowed(policy);
  return (header) => {
    if (header === undefined) return true;
    const name = hostName(header);
    return name !== null && served(name);
  };
}

/** Whether an Origin header is one WS_ORIGINS lists (or any, for `*`). */
function listedOrigin(policy: HostPolicy): (origin: string) => boolean {
  if (policy.wsOrigins.includes('*')) return () => true;
  const listed = new Set(policy.wsOrigins.map((o) => new URL(o).origin));
  return (origin) => listed.has(origin);
}

/** Whether a WebSocket's Origin is the node's own (its host:port is the request's Host) or listed. */
export function originAllowed(policy: HostPolicy): (origin: string, host: string) => boolean {
  if (policy.wsOrigins.includes('*')) return () => true;
  const listed = listedOrigin(policy);
  return (origin, host) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      // "null" (sandboxed frames, file: pages) and anything unparsable is no one's origin.
      return false;
    }
    if (listed(url.origin)) return true;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // Parsed under the origin's scheme, so an explicit default port (:80, :443) compares equal to none.
    try {
      return new URL(`${url.protocol}//${host}`).host === url.host;
    } catch {
      return false;
    }
  };
}

type GuardedRequest = Pick<FastifyRequest, 'method' | 'url' | 'headers'> & { routeOptions?: { url?: string | undefined } };

/**
 * The path of the route the router matched, else the raw URL. The router decodes percent-escapes
 * and the raw URL keeps them: a page fetching /%61pi/blockchain/full reached the API route while
 * a check of the raw URL saw no API request.
 */
export const routePath = (req: GuardedRequest): string => req.routeOptions?.url ?? req.url;

/**
 * Whether an API request was made by another site's page: a browser marks every request with
 * Sec-Fetch-Site, and only a link the user followed (a top-level navigation the user started, to
 * read a page) is theirs. Such a page cannot read the answer, but the node still does the work,
 * and from a browser on the node's own machine it does so as loopback, exempt from rate limits:
 * a page looping on /api/blockchain/full had the node render megabytes a second for it. Requests from clients
 * that send no Sec-Fetch-Site (the CLI, scripts, older browsers) and from listed origins pass.
 */
export function crossSiteApiCall(policy: HostPolicy): (req: GuardedRequest) => boolean {
  const listed = listedOrigin(policy);
  return (req) => {
    if (!routePath(req).startsWith('/api/')) return false;
    const site = req.headers['sec-fetch-site'];
    if (site !== 'cross-site' && site !== 'same-site') return false;
    // A link the user followed: a top-level document the user's own action opened. An iframe, or a
    // navigation a script starts, is a navigation too, and a page reloading hidden frames of
    // /api/blockchain/full had a node on the user's machine render for it at loopback's unlimited rate.
    // Only to read a page: a form on another site posts as a navigation the user's click started, so
    // a POST this way would be that site acting through the user's browser.
    const h = req.headers;
    const read = req.method === 'GET' || req.method === 'HEAD';
    if (read && h['sec-fetch-mode'] === 'navigate' && h['sec-fetch-dest'] === 'document' && h['sec-fetch-user'] === '?1') return false;
    const origin = req.headers.origin;
    return origin === undefined || !listed(origin);
  };
}

export const HOST_REFUSED = 'forbidden host: the Host header names none of the hosts this node answers to (add the name to API_VHOSTS)';
const CROSS_SITE_REFUSED = "forbidden origin: an API request made by another site's page (add its origin to WS_ORIGINS)";
const ORIGIN_REFUSED = "forbidden origin: a WebSocket opened by another site's page (add its origin to WS_ORIGINS)";

const isUpgrade = (req: FastifyRequest): boolean => req.headers.upgrade?.toLowerCase() === 'websocket';

/**
 * Refuses, before any route runs (API, web app, /ws upgrade, not-found), a request whose Host is
 * not served, an API request made by another site's page, and a WebSocket upgrade from one. A request without a Host (HTTP/1.0
 * health checks) and an upgrade without an Origin (the CLI, scripts) come from no browser page and
 * pass. The raw Host is checked, never X-Forwarded-Host: behind a proxy, list the name it passes on.
 */
export function installHostGuard(app: FastifyInstance, policy: HostPolicy): void {
  const served = hostHeaderAllowed(policy);
  const sameSite = originAllowed(policy);
  const crossSite = crossSiteApiCall(policy);
  app.addHook('onRequest', async (req) => {
    const host = req.headers.host;
    if (!served(host)) throw new HttpError(403, HOST_REFUSED, 'host-not-allowed');
    if (crossSite(req)) throw new HttpError(403, CROSS_SITE_REFUSED, 'origin-not-allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && isUpgrade(req) && (host === undefined || !sameSite(origin, host))) {
      throw new HttpError(403, ORIGIN_REFUSED, 'origin-not-allowed');
    }
  });
}
