import type { FastifyRequest } from 'fastify';
import type { RateLimitMode } from '../config/config.js';
import type { Logger } from '../util/logger.js';
import { isLoopback } from '../util/client-key.js';

/**
 * Whether a request is held to no per-client limit: rate limits, the response budget's client share,
 * the engine budget's client share, the /ws per-address cap. Node-wide limits hold for everyone.
 */
export type ExemptRequest = (req: FastifyRequest) => boolean;

/** Headers a reverse proxy adds to say whom it forwards for; a local client sends none of them. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

/**
 * Decides per request (once: the answer is kept for the request's later checks) who is exempt under
 * RATE_LIMIT. `remote` exempts loopback clients, the web app and tools on the node's own host. A
 * request from a loopback address that carries a proxy's forwarding header is not one of those: a
 * reverse proxy on this host (nginx, Caddy) whose clients Fastify cannot tell apart, because its
 * socket is not a trusted proxy (TRUST_PROXY) or it sent no X-Forwarded-For. Left exempt, the whole
 * internet behind it would be; it is limited instead, all its clients under the one loopback key
 * (fail closed: they share one budget until the operator sets TRUST_PROXY), and the first such request
 * logs one warning (once per API server, so once per node process; under `all` too, where they were
 * already limited as one). From a trusted proxy with X-Forwarded-For, req.ip is already the forwarded client
 * and the rule stays out of the way.
 *
 * `trusted` is the TRUST_PROXY predicate Fastify resolves req.ip with; `trustProxySet` whether it lists any.
 */
export function exemptRequests(mode: RateLimitMode, trusted: (ip: string) => boolean, trustProxySet: boolean, log: Logger): ExemptRequest {
  if (mode === 'off') return () => true;
  const decided = new WeakMap<FastifyRequest, boolean>();
  let warned = false;

  /** What to say about a loopback request that is a proxy's Fastify could not resolve to its client; null for a local client's. */
  const unresolvedProxy = (req: FastifyRequest): { why: string; fix: string } | null => {
    if (!isLoopback(req.ip) || !FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return null;
    if (!trusted(req.socket.remoteAddress ?? '')) {
      return {
        why: `requests arrive through a proxy on this host (they carry X-Forwarded-For, Forwarded or X-Real-IP) while TRUST_PROXY ${trustProxySet ? 'does not list it' : 'is unset'}`,
        fix: "set TRUST_PROXY=127.0.0.1 (or the proxy's address)",
      };
    }
    // A trusted proxy: req.ip is its client's only when X-Forwarded-For named one.
    if (req.headers['x-forwarded-for'] !== undefined) return null;
    return {
      why: 'requests arrive through a trusted proxy on this host with Forwarded or X-Real-IP but no X-Forwarded-For, the only header the node reads a client from',
      fix: 'have the proxy set X-Forwarded-For',
    };
  };

  return (req) => {
    const known = decided.get(req);
    if (known !== undefined) return known;
    const proxied = unresolvedProxy(req);
    if (proxied !== null && !warned) {
      warned = true;
      // The fact only: no header contents, no client addresses.
      log.warn(`${proxied.why}: they are limited as one client, not exempt as local ones; ${proxied.fix} so each is limited as its own`);
    }
    const exempt = mode === 'remote' && proxied === null && isLoopback(req.ip);
    decided.set(req, exempt);
    return exempt;
  };
}
