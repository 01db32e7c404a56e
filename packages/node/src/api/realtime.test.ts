import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket from 'ws';
import { formatAddress } from '@hackcoin/core';
import { createLogger } from '../util/logger.js';
import { REALTIME_LIMITS, RealtimeHub } from './realtime.js';

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

const addresses = (n: number): string[] => Array.from({ length: n }, () => `address:${formatAddress(randomBytes(20))}`);

describe('RealtimeHub under hostile clients', () => {
  let app: FastifyInstance;
  let hub: RealtimeHub;
  let port: number;
  beforeEach(async () => {
    app = Fastify();
    await app.register(fastifyWebsocket);
    hub = new RealtimeHub(createLogger('test', true));
    hub.register(app);
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterEach(async () => {
    await app.close();
  });

  it('keeps no topic once its last subscriber unsubscribes or disconnects', async () => {
    const c = await connect(port);
    const batch = REALTIME_LIMITS.subscriptionsPerClient;
    for (let i = 0; i < 20; i++) {
      const topics = addresses(batch);
      expect((await c.ask({ op: 'subscribe', topics })).topics).toHaveLength(batch);
      expect(hub.topicCount).toBe(batch);
      expect(hub.watchesAddresses).toBe(true);
      expect((await c.ask({ op: 'unsubscribe', topics })).topics).toEqual([]);
      expect(hub.topicCount).toBe(0);
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
    expect(first.topics).toHaveLength(limit - 1);
    const [extra1, extra2] = addresses(2);
    const capped = await c.ask({ op: 'subscribe', topics: [extra1, extra2] });
    expect(capped.topics).toHaveLength(limit);
    expect(capped.rejected).toEqual([extra2]);
    expect((await c.ask({ op: 'subscribe', topics: addresses(limit + 1) })).message).toMatch(/^invalid topics: at most 200/);

    const fresh = await connect(port);
    const odd = await fresh.ask({ op: 'subscribe', topics: ['bogus', 'x'.repeat(5_000), [[1]], { a: 1 }, null, 7, 'address:0x12'] });
    expect(odd.topics).toEqual([]);
    expect(odd.rejected).toEqual(['bogus', `${'x'.repeat(REALTIME_LIMITS.topicLength)}…`, '<array>', '<object>', '<null>', '<number>', 'address:0x12']);
    expect(hub.topicCount).toBe(limit);
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
