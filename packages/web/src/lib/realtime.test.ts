import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { RealtimeClient, type RealtimeMessage, type Scheduler } from './realtime';
import { nodeSocket, startFakeHub, until } from '../test/ws-server';
import { blockSummary, coinbaseTx } from '../test/api-fixtures';

const ADDR = '0xBA046D37298cC337Aa0536557c9f3C5B8F1DB865';

describe('RealtimeClient', () => {
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let client: RealtimeClient;
  beforeEach(async () => {
    hub = await startFakeHub();
    client = new RealtimeClient(hub.url, { factory: nodeSocket, minDelayMs: 20, maxDelayMs: 100 });
  });
  afterEach(async () => {
    client.stop();
    await hub.close();
  });

  it('subscribes, dispatches by topic (address case-insensitively) and resubscribes after a reconnect', async () => {
    const blocks: RealtimeMessage[] = [];
    const mine: RealtimeMessage[] = [];
    const states: string[] = [];
    client.onState((s) => states.push(s));
    client.subscribe('blocks', (m) => blocks.push(m));
    client.start();
    // Subscribing while connected sends an op right away; lowercase input still matches EIP-55 pushes.
    await until(() => client.state === 'open');
    const offAddr = client.subscribe(`address:${ADDR.toLowerCase()}`, (m) => mine.push(m));
    await until(() => hub.subscriptions()[0]?.length === 2);

    hub.publish('blocks', { type: 'block', block: blockSummary(1) });
    hub.publish(`address:${ADDR}`, { type: 'address', event: 'pending', tx: coinbaseTx(ADDR) });
    hub.publish('mempool', { type: 'tx' });
    await until(() => blocks.length === 1 && mine.length === 1);

    hub.dropAll();
    await until(() => client.connects === 2 && client.state === 'open');
    await until(() => hub.subscriptions()[0]?.length === 2);
    expect(hub.subscriptions()).toEqual([['address:' + ADDR.toLowerCase(), 'blocks']]);
    expect(states).toContain('closed');

    hub.publish('blocks', { type: 'block', block: blockSummary(2) });
    await until(() => blocks.length === 2);
    expect(blocks[1]).toEqual({ topic: 'blocks', type: 'block', block: blockSummary(2) });
    expect(client.malformed).toBe(0);

    offAddr();
    await until(() => hub.subscriptions()[0]?.length === 1);
    const last = hub.received[hub.received.length - 1]!.msg;
    expect(last).toEqual({ op: 'unsubscribe', topics: [`address:${ADDR.toLowerCase()}`] });
  });

  it('keeps retrying while the server is down and recovers when it returns', async () => {
    let attempts = 0;
    client = new RealtimeClient(hub.url, {
      factory: (url) => {
        attempts += 1;
        return nodeSocket(url);
      },
      minDelayMs: 10,
      maxDelayMs: 40,
    });
    client.subscribe('mining', () => undefined);
    client.start();
    await until(() => client.state === 'open');
    const port = hub.port;
    await hub.close();
    await until(() => attempts >= 4);
    expect(client.connects).toBe(1);
    hub = await startFakeHub(port);
    await until(() => client.state === 'open' && hub.subscriptions()[0]?.length === 1);
    expect(client.connects).toBe(2);
    expect(hub.subscriptions()).toEqual([['mining']]);
  });

  it('drops pushes that do not match core\'s /ws schemas, counting each, and still delivers the good ones', async () => {
    const blocks: RealtimeMessage[] = [];
    const problems: [number, string][] = [];
    client.onMalformed((count, reason) => problems.push([count, reason]));
    client.subscribe('blocks', (m) => blocks.push(m));
    client.start();
    await until(() => hub.subscriptions()[0]?.length === 1);

    hub.publish('blocks', { type: 'block', block: { ...blockSummary(1), height: -1 } });
    hub.publish('blocks', { type: 'block' });
    hub.publish('blocks', { type: 'block', block: { ...blockSummary(2), hash: '<img src=x onerror=alert(1)>' } });
    hub.sendRaw('{"topic":"blocks",');
    hub.sendRaw(JSON.stringify({ type: 'hello' }));
    hub.publish('blocks', { type: 'block', block: { ...blockSummary(3), extra: 'stripped' } });
    await until(() => blocks.length === 1 && problems.length === 5);

    // Only the well-formed push arrives, as the schema reads it (unknown fields gone).
    expect(blocks).toEqual([{ topic: 'blocks', type: 'block', block: blockSummary(3) }]);
    expect(client.malformed).toBe(5);
    expect(problems.map(([n]) => n)).toEqual([1, 2, 3, 4, 5]);
    expect(problems[3]![1]).toBe('not JSON');
    // The connection stays up: a hostile node's garbage is a problem shown, not a reason to reconnect.
    expect(client.state).toBe('open');
    expect(client.connects).toBe(1);
  });
});

describe('RealtimeClient backoff against a hub that refuses it', () => {
  let wss: WebSocketServer | undefined;
  let client: RealtimeClient | undefined;
  afterEach(async () => {
    client?.stop();
    for (const s of wss?.clients ?? []) s.terminate();
    await new Promise((r) => wss?.close(r));
  });

  /** A server that completes each handshake then does what `accept` says; `hello` sends the hub's greeting first. */
  const serve = async (accept: (n: number) => { hello: boolean; close: number | 'drop' }) => {
    let n = 0;
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss!.once('listening', r));
    wss.on('connection', (socket) => {
      const { hello, close } = accept(++n);
      if (hello) socket.send(JSON.stringify({ type: 'hello', topics: ['blocks'] }));
      if (close === 'drop') socket.terminate();
      else socket.close(close, 'too many real-time clients');
    });
    return `ws://127.0.0.1:${(wss.address() as { port: number }).port}/ws`;
  };
  /** Reconnects at once, recording the delay each retry asked for: the outcome is the delays, not the clock. */
  const recording = (delays: number[], stopAfter: number): Scheduler => (fn, ms) => {
    delays.push(ms);
    if (delays.length < stopAfter) setTimeout(fn, 0);
    return () => undefined;
  };

  it('waits the longest delay after a 1013 close, though the socket had opened', async () => {
    const url = await serve(() => ({ hello: false, close: 1013 }));
    const delays: number[] = [];
    client = new RealtimeClient(url, { factory: nodeSocket, minDelayMs: 10, maxDelayMs: 60_000, schedule: recording(delays, 4) });
    client.start();
    await until(() => delays.length === 4);
    expect(client.connects).toBe(4);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(0.8 * 60_000);
  });

  it('backs off further on every socket that opens but gets no hello, and starts over after one that does', async () => {
    // A close after the hello (not a drop) so the hello is surely read first.
    const url = await serve((n) => ({ hello: n === 4, close: n === 4 ? 1001 : 'drop' }));
    const delays: number[] = [];
    client = new RealtimeClient(url, { factory: nodeSocket, minDelayMs: 100, maxDelayMs: 60_000, schedule: recording(delays, 5) });
    client.start();
    await until(() => delays.length === 5);
    expect(client.connects).toBe(5);
    // Jitter is within ±20%, so each doubling is told apart from the last.
    const steps = delays.map((d) => Math.round(Math.log2(d / 100)) || 0);
    expect(steps).toEqual([0, 1, 2, 0, 1]);
  });
});
