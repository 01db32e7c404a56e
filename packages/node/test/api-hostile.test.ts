import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { addressFromPublicKey, formatAddress, generatePrivateKey, publicKeyFromPrivate } from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';
import { RATE_LIMITS } from '../src/api/rate-limit.js';
import { WEB_APP_CSP } from '../src/api/security-headers.js';

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

/** Sends one text frame and resolves with the first reply, or with the close code if the socket closes first. */
function wsExchange(url: string, text: string): Promise<{ reply?: any; closed?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let greeted = false;
    ws.on('message', (d) => {
      if (!greeted) {
        greeted = true;
        ws.send(text);
        return;
      }
      resolve({ reply: JSON.parse(d.toString()) });
      ws.close();
    });
    ws.on('close', (code) => resolve({ closed: code }));
    ws.on('error', reject);
  });
}

describe('hostile API input (regressions for issue 10)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('sends the web app and every API answer with a content policy that forbids framing and foreign scripts, and no sniffing', async () => {
    for (const path of ['/', '/wallet', '/api/node/info', '/api/no-such-route']) {
      const r = await fetch(node.url + path);
      expect(r.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
      expect(r.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('referrer-policy')).toBe('no-referrer');
      expect([r.headers.get('cross-origin-opener-policy'), r.headers.get('cross-origin-resource-policy')]).toEqual(['same-origin', 'same-origin']);
    }
    expect((await fetch(node.url + '/')).headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('answers a WebSocket message of arrays nested 5,000 deep with an error and stays up', async () => {
    const url = `ws://127.0.0.1:${node.port}/ws`;
    const bare = await wsExchange(url, nested(5_000));
    expect(bare.reply).toEqual({ type: 'error', message: expect.stringMatching(/nested deeper than \d+/) });
    // A deep topic used to be echoed back in `rejected` through JSON.stringify, overflowing the stack outside any handler.
    const topic = await wsExchange(url, `{"op":"subscribe","topics":[${nested(5_000)}]}`);
    expect(topic.reply).toEqual({ type: 'error', message: expect.stringMatching(/nested deeper than \d+/) });
    expect(node.proc.exitCode).toBeNull();
    expect((await node.api('/api/node/info')).height).toBe(0);
  });

  it('answers 400 naming the body to JSON nested 10,000 deep on every JSON route', async () => {
    const from = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
    const source = 'export function init(x) { return 1; }';
    const deploy = await node.request('/api/contracts/estimate-gas', {
      rawBody: `{"type":"deploy","from":"${from}","contractCode":${JSON.stringify(source)},"initData":[${nested(10_000)}]}`,
    });
    expect(deploy.status).toBe(400);
    expect(deploy.body.error).toBe('json-too-deep');
    for (const path of ['/api/contracts/estimate-gas', '/api/contracts/call', '/api/transactions']) {
      const r = await node.request(path, { rawBody: `{"parameters":${nested(10_000)}}` });
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'json-too-deep', message: expect.stringMatching(/^invalid body: JSON nested deeper than \d+ levels/) });
    }
    const objects = await node.request('/api/contracts/estimate-gas', { rawBody: nested(10_000, '{"a":', '}') });
    expect(objects.status).toBe(400);
    expect(objects.body.error).toBe('json-too-deep');
    expect(node.proc.exitCode).toBeNull();
  });

  it('answers 400 naming the address to a peer address that is neither a multiaddr with a peer id nor host:port', async () => {
    for (const address of ['abc', '/ip4/1.2.3.4/tcp/1', 'http://', 'x'.repeat(600)]) {
      const r = await node.request('/api/network/connect', { body: { address } });
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/^invalid address: /);
    }
  });
});

describe('shutdown', () => {
  it('is not held open by a client that stops reading a large response', async () => {
    const node = await startNode({ env: { P2P: 'false' } });
    const socket = connect(node.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /api/docs/static/swagger-ui-bundle.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((r) => socket.once('data', r));
    socket.pause();
    await node.stop();
    expect(node.proc.exitCode).toBe(0);
    socket.destroy();
    removeDir(node.dataDir);
  }, 30_000);
});

describe('rate limits', () => {
  let strict: TestNode;
  let exempt: TestNode;
  beforeAll(async () => {
    [strict, exempt] = await Promise.all([startNode({ env: { P2P: 'false', RATE_LIMIT: 'all' } }), startNode({ env: { P2P: 'false' } })]);
  });
  afterAll(async () => {
    await Promise.all([strict.stop(), exempt.stop()]);
    removeDir(strict.dataDir);
    removeDir(exempt.dataDir);
  });

  const post = (node: TestNode, path: string) =>
    fetch(node.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

  it('throttles contract calls and estimates per client, with retry-after, while reads go on', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMITS.run; i++) statuses.push((await post(strict, i % 2 ? '/api/contracts/call' : '/api/contracts/estimate-gas')).status);
    expect(new Set(statuses)).toEqual(new Set([400]));
    const over = await post(strict, '/api/contracts/call');
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.json()).toEqual({ error: 'rate-limited', message: expect.stringMatching(/^rate limit exceeded: at most 60 run requests a minute/) });
    expect((await post(strict, '/api/transactions')).status).toBe(400);
    expect((await strict.api('/api/node/info')).height).toBe(0);
  });

  it('counts whole-chain reads and renders of uncached blocks in one heavy class of 60 a minute; cached blocks and the list are reads', async () => {
    // The first read of a block renders it: one heavy request.
    expect((await fetch(`${strict.url}/api/blocks/0`)).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 1; i < RATE_LIMITS.heavy; i++) statuses.push((await fetch(`${strict.url}/api/blockchain/full`)).status);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const over = await fetch(`${strict.url}/api/blockchain/full`);
    expect(over.status).toBe(429);
    expect((await over.json()).message).toMatch(/^rate limit exceeded: at most 60 heavy requests a minute/);
    // Served from the cache, and the list of headers and counts: not refused.
    for (const path of ['/api/blocks/0', '/api/blocks?limit=60']) expect((await fetch(strict.url + path)).status).toBe(200);
    // Without TRUST_PROXY a forwarded-for header is the client's word, and ignored.
    expect((await fetch(`${strict.url}/api/blockchain/full`, { headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(429);
    expect((await strict.api('/api/node/info')).height).toBe(0);
  });

  it('exempts loopback clients by default (RATE_LIMIT=remote)', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < RATE_LIMITS.run + 20; i++) statuses.add((await post(exempt, '/api/contracts/call')).status);
    expect(statuses).toEqual(new Set([400]));
  });
});

describe('rate limits behind a trusted proxy (TRUST_PROXY)', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false', TRUST_PROXY: '127.0.0.1' } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  const get = (client?: string) => fetch(`${node.url}/api/blockchain/full`, { headers: client ? { 'x-forwarded-for': client } : {} }).then((r) => r.status);
  const exhaust = async (client: string) => {
    const statuses = new Set<number>();
    for (let i = 0; i < RATE_LIMITS.heavy; i++) statuses.add(await get(client));
    return statuses;
  };

  it('counts each forwarded client by its own address, IPv6 by /64, while the proxy itself stays exempt as loopback', async () => {
    expect(await exhaust('203.0.113.5')).toEqual(new Set([200]));
    expect(await get('203.0.113.5')).toBe(429);
    expect(await get('203.0.113.6')).toBe(200);
    // A client may prepend any address it likes; the proxy appends the one it saw, and that is the one counted.
    expect(await get('198.51.100.9, 203.0.113.5')).toBe(429);

    expect(await exhaust('2001:db8:1:2::1')).toEqual(new Set([200]));
    expect(await get('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe(429);
    expect(await get('2001:db8:1:3::1')).toBe(200);

    expect(await get()).toBe(200);
  });
});

describe('state proofs and the heavy budget', () => {
  let node: TestNode;
  const who = formatAddress(addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false', RATE_LIMIT: 'all' } });
    await node.api('/api/mining/generate', { body: { count: 2, address: who } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  const proof = (height: number) => fetch(`${node.url}/api/proof/account/${who}?block=${height}`);

  it('charges a proof as heavy only at a block whose proof parts are not cached: one client cannot make the node read and hash a block per request', async () => {
    const first = await proof(1);
    expect(first.status).toBe(200);
    expect((await first.json()).account.balance).not.toBe('0');
    const statuses = new Set<number>();
    for (let i = 1; i < RATE_LIMITS.heavy; i++) statuses.add((await fetch(`${node.url}/api/blockchain/full`)).status);
    expect(statuses).toEqual(new Set([200]));
    // Block 1's parts are cached: its proofs are reads, however many.
    const cached = new Set<number>();
    for (let i = 0; i < 2 * RATE_LIMITS.heavy; i++) cached.add((await proof(1)).status);
    expect(cached).toEqual(new Set([200]));
    const over = await proof(2);
    expect(over.status).toBe(429);
    expect((await over.json()).message).toMatch(/^rate limit exceeded: at most 60 heavy requests a minute/);
  });
});
