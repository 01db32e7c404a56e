import { request } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import WebSocket from 'ws';
import { ChainFixture } from '../test-support/chain-fixture.js';
import type { Logger } from '../util/logger.js';
import type { Miner } from '../mining/miner.js';
import { createApiServer } from './server.js';
import { RealtimeHub, REALTIME_LIMITS } from './realtime.js';
import { RATE_LIMITS } from './rate-limit.js';
import { exemptRequests } from './client-exemption.js';

/** A logger that keeps its warnings, for tests to count. */
function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const log: Logger & { warnings: string[] } = {
    warnings,
    info: () => undefined,
    warn: (msg) => void warnings.push(msg),
    error: () => undefined,
    debug: () => undefined,
    child: () => log,
  };
  return log;
}

/** One GET over its own loopback socket, with `headers` (a proxy's, when given): its status and error code. */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; error?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, error: res.statusCode === 200 ? undefined : (JSON.parse(body) as { error: string }).error }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An upgrade to /ws from loopback with `headers`: 'open', or the status of the refusal. */
function upgrade(port: number, headers: Record<string, string>, held: WebSocket[]): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    ws.on('open', () => {
      held.push(ws);
      resolve('open');
    });
    ws.on('error', (e) => (e.message.startsWith('Unexpected server response') ? undefined : reject(e)));
  });
}

/** Rendered by the heavy class's route: a genesis-only chain keeps each answer small. */
const HEAVY = '/api/blockchain/full';
/** Each as a proxy on this host would send it, naming a different public client every time. */
const proxied = (i: number): Record<string, string> =>
  [{ 'x-forwarded-for': `203.0.113.${i % 250}` }, { forwarded: `for=198.51.100.${i % 250}` }, { 'x-real-ip': `192.0.2.${i % 250}` }][i % 3]!;

describe('loopback requests that a reverse proxy on this host forwarded (RATE_LIMIT=remote)', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  const held: WebSocket[] = [];
  afterEach(async () => {
    for (const ws of held.splice(0)) ws.terminate();
    await app?.close();
    app = undefined;
    await fx?.close();
    fx = undefined;
  });

  /** The node's API as createApiServer builds it, on a real loopback port. */
  async function serve(trustProxy?: string[]) {
    fx = await ChainFixture.create();
    const log = recordingLogger();
    const ctx = {
      chain: fx.chain, mempool: fx.mempool, params: fx.params, backend: fx.backend, log, hub: new RealtimeHub(log),
      miner: {} as Miner, token: 't'.repeat(32), version: 'test', minFeeRate: 1n,
    };
    app = await createApiServer(ctx, { rateLimit: 'remote', ...(trustProxy ? { trustProxy } : {}) });
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { port: (app.server.address() as { port: number }).port, warnings: log.warnings };
  }

  it('limits them as one client, warns once that TRUST_PROXY is unset, and still exempts a plain loopback client', async () => {
    const { port, warnings } = await serve();
    // Every forwarded request names another client, through any of the three headers: one budget for all.
    for (let i = 0; i < RATE_LIMITS.heavy; i++) expect((await get(port, HEAVY, proxied(i))).status).toBe(200);
    // Before: exempt as loopback, the whole internet behind the proxy rendered without limit.
    expect(await get(port, HEAVY, proxied(RATE_LIMITS.heavy))).toEqual({ status: 429, error: 'rate-limited' });
    expect(await get(port, HEAVY, { 'x-forwarded-for': '203.0.113.250' })).toEqual({ status: 429, error: 'rate-limited' });
    // The node's own web app and CLI (loopback, no proxy headers) are exempt as before, past the same limit.
    for (let i = 0; i <= RATE_LIMITS.heavy; i++) expect((await get(port, HEAVY)).status).toBe(200);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/through a proxy on this host .* while TRUST_PROXY is unset: they are limited as one client.* set TRUST_PROXY=127\.0\.0\.1 \(or the proxy's address\)/);
    // The fact only: no forwarded address reaches the log.
    expect(warnings[0]).not.toMatch(/203\.0\.113|198\.51\.100|192\.0\.2/);
  });

  it('with TRUST_PROXY=127.0.0.1 counts each forwarded client by its address without a warning, and as one client only what comes without X-Forwarded-For', async () => {
    const { port, warnings } = await serve(['127.0.0.1']);
    const a = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < RATE_LIMITS.heavy; i++) expect((await get(port, HEAVY, a)).status).toBe(200);
    expect(await get(port, HEAVY, a)).toEqual({ status: 429, error: 'rate-limited' });
    // Another client behind the same proxy has its own budget.
    expect((await get(port, HEAVY, { 'x-forwarded-for': '203.0.113.8' })).status).toBe(200);
    // A local client through the trusted proxy, and the node's own tools beside it, are still local.
    for (let i = 0; i <= RATE_LIMITS.heavy; i++) expect((await get(port, HEAVY, i % 2 ? { 'x-forwarded-for': '127.0.0.1' } : {})).status).toBe(200);
    expect(warnings).toEqual([]);
    // Fastify reads the client from X-Forwarded-For alone: without it req.ip is the proxy, loopback.
    // Before: exempt, as with no TRUST_PROXY at all.
    for (let i = 0; i < RATE_LIMITS.heavy; i++) expect((await get(port, HEAVY, { 'x-real-ip': `192.0.2.${i}` })).status).toBe(200);
    expect(await get(port, HEAVY, { forwarded: 'for=192.0.2.200' })).toEqual({ status: 429, error: 'rate-limited' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/trusted proxy on this host .* no X-Forwarded-For.*limited as one client.*have the proxy set X-Forwarded-For/);
  });

  it('counts their /ws upgrades against the per-address cap, under the loopback address', async () => {
    const { port, warnings } = await serve();
    for (let i = 0; i < REALTIME_LIMITS.clientsPerAddress; i++) expect(await upgrade(port, proxied(i), held)).toBe('open');
    // Before: exempt as loopback, up to the node-wide cap.
    expect(await upgrade(port, proxied(REALTIME_LIMITS.clientsPerAddress), held)).toBe(503);
    // The node's own web app is not held to it.
    expect(await upgrade(port, {}, held)).toBe('open');
    expect(warnings).toHaveLength(1);
  });
});

describe('exemptRequests', () => {
  /** As much of a request as the predicate reads: req.ip as Fastify resolved it, the headers, the socket's peer. */
  const req = (ip: string, headers: Record<string, string> = {}, peer = ip) => ({ ip, headers, socket: { remoteAddress: peer } as Socket }) as FastifyRequest;

  it('follows RATE_LIMIT: under all and off forwarding headers change nothing, and all still warns of an unresolved proxy', () => {
    const log = recordingLogger();
    const all = exemptRequests('all', () => false, false, log);
    expect(all(req('127.0.0.1'))).toBe(false);
    expect(all(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.1' }))).toBe(false);
    expect(log.warnings).toHaveLength(1);
    const off = exemptRequests('off', () => false, false, log);
    expect(off(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.1' }))).toBe(true);
    expect(off(req('203.0.113.1'))).toBe(true);
    expect(log.warnings).toHaveLength(1);
  });

  it('decides once per request, and names a TRUST_PROXY that lists other proxies', () => {
    const log = recordingLogger();
    const remote = exemptRequests('remote', (ip) => ip === '10.0.0.1', true, log);
    const headers: Record<string, string> = {};
    const r = req('::1', headers);
    expect(remote(r)).toBe(true);
    headers['x-forwarded-for'] = '203.0.113.1';
    expect(remote(r)).toBe(true);
    expect(remote(req('::1', { forwarded: 'for=203.0.113.1' }))).toBe(false);
    expect(remote(req('203.0.113.1', { 'x-forwarded-for': '203.0.113.1' }, '10.0.0.1'))).toBe(false);
    expect(log.warnings).toEqual([expect.stringMatching(/while TRUST_PROXY does not list it:/)]);
  });
});
