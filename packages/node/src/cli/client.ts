import { API_ROUTES, ApiShapeError, checkApiResponse, routePath, type RouteContract, type ApiResponse, type ApiRoute, type RouteBody, type RouteParams, type RouteQuery } from '@hackcoin/core';
import { CliError, EXIT } from './errors.js';

const TIMEOUT_MS = 30_000;

/**
 * Thin JSON client for the node's HTTP API; turns every failure into one readable CliError. Answers
 * are checked against their route's schema in core's API_ROUTES, so the route's type from core holds
 * for what a command reads.
 */
export class NodeClient {
  /** `token` authorises the node's control routes (e.g. generate); reads never need it. */
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  get hasToken(): boolean {
    return this.token !== undefined && this.token !== '';
  }

  /** A request to `route` of core's API_ROUTES, its answer typed by the route. */
  call<R extends ApiRoute>(route: R, params: RouteParams<R>, init: { query?: RouteQuery<R>; body?: RouteBody<R> } = {}): Promise<ApiResponse<R>> {
    const method = route.slice(0, route.indexOf(' '));
    const answers = (API_ROUTES[route] as RouteContract).alsoFor;
    return this.request<ApiResponse<R>>(method, routePath(route, params, init.query), method === 'POST' ? (init.body ?? {}) : undefined, answers);
  }

  /** `answers`: error statuses whose body is the route's answer all the same (health's 503). */
  private async request<T>(method: string, path: string, body?: unknown, answers: readonly number[] = []): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.baseUrl + path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.hasToken ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (e) {
      throw new CliError(`cannot reach the node at ${this.baseUrl} (${reason(e)}): is it running? choose another with --node URL`, EXIT.node);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError(`unexpected answer from ${this.baseUrl}${path} (HTTP ${res.status}, not JSON): is --node a HackCoin node?`, EXIT.node);
    }
    if (!res.ok && !answers.includes(res.status)) {
      const err = json as { error?: string; message?: string };
      throw new NodeApiError(res.status, err.error ?? 'error', err.message ?? `HTTP ${res.status}`);
    }
    try {
      return checkApiResponse(method, path, res.status, json) as T;
    } catch (e) {
      if (e instanceof ApiShapeError) throw new CliError(`the node at ${this.baseUrl} sent a ${e.message}: is --node a HackCoin node of this version?`, EXIT.node);
      throw e;
    }
  }
}

/** A well-formed refusal from the node (bad input, rejected transaction). */
export class NodeApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(status === 400 && code !== 'bad-request' ? `node rejected it: ${code}${detail && detail !== code ? ` (${detail})` : ''}` : `node: ${detail}`, EXIT.error);
  }
}

function reason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return err.cause?.code ?? err.cause?.message ?? err.message;
}
