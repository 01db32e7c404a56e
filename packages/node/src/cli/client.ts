import { API_ROUTES, ApiShapeError, checkApiResponse, routePath, type RouteContract, type ApiResponse, type ApiRoute, type RouteBody, type RouteParams, type RouteQuery } from '@hackcoin/core';
import { CliError, EXIT } from './errors.js';
import { nodeLine } from './output.js';

/** How long a request and its whole answer may take. */
export const TIMEOUT_MS = 30_000;
/** The largest answer read from a node; a bigger one is refused rather than buffered (F8). */
export const MAX_REPLY_BYTES = 8 * 1024 * 1024;

/**
 * Thin JSON client for the node's HTTP API; turns every failure into one readable CliError. Answers
 * are checked against their route's schema in core's API_ROUTES, so the route's type from core holds
 * for what a command reads.
 */
export class NodeClient {
  /** `token` authorises the node's control routes (e.g. generate); it is sent only to routes marked `auth` in API_ROUTES. */
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  get hasToken(): boolean {
    return this.token !== undefined && this.token !== '';
  }

  /** A request to `route` of core's API_ROUTES, its answer typed by the route. */
  call<R extends ApiRoute>(route: R, params: RouteParams<R>, init: { query?: RouteQuery<R>; body?: RouteBody<R> } = {}): Promise<ApiResponse<R>> {
    const method = route.slice(0, route.indexOf(' '));
    const contract = API_ROUTES[route] as RouteContract;
    return this.request<ApiResponse<R>>(method, routePath(route, params, init.query), method === 'POST' ? (init.body ?? {}) : undefined, contract.alsoFor, contract.auth === true);
  }

  /**
   * `answers`: error statuses whose body is the route's answer all the same (health's 503). `auth`: the
   * route needs the token; no other request carries it, so a node only learns it when it is needed.
   */
  private async request<T>(method: string, path: string, body?: unknown, answers: readonly number[] = [], auth = false): Promise<T> {
    const abort = new AbortController();
    // One timer for the request and the whole body, held here until the answer is read: the signal of
    // AbortSignal.any([..., AbortSignal.timeout()]) could be collected on Node 20 and never fire, so a
    // node that sent headers and then a byte a second held the CLI for good.
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.timeoutMs);
    try {
      return await this.exchange<T>(method, path, body, answers, auth, abort);
    } catch (e) {
      if (timedOut && !(e instanceof NodeApiError)) throw new CliError(`the node at ${this.baseUrl} did not answer ${path} within ${this.timeoutMs / 1000} s`, EXIT.node);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange<T>(method: string, path: string, body: unknown, answers: readonly number[], auth: boolean, abort: AbortController): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(auth && this.hasToken ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        // A node never redirects; following one would send the request (and token) elsewhere.
        redirect: 'error',
        signal: abort.signal,
      });
    } catch (e) {
      if (isRedirect(e)) throw new CliError(`the node at ${this.baseUrl} answered ${path} with a redirect, which a HackCoin node never sends: not followed (check --node URL)`, EXIT.node);
      throw new CliError(`cannot reach the node at ${this.baseUrl} (${reason(e)}): is it running? choose another with --node URL`, EXIT.node);
    }
    const text = await this.readBody(res, abort, path);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(`unexpected answer from ${this.baseUrl}${path} (HTTP ${res.status}, not JSON): is --node a HackCoin node?`, EXIT.node);
    }
    // The schema check, JSON.stringify and the printers all recurse: a value nested thousands deep would overflow the stack.
    if (nestedDeeperThan(json, MAX_REPLY_DEPTH)) {
      throw new CliError(`the node at ${this.baseUrl} answered ${path} with JSON nested deeper than ${MAX_REPLY_DEPTH} levels: refused; is --node a HackCoin node?`, EXIT.node);
    }
    if (!res.ok && !answers.includes(res.status)) {
      const err = (typeof json === 'object' && json !== null ? json : {}) as { error?: unknown; message?: unknown };
      throw new NodeApiError(res.status, typeof err.error === 'string' ? err.error : 'error', typeof err.message === 'string' ? err.message : `HTTP ${res.status}`);
    }
    try {
      return checkApiResponse(method, path, res.status, json) as T;
    } catch (e) {
      if (e instanceof ApiShapeError) throw new CliError(`the node at ${this.baseUrl} sent a ${e.message}: is --node a HackCoin node of this version?`, EXIT.node);
      throw e;
    }
  }

  /** The body as text, read as a stream and refused past MAX_REPLY_BYTES (by Content-Length when given). */
  private async readBody(res: Response, abort: AbortController, path: string): Promise<string> {
    const tooLarge = (): CliError => {
      abort.abort();
      return new CliError(`the node's answer to ${path} was too large (over ${MAX_REPLY_BYTES / (1024 * 1024)} MiB): refused; is --node a HackCoin node?`, EXIT.node);
    };
    const declared = res.headers.get('content-length');
    if (declared !== null && /^\s*\d+\s*$/.test(declared) && Number(declared) > MAX_REPLY_BYTES) throw tooLarge();
    if (res.body === null) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > MAX_REPLY_BYTES) {
          await reader.cancel().catch(() => undefined);
          throw tooLarge();
        }
        chunks.push(value);
      }
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`the node at ${this.baseUrl} broke off its answer to ${path} (${reason(e)})`, EXIT.node);
    }
    return new TextDecoder().decode(Buffer.concat(chunks, size));
  }
}

/** A contract's value nests at most CONTRACT_LIMITS.maxValueDepth (32) deep, and an answer wraps it in a few levels more. */
export const MAX_REPLY_DEPTH = 64;

/** Whether `value` has arrays or objects nested more than `max` deep, found without recursion. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const todo: [unknown, number][] = [[value, 0]];
  for (let item = todo.pop(); item !== undefined; item = todo.pop()) {
    const [v, depth] = item;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) todo.push([child, depth + 1]);
  }
  return false;
}

/** A well-formed refusal from the node (bad input, rejected transaction). */
export class NodeApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    // Both strings come from the node: made inert for the terminal and capped before they reach a message.
    const c = nodeLine(code);
    const d = nodeLine(detail);
    super(status === 400 && code !== 'bad-request' ? `node rejected it: ${c}${d && detail !== code ? ` (${d})` : ''}` : `node: ${d}`, EXIT.error);
  }
}

function isRedirect(e: unknown): boolean {
  const cause = (e as { cause?: { message?: unknown } }).cause;
  return cause?.message === 'unexpected redirect';
}

function reason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
