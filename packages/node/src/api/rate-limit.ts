import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { RateLimitMode } from '../config/config.js';
import { HttpError } from './http-error.js';
import { clientKey } from '../util/client-key.js';
import type { ExemptRequest } from './client-exemption.js';
import { RESPONSE_LIMITS } from './response-budget.js';

export type RateClass = 'read' | 'heavy' | 'submit' | 'run';

/**
 * Counts one request of `cls` against the client's budget from inside a handler, for costs only the
 * handler can see (a block not yet rendered); throws 429 rate-limited once the budget is spent.
 */
export type ChargeRate = (req: FastifyRequest, reply: FastifyReply, cls: RateClass) => Promise<void>;

/** Requests per client IP per minute, per class; docs/api.md lists them. */
export const RATE_LIMITS: Record<RateClass, number> = {
  /** Every other /api route and the /ws upgrade: generous, an explorer page makes a few. */
  read: 1_200,
  /**
   * Renders of whole blocks (megabytes of JSON each): /api/blockchain/full per request, and
   * /api/blocks/:id only when the block is not already rendered, so pages re-reading the same
   * blocks (a dashboard on every new block) are not refused. Also contract storage pages not yet
   * read at the tip (up to 1,000 slots of 64 KiB each read from disk). Large answers are charged
   * by size as well (see answerUnits).
   */
  heavy: 60,
  /** Transactions and contract deploys/calls into the mempool: each is verified and may be relayed. */
  submit: 120,
  /** Read-only contract calls and gas estimates: each runs the contract engine. */
  run: 60,
};
const WINDOW_MS = 60_000;

/** Bytes of a large answer one heavy unit pays for. */
export const HEAVY_ANSWER_BYTES = 1024 * 1024;

/**
 * Heavy units an answer of `bytes` costs: none below the response budget's large answers, else one
 * per started MiB. Sending megabytes costs the event loop even from a cache: a block of 3.6 MB read
 * again and again at the read class's 1,200 a minute held other clients' answers back by a second.
 */
export function answerUnits(bytes: number): number {
  return bytes < RESPONSE_LIMITS.largeAnswerBytes ? 0 : Math.ceil(bytes / HEAVY_ANSWER_BYTES);
}

/** Charges an answer of `bytes` by size, less the `paid` heavy units already charged for it (its render). */
export async function chargeAnswer(charge: ChargeRate, req: FastifyRequest, reply: FastifyReply, bytes: number, paid: number): Promise<void> {
  for (let n = paid; n < answerUnits(bytes); n++) await charge(req, reply, 'heavy');
}

const SUBMIT = new Set(['/api/transactions', '/api/transaction', '/api/contracts/deploy', '/api/contracts/execute']);
const RUN = new Set(['/api/contracts/call', '/api/contracts/estimate-gas']);
// /api/blocks lists headers and counts, and a block's count is kept per index entry: a read.
const HEAVY = new Set(['/api/blockchain/full']);

function classOf(method: string | string[], url: string): RateClass | null {
  if (!url.startsWith('/api/') && url !== '/ws') return null;
  const post = method === 'POST' || (Array.isArray(method) && method.includes('POST'));
  if (post && SUBMIT.has(url)) return 'submit';
  if (post && RUN.has(url)) return 'run';
  if (HEAVY.has(url)) return 'heavy';
  return 'read';
}

/**
 * Rate limits per client IP and class, one counter per class across its routes. `exempt` (see
 * exemptRequests) names the requests not limited: under `remote` loopback clients', so the web app
 * and tools on the node's own host are never throttled, but not those a proxy on this host forwards;
 * `all` limits everyone. Must be installed before the routes: it attaches itself to each route as it is added.
 */
export async function installRateLimits(app: FastifyInstance, mode: RateLimitMode, exempt: ExemptRequest = () => false): Promise<ChargeRate> {
  if (mode === 'off') return async () => undefined;
  await app.register(rateLimit, {
    global: false,
    // req.ip is the client's own address behind a trusted proxy (TRUST_PROXY); IPv6 counts by /64.
    // A same-host proxy's untrusted requests all count under its loopback address: one shared client.
    keyGenerator: (req: FastifyRequest) => clientKey(req.ip),
    allowList: (req: FastifyRequest) => exempt(req),
  });
  const hooks = {} as Record<RateClass, (req: FastifyRequest, reply: FastifyReply) => Promise<void>>;
  for (const cls of Object.keys(RATE_LIMITS) as RateClass[]) {
    const check = app.createRateLimit({ max: RATE_LIMITS[cls], timeWindow: WINDOW_MS });
    hooks[cls] = async (req: FastifyRequest, reply: FastifyReply) => {
      const r = await check(req);
      if (r.isAllowed) return;
      reply.header('x-ratelimit-limit', r.max).header('x-ratelimit-remaining', r.remaining);
      if (!r.isExceeded) return;
      reply.header('retry-after', r.ttlInSeconds);
      throw new HttpError(429, `rate limit exceeded: at most ${r.max} ${cls} requests a minute from one address; retry in ${r.ttlInSeconds} s`, 'rate-limited');
    };
  }
  app.addHook('onRoute', (route) => {
    const cls = classOf(route.method, route.url ?? '');
    if (!cls) return;
    const existing = route.onRequest;
    route.onRequest = [...(Array.isArray(existing) ? existing : existing ? [existing] : []), hooks[cls] as onRequestAsyncHookHandler];
  });
  return (req, reply, cls) => hooks[cls](req, reply);
}
