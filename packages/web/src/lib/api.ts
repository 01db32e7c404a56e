import { ApiShapeError, checkApiResponse } from '@hackcoin/core';
import { getToken } from './token';
import { visibleText } from './visible-text';

/** An error answer of the node: `{error: <code or rule>, message}` plus the HTTP status. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST';
  body?: unknown;
  /** Sends the stored node token as a bearer token (control routes). */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * Requests `path` of the node. A success is checked against the route's schema in core's API_ROUTES
 * (the one the node is tested against), so a page never renders a malformed answer: it gets an
 * ApiError 'malformed-response' naming the field instead. `T` is the route's type from core.
 */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth) {
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
  }
  const method = opts.method ?? (opts.body !== undefined ? 'POST' : 'GET');
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : null,
      signal: opts.signal ?? null,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network-error', `cannot reach the node: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      res.status,
      typeof b.error === 'string' ? b.error : `http-${res.status}`,
      typeof b.message === 'string' ? b.message : text.slice(0, 200) || res.statusText,
    );
  }
  try {
    return checkApiResponse(method, path, res.status, body) as T;
  } catch (e) {
    if (e instanceof ApiShapeError) throw new ApiError(res.status, 'malformed-response', e.message);
    throw e;
  }
}

/**
 * True when the route itself is missing or switched off (a node without
 * networking or contracts yet), as opposed to a missing block or tx.
 */
export function isUnavailable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return false;
  if (e.status === 404) return e.message.startsWith('no route');
  return e.status === 501 || e.status === 503;
}

/**
 * The text a toast shows: the node's rule code and its message. Messages can
 * quote what a transaction or contract author wrote (a revert reason, a
 * function name), so they come through visibleText.
 */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network-error') return visibleText(e.message);
    return visibleText(`${e.code}: ${e.message}`);
  }
  return visibleText(e instanceof Error ? e.message : String(e));
}
