import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import WebSocket from 'ws';
import { checkApiResponse, formatAddress } from '@hackcoin/core';
import { loadConfig } from '../src/config/config.js';
import { FullNode } from '../src/node.js';
import { createLogger } from '../src/util/logger.js';
import { routesOf, type RouteInfo } from '../src/api/route-list.js';
import { TEST_TOKEN, removeDir, startNode, type TestNode } from './helpers/node-process.js';
import { REALTIME_LIMITS } from '../src/api/realtime.js';

/**
 * Adversarial tier: malformed, deeply nested, huge and mistyped input to every HTTP route of the node
 * and to its WebSocket. The only answers allowed are 2xx (input that happens to be valid) and 4xx whose
 * body names the field or the rule; the node process survives every case. FUZZ_RUNS scales the run.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const WS_RUNS = Math.ceil(RUNS / 3);

/** Every field name any route's body schema knows, so mistyped bodies reach the field checks. */
const FIELDS = [
  'raw', 'chainId', 'nonce', 'fee', 'to', 'amount', 'data', 'publicKey', 'signature', 'address', 'threads', 'intensity',
  'count', 'contractAddress', 'functionName', 'parameters', 'from', 'gasLimit', 'type', 'contractCode', 'initData', 'value',
  'gasPrice', 'peerId', 'ban', 'timeoutMs', 'op', 'topics', '__proto__', 'constructor',
];
const addressish = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => formatAddress(b));
const hexish = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const scalar = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  addressish,
  hexish(32),
  hexish(33),
  fc.constantFrom('deploy', 'call', 'low', 'high', '0', '-1', '1e309', 'NaN', '99999999999999999999999', ''),
  fc.integer({ min: 1, max: 300 }).map((n) => 'x'.repeat(n * 1000)),
);
const nested = fc
  .tuple(fc.integer({ min: 60, max: 200_000 }), fc.constantFrom('[', '{"a":', '{"parameters":['), fc.boolean())
  .map(([depth, open, closed]) => open.repeat(depth) + (closed ? (open === '[' ? ']' : open === '{"a":' ? '1}' : ']}').repeat(depth) : ''));

/** Well-formed bodies of the routes that take one, each with one field to replace by hostile text. */
const HOLE = '"\u0000hole"';
const SOURCE = 'export function init(a) { return 1; }\nexport function f(a) { return a; }';
const templates = addressish.map((a) => [
  { type: 'deploy', from: a, contractCode: SOURCE, initData: [HOLE] },
  { type: 'call', from: a, contractAddress: a, functionName: 'f', parameters: HOLE },
  { contractAddress: a, functionName: 'f', parameters: [HOLE], gasLimit: 100_000 },
  { chainId: 1, nonce: '0', fee: HOLE, to: a, amount: '1', publicKey: '02'.padEnd(66, '0'), signature: '0'.repeat(128) },
  { address: a, threads: HOLE },
  { count: HOLE, address: a },
]);
const hostileValue = fc.oneof(scalar.map((v) => JSON.stringify(v)), nested, fc.constantFrom('1e999', '-0', '"\\ud800"', '[]', '{}', 'null'));
const holed = fc
  .tuple(templates, fc.nat(5), hostileValue)
  .map(([ts, i, v]) => JSON.stringify(ts[i]).replace(JSON.stringify(HOLE), v));

/** A body as text, or undefined for none. */
const body: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), scalar, { maxKeys: 8 }).map((o) => JSON.stringify(o)) },
  { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: nested },
  { weight: 3, arbitrary: holed },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 700 }).map((k) => `{"raw":"${'ab'.repeat(k * 512)}"}`) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/octet-stream', '', '\u00ff/\u00ff') },
);
const paramValue = fc.oneof(
  fc.constantFrom('0', '1', '-1', '4294967296', '..', '%00', '%E0%A4%A', '%2F..%2F', 'blocks'),
  addressish,
  hexish(32),
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.integer({ min: 1, max: 20 }).map((n) => 'a'.repeat(n * 500)),
);
const query = fc.option(
  fc
    .array(fc.tuple(fc.constantFrom('page', 'limit', 'events', 'storage', 'x', 'page[a]', 'limit'), fc.oneof(paramValue, fc.constantFrom('1e3', '0x10', ' 5', '[]'))), { maxLength: 4 })
    .map((kv) => `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}`),
  { nil: '' },
);

interface Case {
  route: RouteInfo;
  method: string;
  path: string;
  body?: string;
  contentType: string;
  token: boolean;
}

function caseFor(routes: readonly RouteInfo[]): fc.Arbitrary<Case> {
  return fc.constantFrom(...routes).chain((route) =>
    fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') }),
      path: fc.array(paramValue, { minLength: 4, maxLength: 4 }).chain((vals) => {
        let i = 0;
        const path = route.url.replace(/:[A-Za-z]+|\*/g, () => vals[i++]!);
        return query.map((q) => path + q);
      }),
      body,
      contentType,
      token: fc.boolean(),
    }),
  );
}

/** A 4xx body names what was wrong: a field (`invalid <field>: …`) or a rule code. */
function expectNamedError(c: Case, status: number, text: string): void {
  const where = `${c.method} ${c.path.slice(0, 120)} → ${status} ${text.slice(0, 300)}`;
  let json: { error?: unknown; message?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`non-JSON error body: ${where}`);
  }
  expect(typeof json.error, where).toBe('string');
  expect(typeof json.message, where).toBe('string');
  const message = json.message as string;
  expect(message.length, where).toBeLessThan(600);
  expect(message, where).not.toMatch(/\n\s+at /);
  if (status === 400 && /^(bad-request|malformed-json|json-too-deep)$/.test(json.error as string)) {
    expect(message, where).toMatch(/^invalid [^\s:]+:/);
  }
}

describe('API fuzz: every route and the WebSocket, against a real node process', () => {
  let routes: readonly RouteInfo[];
  let node: TestNode;

  beforeAll(async () => {
    // The route table comes from the node's own fastify instance, built in this process once.
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-fuzz-routes-'));
    const inProcess = await FullNode.create(loadConfig([], { DATA_DIR: dir, NETWORK: 'regtest', P2P: 'false', PORT: '0' }), createLogger('fuzz', true));
    routes = routesOf(inProcess.api);
    await inProcess.stop();
    removeDir(dir);
    node = await startNode();
  }, 60_000);

  afterAll(async () => {
    await node?.stop();
    if (node) removeDir(node.dataDir);
  });

  it('enumerates the API routes', () => {
    const urls = routes.map((r) => `${r.method} ${r.url}`);
    for (const r of ['POST /api/contracts/estimate-gas', 'POST /api/transactions', 'GET /api/blocks/:id', 'GET /ws', 'POST /api/mining/generate']) expect(urls).toContain(r);
  });

  it(`answers ${RUNS} hostile HTTP requests with 2xx or a named 4xx, and survives`, async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(caseFor(routes), async (c) => {
        const headers: Record<string, string> = {};
        if (c.body !== undefined && c.contentType) headers['content-type'] = c.contentType;
        if (c.token) headers.authorization = `Bearer ${TEST_TOKEN}`;
        const hasBody = c.body !== undefined && c.method !== 'GET';
        const send = () => fetch(node.url + c.path, { method: c.method, headers, body: hasBody ? c.body : undefined });
        let res: Response;
        try {
          res = await send();
        } catch (e) {
          expect(node.proc.exitCode).toBeNull();
          // A server may answer (404, 413) and close before reading a large body; the client then sees a reset.
          if (hasBody && c.body!.length > 64 * 1024) return;
          // A pooled keep-alive connection can be closed by the server as the client reuses it; the
          // same request on a fresh connection must then get a proper answer from the live node.
          try {
            res = await send();
          } catch (again) {
            throw new Error(`${c.method} ${c.path.slice(0, 120)}: ${String((e as Error).cause ?? e)}, then ${String((again as Error).cause ?? again)}`);
          }
        }
        const text = await res.text();
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        // A well-formed peer address that cannot be reached is a gateway failure, not bad input.
        const unreachable = res.status === 502 && c.path === '/api/network/connect' && JSON.parse(text).error === 'connect-failed';
        expect(unreachable || res.status < 300 || (res.status >= 400 && res.status < 500), `${c.method} ${c.path.slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`).toBe(true);
        if (res.status >= 400) expectNamedError(c, res.status, text);
        // Input that happened to be valid gets the answer core's API_ROUTES promises for its route.
        if (res.status < 300 && res.headers.get('content-type')?.startsWith('application/json')) checkApiResponse(c.method, c.path, res.status, JSON.parse(text));
        expect(node.proc.exitCode).toBeNull();
      }),
      { numRuns: RUNS },
    );
    expect((await node.api('/api/node/info')).height).toBe(0);
    expect(node.output()).not.toMatch(/internal error in /);
    expect(seen.get(400) ?? 0).toBeGreaterThan(RUNS / 10);
  }, 600_000);

  it(`answers ${WS_RUNS} hostile WebSocket messages with an error or subscriptions, and survives`, async () => {
    const message = fc.oneof(
      body.filter((b): b is string => b !== undefined),
      fc.record({ op: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe'), scalar), topics: fc.oneof(fc.array(fc.oneof(scalar, addressish.map((a) => `address:${a}`)), { maxLength: 300 }), scalar) }).map((m) => JSON.stringify(m)),
      fc.uint8Array({ maxLength: 100 }),
    );
    /** Topics the hub charges a message against its per-window budget: those of a well-formed request (over-counting only rotates sooner). */
    const topicsCharged = (m: string | Uint8Array): number => {
      if (typeof m !== 'string' || Buffer.byteLength(m) > REALTIME_LIMITS.messageBytes) return 0;
      try {
        const v = JSON.parse(m) as { op?: unknown; topics?: unknown };
        const wellFormed = v !== null && typeof v === 'object' && !Array.isArray(v) && (v.op === 'subscribe' || v.op === 'unsubscribe');
        return wellFormed && Array.isArray(v.topics) && v.topics.length <= REALTIME_LIMITS.subscriptionsPerClient ? v.topics.length : 0;
      } catch {
        return 0;
      }
    };
    let socket: { ws: WebSocket; next: () => Promise<{ reply?: any; closed?: number }>; sent: number; topics: number } | undefined;
    const open = async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${node.port}/ws`);
      const inbox: { reply?: any; closed?: number }[] = [];
      let wake: (() => void) | undefined;
      ws.on('message', (d) => {
        inbox.push({ reply: JSON.parse(d.toString()) });
        wake?.();
      });
      ws.on('close', (code) => {
        inbox.push({ closed: code });
        wake?.();
      });
      ws.on('error', () => undefined);
      const next = async () => {
        while (inbox.length === 0) await new Promise<void>((r) => (wake = r));
        return inbox.shift()!;
      };
      expect((await next()).reply?.type).toBe('hello');
      return { ws, next, sent: 0, topics: 0 };
    };
    await fc.assert(
      fc.asyncProperty(message, async (m) => {
        // A fresh connection before the per-connection message or topic budget runs out.
        const cost = topicsCharged(m);
        if (!socket || socket.ws.readyState !== WebSocket.OPEN || socket.sent >= 90 || socket.topics + cost > REALTIME_LIMITS.topicOpsPerWindow) {
          socket?.ws.terminate();
          socket = await open();
        }
        socket.sent++;
        socket.topics += cost;
        socket.ws.send(m, { binary: typeof m !== 'string' });
        const r = await socket.next();
        // Only a frame past the WebSocket payload limit closes the connection (1009, or 1006 if the server resets it).
        if (r.closed !== undefined) expect(Buffer.byteLength(m) > 64 * 1024 && [1006, 1009].includes(r.closed), `closed ${r.closed}`).toBe(true);
        else expect(['error', 'subscriptions']).toContain(r.reply.type);
        if (r.reply?.type === 'error') expect(r.reply.message).toMatch(/^(invalid (message|op|topics): |messages must be JSON text)/);
        expect(node.proc.exitCode).toBeNull();
      }),
      { numRuns: WS_RUNS },
    );
    socket?.ws.terminate();
    expect((await node.api('/api/node/info')).height).toBe(0);
  }, 600_000);
});
