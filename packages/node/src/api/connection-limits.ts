import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { clientKey } from '../util/client-key.js';

/** Time and connection limits of the HTTP server; docs/api.md lists them. */
export const CONNECTION_LIMITS = {
  /** A request's headers and body must all arrive within this, else 408: a trickled body pinned a socket forever. */
  requestTimeoutMs: 30_000,
  /** Headers alone must arrive within this (at most requestTimeoutMs, as Node requires). */
  headersTimeoutMs: 20_000,
  /** How often Node looks for requests past those timeouts: its default (30 s) would double them. */
  checkIntervalMs: 5_000,
  /** A socket with no traffic either way for this long is closed (WebSockets excepted: they ping). */
  idleTimeoutMs: 60_000,
  /** How long a kept-alive connection may wait for its next request. */
  keepAliveTimeoutMs: 5_000,
  /** Open sockets in all, WebSockets included: below the common 1,024-descriptor limit, leaving room for the database, P2P and Stratum. */
  maxConnections: 800,
  /**
   * Of those, kept for exempt peers (loopback when local clients are trusted, trusted proxies): a few
   * addresses holding every socket shut the operator's own CLI and web app out.
   */
  exemptReserve: 32,
  /**
   * Open sockets per client (an IPv4 address or an IPv6 /64): a browser needs about 6 per tab, but
   * many users can share one address (NAT), and fetch() of Node opens more than it has requests in flight.
   */
  connectionsPerClient: 128,
};
export type ConnectionLimits = typeof CONNECTION_LIMITS;

/** The Fastify options that carry the time limits. */
export function serverTimeouts(limits: ConnectionLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.checkIntervalMs },
  };
}

/**
 * Caps open sockets in all and per client, keeping `exemptReserve` of them for exempt peers, which are
 * never capped per client: loopback
 * when local clients are trusted, and trusted reverse proxies, through which every client arrives.
 * A refused socket is destroyed at once, before any byte is read.
 */
export function capConnections(server: Server, limits: ConnectionLimits, exempt: (ip: string) => boolean): void {
  server.maxConnections = limits.maxConnections;
  const open = new Map<string, number>();
  let strangers = 0;
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress;
    if (ip === undefined || exempt(ip)) return;
    const key = clientKey(ip);
    const n = open.get(key) ?? 0;
    if (n >= limits.connectionsPerClient || strangers >= limits.maxConnections - limits.exemptReserve) {
      socket.destroy();
      return;
    }
    open.set(key, n + 1);
    strangers++;
    socket.once('close', () => {
      strangers--;
      const left = (open.get(key) ?? 1) - 1;
      if (left > 0) open.set(key, left);
      else open.delete(key);
    });
  });
}
