import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket from 'ws';
import { formatAddress } from '@hackcoin/core';
import { createLogger } from '../util/logger.js';
import { MAX_BUFFERED, MAX_BUFFERED_TOTAL, REALTIME_LIMITS, RealtimeHub, sendBufferCap } from './realtime.js';

/** A real client on a real socket: sends a message and waits for the hub's next reply. */
async function connect(port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const queue: any[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (d) => {
    queue.push(JSON.parse(d.toString()));
    wake?.();
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const next = async (): Promise<any> => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    return queue.shift();
  };
  expect((await next()).type).toBe('hello');
  const ask = async (msg: unknown): Promise<any> => {
    ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    return next();
  };
  return { ws, ask, closed };
}

/** Tries an upgrade: the HTTP status and retry-after of a refusal, or null once the socket opened (then closed). */
function refusedUpgrade(port: number): Promise<{ status: number; retryAfter: number; body: any } | null> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, retryAfter: Number(res.headers['retry-after']), body: JSON.parse(body) }));
    });
    ws.on('open', () => {
      ws.terminate();
      resolve(null);
    });
    ws.on('error', (e) => (e.message.startsWith('Unexpected server response') ? undefined : reject(e)));
  });
}

const addresses = (n: number): string[] => Array.from({ length: n }, () => `address:${formatAddress(randomBytes(20))}`);

describe('RealtimeHub under hostile clients', () => {
  let app: FastifyInstance;
  let hub: RealtimeHub;
  let port: number;
  /** The hub's clock: tests step it past the rate window instead of waiting. */
  let clock: number;
  const nextWindow = () => (clock += REALTIME_LIMITS.windowMs);
  beforeEach(async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    clock = 1_000_000;
    hub = new RealtimeHub(createLogger('test', true), () => clock);
    hub.register(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterEach(async () => {
    await app.close();
  });

  it('encodes a push once for all its subscribers, and sends it to each as a text frame', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => connect(port)));
    for (const c of clients) await c.ask({ op: 'subscribe', topics: ['blocks'] });
    const frames = clients.map((c) => new Promise<{ data: Buffer; isBinary: boolean }>((r) => c.ws.once('message', (data: Buffer, isBinary: boolean) => r({ data, isBinary }))));
    const send = vi.spyOn(WebSocket.prototype, 'send');
    try {
      const message = { type: 'block', filler: 'é'.repeat(64 * 1024) };
      hub.publish('blocks', message);
      const got = await Promise.all(frames);
      const sent = send.mock.calls.map(([data]) => data);
      expect(sent).toHaveLength(3);
      // Before: the same string, encoded by each socket.
      expect(sent.every((d) => Buffer.isBuffer(d) && d === sent[0])).toBe(true);
      // Browsers hand binary frames to the page as Blobs: it must still be text.
      for (const { data, isBinary } of got) {
        expect(isBinary).toBe(false);
        expect(JSON.parse(data.toString('utf8'))).toEqual({ topic: 'blocks', ...message });
      }
    } finally {
      send.mockRestore();
    }
    for (const c of clients) c.ws.terminate();
  });

  it('keeps no topic once its last subscriber unsubscribes or disconnects', async () => {
    const c = await connect(port);
    const batch = REALTIME_LIMITS.subscriptionsPerClient;
    for (let i = 0; i < 20; i++) {
      const topics = addresses(batch);
      const added = await c.ask({ op: 'subscribe', topics });
      expect(added).toMatchObject({ op: 'subscribe', count: batch });
      expect(added.topics).toEqual(topics);
      expect(hub.topicCount).toBe(batch);
      expect(hub.watchesAddresses).toBe(true);
      nextWindow();
      const removed = await c.ask({ op: 'unsubscribe', topics: topics.map((t) => t.toLowerCase()) });
      expect(removed).toMatchObject({ op: 'unsubscribe', count: 0 });
      expect(removed.topics).toEqual(topics);
      expect(hub.topicCount).toBe(0);
      nextWindow();
    }
    expect(hub.watchesAddresses).toBe(false);

    const other = await connect(port);
    await c.ask({ op: 'subscribe', topics: ['blocks', 'mempool', ...addresses(3)] });
    await other.ask({ op: 'subscribe', topics: ['blocks'] });
    expect(hub.topicCount).toBe(5);
    c.ws.close();
    await c.closed;
    await expect.poll(() => hub.topicCount).toBe(1);
    expect(hub.hasSubscribers('blocks')).toBe(true);
    expect(hub.watchesAddresses).toBe(false);
    other.ws.terminate();
    await expect.poll(() => hub.clientCount).toBe(0);
    expect(hub.topicCount).toBe(0);
  });

  it('caps subscriptions per connection and refuses unknown, long and non-string topics without echoing them', async () => {
    const c = await connect(port);
    const limit = REALTIME_LIMITS.subscriptionsPerClient;
    const first = await c.ask({ op: 'subscribe', topics: addresses(limit - 1) });
    expect(first.count).toBe(limit - 1);
    nextWindow();
    const [extra1, extra2] = addresses(2);
    const capped = await c.ask({ op: 'subscribe', topics: [extra1, extra2] });
    expect(capped.topics).toEqual([extra1]);
    expect(capped.count).toBe(limit);
    expect(capped.rejected).toEqual([extra2]);
    expect((await c.ask({ op: 'subscribe', topics: addresses(limit + 1) })).message).toMatch(/^invalid topics: at most 200/);

    const fresh = await connect(port);
    const odd = await fresh.ask({ op: 'subscribe', topics: ['bogus', 'x'.repeat(5_000), [[1]], { a: 1 }, null, 7, 'address:0x12'] });
    expect(odd).toMatchObject({ topics: [], count: 0 });
    expect(odd.rejected).toEqual(['bogus', `${'x'.repeat(REALTIME_LIMITS.topicLength)}…`, '<array>', '<object>', '<null>', '<number>', 'address:0x12']);
    expect(hub.topicCount).toBe(limit);
  });

  it('counts topics, not messages: one connection may name 200 topics per window, then is closed', async () => {
    const c = await connect(port);
    const topics = addresses(REALTIME_LIMITS.topicOpsPerWindow / 2);
    expect((await c.ask({ op: 'subscribe', topics })).count).toBe(topics.length);
    // Re-subscribing changes nothing and the reply names nothing, but each topic named still counts.
    const again = await c.ask({ op: 'subscribe', topics });
    expect(again).toMatchObject({ topics: [], count: topics.length });
    c.ws.send(JSON.stringify({ op: 'unsubscribe', topics: ['blocks'] }));
    expect(await c.closed).toBe(1008);
    await expect.poll(() => hub.clientCount).toBe(0);
    expect(hub.topicCount).toBe(0);

    // The budget is per window: a new window starts a new count.
    const d = await connect(port);
    expect((await d.ask({ op: 'subscribe', topics })).count).toBe(topics.length);
    expect((await d.ask({ op: 'unsubscribe', topics })).count).toBe(0);
    nextWindow();
    expect((await d.ask({ op: 'subscribe', topics })).count).toBe(topics.length);
  });

  it('keys address topics by hex whatever their case, and names them with their checksum', async () => {
    const c = await connect(port);
    const [topic] = addresses(1);
    const lower = topic!.toLowerCase();
    expect((await c.ask({ op: 'subscribe', topics: [lower] })).topics).toEqual([topic]);
    expect((await c.ask({ op: 'subscribe', topics: [topic, `address:0x${lower.slice(10).toUpperCase()}`] })).topics).toEqual([]);
    expect(hub.hasSubscribers(topic as `address:${string}`)).toBe(true);
    expect(hub.topicCount).toBe(1);
  });

  it('terminates a client that stops reading once its send buffer passes the bound, also when only its own replies pile up', async () => {
    const c = await connect(port);
    await c.ask({ op: 'subscribe', topics: ['blocks'] });
    (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // More than the kernel's socket buffers hold, so the rest waits in the node's send buffer.
    hub.publish('blocks', { type: 'block', filler: 'x'.repeat(8 * MAX_BUFFERED) });
    const [server] = [...app.websocketServer.clients];
    await expect.poll(() => server!.bufferedAmount).toBeGreaterThan(MAX_BUFFERED);
    expect(hub.clientCount).toBe(1);
    // A reply, not a push, is what finds the buffer full.
    c.ws.send(JSON.stringify({ op: 'subscribe', topics: [] }));
    await expect.poll(() => hub.clientCount).toBe(0);
  });

  it('shrinks each client\'s send-buffer bound as the hub fills, so all of them together hold at most 256 MiB', () => {
    expect(sendBufferCap(1)).toBe(MAX_BUFFERED);
    expect(sendBufferCap(64)).toBe(MAX_BUFFERED);
    expect(sendBufferCap(REALTIME_LIMITS.clients)).toBe(Math.floor(MAX_BUFFERED_TOTAL / REALTIME_LIMITS.clients));
    expect(REALTIME_LIMITS.clients * sendBufferCap(REALTIME_LIMITS.clients)).toBeLessThanOrEqual(MAX_BUFFERED_TOTAL);
  });

  it('gives one address at most its share of the client slots, refusing the next before the upgrade with 503 and retry-after', async () => {
    let upgrades = 0;
    app.websocketServer.on('connection', () => upgrades++);
    const mine = [];
    for (let i = 0; i < REALTIME_LIMITS.clientsPerAddress; i++) mine.push(await connect(port));
    for (let i = 0; i < 3; i++) {
      const refused = await refusedUpgrade(port);
      expect(refused).toEqual({
        status: 503,
        retryAfter: REALTIME_LIMITS.retryAfterSeconds,
        body: { error: 'too-many-clients', message: expect.stringMatching(/^too many real-time clients from one address; retry in \d+ s$/) },
      });
    }
    // Refused ones never became WebSockets: no handshake for a browser to take as open.
    expect(upgrades).toBe(REALTIME_LIMITS.clientsPerAddress);
    expect(hub.clientCount).toBe(REALTIME_LIMITS.clientsPerAddress);
    // A slot given back is a slot free.
    mine[0]!.ws.close();
    await expect.poll(() => hub.clientCount).toBe(REALTIME_LIMITS.clientsPerAddress - 1);
    mine.push(await connect(port));
    expect(hub.clientCount).toBe(REALTIME_LIMITS.clientsPerAddress);
    expect(upgrades).toBe(REALTIME_LIMITS.clientsPerAddress + 1);
  });

  it('terminates a client that does not answer a ping by the next one, and keeps one that does', async () => {
    const live = await connect(port);
    const mute = new WebSocket(`ws://127.0.0.1:${port}/ws`, { autoPong: false });
    const muteClosed = new Promise<number>((r) => mute.on('close', (code) => r(code)));
    await new Promise((r) => mute.once('message', r));
    const pinged = (ws: WebSocket) => new Promise((r) => ws.once('ping', r));
    for (let round = 0; round < 3; round++) {
      const heard = Promise.all([pinged(live.ws), ...(round === 0 ? [pinged(mute)] : [])]);
      hub.heartbeat();
      await heard;
      // A reply sent after the pong proves the pong reached the hub first.
      await live.ask({ op: 'subscribe', topics: [] });
    }
    expect(await muteClosed).toBe(1006);
    expect(hub.clientCount).toBe(1);
    expect(live.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('answers malformed, mistyped, binary, oversized and deep messages with an error, then disconnects a flooder', async () => {
    const c = await connect(port);
    expect((await c.ask('{nope')).message).toBe('invalid message: malformed JSON');
    expect((await c.ask('[1,2]')).message).toMatch(/^invalid message: expected/);
    expect((await c.ask({ op: 'listen', topics: [] })).message).toMatch(/^invalid op:/);
    expect((await c.ask({ op: 'subscribe', topics: 'blocks' })).message).toMatch(/^invalid topics:/);
    expect((await c.ask(`{"op":"subscribe","topics":[${'['.repeat(10_000)}]}`)).message).toMatch(/nested deeper than 4 levels/);
    expect((await c.ask(JSON.stringify({ op: 'subscribe', topics: ['x'.repeat(20_000)] }))).message).toMatch(/under 16 KiB/);
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    for (let i = 0; i < REALTIME_LIMITS.messagesPerWindow; i++) c.ws.send('{}');
    expect(await c.closed).toBe(1008);
    await expect.poll(() => hub.clientCount).toBe(0);
  });
});

describe('RealtimeHub at its node-wide client cap', () => {
  let app: FastifyInstance;
  let hub: RealtimeHub;
  afterEach(async () => {
    await app.close();
  });

  it('refuses the client past the cap before the upgrade, an exempt one past a reserve kept for such clients', async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    hub = new RealtimeHub(createLogger('test', true));
    // Whether the next client is exempt from the per-address cap (loopback under RATE_LIMIT=remote) or a stranger.
    let exempt = true;
    hub.register(app, () => exempt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as { port: number }).port;
    let upgrades = 0;
    app.websocketServer.on('connection', () => upgrades++);
    const held: WebSocket[] = [];
    while (held.length < REALTIME_LIMITS.clients) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => connect(port)));
      held.push(...batch.map((c) => c.ws));
    }
    expect(hub.clientCount).toBe(REALTIME_LIMITS.clients);
    exempt = false;
    const refused = await refusedUpgrade(port);
    expect(refused?.status).toBe(503);
    expect(refused?.body.message).toMatch(/^too many real-time clients; retry in/);
    expect(upgrades).toBe(REALTIME_LIMITS.clients);
    // The node's own web app and CLI still get live updates, up to the reserve.
    exempt = true;
    held.push(...(await Promise.all(Array.from({ length: REALTIME_LIMITS.exemptReserve }, () => connect(port)))).map((c) => c.ws));
    expect(hub.clientCount).toBe(REALTIME_LIMITS.clients + REALTIME_LIMITS.exemptReserve);
    expect((await refusedUpgrade(port))?.status).toBe(503);
    for (const ws of held) ws.terminate();
  });
});
