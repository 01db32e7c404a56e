import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  API_ROUTES, CONTRACT_EXAMPLES, ZERO_ADDRESS, bytesToHex, encodeTx, matchRoute, parseAddress, realtimeMessageSchema, signTransfer, utf8ToBytes, type ApiRoute,
} from '@hackcoin/core';
import { removeDir, startNode, waitFor, type TestNode } from './helpers/node-process.js';
import { newWallet, params, transferHex } from './helpers/p2p.js';

const TOKEN = CONTRACT_EXAMPLES.token;

/**
 * One walk over every route of core's API_ROUTES against real nodes (one with peer-to-peer and a
 * pool, one peer): each answer must parse with its route's response schema and be exactly what the
 * schema describes (no undocumented field), and the node's OpenAPI document must list the same routes.
 * WebSocket clients on both nodes, subscribed to every topic, hold every message pushed meanwhile
 * to core's realtime schema the same way.
 */
describe('every API answer of a real node matches core API_ROUTES', () => {
  let a: TestNode;
  let b: TestNode;
  const covered = new Set<ApiRoute>();
  const me = newWallet();
  const other = newWallet();

  /** Calls `route` at `path` on `node`, checks the answer against the route's schema and returns it. */
  const call = async (node: TestNode, route: ApiRoute, path: string, body?: unknown): Promise<any> => {
    const method = route.split(' ')[0]!;
    expect(matchRoute(method, path), path).toBe(route);
    const res = await node.request(path, { method, ...(body !== undefined ? { body } : method === 'POST' ? { body: {} } : {}) });
    const contract = API_ROUTES[route];
    const statuses: readonly number[] = 'alsoFor' in contract ? contract.alsoFor : [];
    if (res.status >= 500) throw new Error(`${route}: ${res.status}\n${node.output().slice(-3000)}`);
    expect(res.status >= 200 && res.status < 300 ? 200 : res.status, `${route}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeOneOf([200, ...statuses]);
    const parsed = contract.response.safeParse(res.body);
    expect(parsed.error?.issues, route).toBeUndefined();
    // Schemas strip unknown keys: equal means the answer has no field the contract does not describe.
    expect(parsed.data, route).toEqual(res.body);
    covered.add(route);
    return res.body;
  };
  const pushed: unknown[] = [];
  const sockets: WebSocket[] = [];
  /** Subscribes to `topics` on `node`; resolves once the node has confirmed them. */
  const listen = (node: TestNode, topics: string[]) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${node.port}/ws`);
      sockets.push(ws);
      ws.on('open', () => ws.send(JSON.stringify({ op: 'subscribe', topics })));
      ws.on('error', reject);
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { type?: string };
        pushed.push(m);
        if (m.type === 'subscriptions') resolve();
      });
    });
  const contractTx = (to: Uint8Array, payload: Record<string, unknown>, gasLimit: number) => {
    const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: '2' }));
    const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce: me.nonce++, fee: BigInt(gasLimit) * 2n, to, amount: 0n, data }, me.key);
    return { raw: bytesToHex(encodeTx(tx)) };
  };

  beforeAll(async () => {
    [a, b] = await Promise.all([startNode({ env: { STRATUM_PORT: '0' } }), startNode()]);
  });
  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await Promise.all([a?.stop(), b?.stop()]);
    for (const n of [a, b]) if (n) removeDir(n.dataDir);
  });

  it('walks every route with real data', async () => {
    await listen(a, ['blocks', 'mempool', 'mining', `address:${me.addr}`, `address:${other.addr}`]);
    await listen(b, ['network', 'blocks']);
    const mine = (n: number, to = me.addr) => call(a, 'POST /api/mining/generate', '/api/mining/generate', { count: n, address: to });
    const mined = await mine(3);
    const info = await call(a, 'GET /api/node/info', '/api/node/info');
    expect(info.height).toBe(mined.height);

    // Transactions: a transfer through each submit route, a token deploy, a call and a reverted call.
    const t1 = await call(a, 'POST /api/transactions', '/api/transactions', transferHex(me, other, 5_000n));
    await call(a, 'POST /api/transaction', '/api/transaction', transferHex(me, other, 6_000n));
    await call(a, 'GET /api/mempool', '/api/mempool');
    const est = await call(a, 'POST /api/contracts/estimate-gas', '/api/contracts/estimate-gas', {
      type: 'deploy', from: me.addr, contractCode: TOKEN, initData: ['Hack', 'HCK', 8, 1000],
    });
    const deployed = await call(a, 'POST /api/contracts/deploy', '/api/contracts/deploy', contractTx(ZERO_ADDRESS, { type: 'deploy', code: TOKEN, init: ['Hack', 'HCK', 8, 1000] }, est.suggestedGasLimit));
    await mine(1, other.addr);
    const token = parseAddress(deployed.contractAddress);
    const execute = (args: unknown[]) =>
      call(a, 'POST /api/contracts/execute', '/api/contracts/execute', contractTx(token, { type: 'call', fn: 'transfer', args }, 200_000));
    const ok = await execute([other.addr, 40]);
    const reverted = await execute([other.addr, 1_000_000]);
    await call(a, 'POST /api/contracts/estimate-gas', '/api/contracts/estimate-gas', {
      from: me.addr, contractAddress: deployed.contractAddress, functionName: 'transfer', parameters: [other.addr, 1],
    });
    // A pending transaction, so the pending shapes are walked too.
    const pending = await call(a, 'POST /api/transactions', '/api/transactions', transferHex(me, other, 7_000n));
    await mine(1, other.addr);
    const pendingToo = await call(a, 'POST /api/transactions', '/api/transactions', transferHex(me, other, 8_000n));

    // Reads, with ids of what was just made.
    const blocks = await call(a, 'GET /api/blocks', '/api/blocks?limit=10');
    await call(a, 'GET /api/blocks/:id', `/api/blocks/${blocks.blocks[0].hash}`);
    await call(a, 'GET /api/blocks/:id', '/api/blocks/0');
    await call(a, 'GET /api/blockchain/full', '/api/blockchain/full');
    for (const id of [t1.id, pending.id, pendingToo.id, deployed.id, ok.id]) await call(a, 'GET /api/tx/:id', `/api/tx/${id}`);
    expect((await call(a, 'GET /api/tx/:id', `/api/tx/${reverted.id}`)).receipt.status).toBe('reverted');
    for (const id of [blocks.blocks[0].hash, t1.id, '0'.repeat(64)]) await call(a, 'GET /api/search/:id', `/api/search/${id}`);
    for (const who of [me.addr, other.addr, deployed.contractAddress]) {
      await call(a, 'GET /api/address/:address', `/api/address/${who}`);
      await call(a, 'GET /api/address/:address/history', `/api/address/${who}/history`);
    }
    await call(a, 'GET /api/fees/estimate', '/api/fees/estimate');
    await call(a, 'GET /api/contracts', '/api/contracts');
    await call(a, 'GET /api/contracts/:address', `/api/contracts/${deployed.contractAddress}`);
    await call(a, 'POST /api/contracts/call', '/api/contracts/call', { contractAddress: deployed.contractAddress, functionName: 'balanceOf', parameters: [other.addr] });
    await call(a, 'GET /api/proof/account/:address', `/api/proof/account/${me.addr}?block=1`);
    await call(a, 'GET /api/proof/storage/:contract/:key', `/api/proof/storage/${deployed.contractAddress}/${encodeURIComponent(`balance:${other.addr}`)}`);
    await call(a, 'GET /api/headers', '/api/headers?from=0');
    await call(a, 'GET /api/health', '/api/health');

    // Mining and the pool.
    await call(a, 'GET /api/mining/status', '/api/mining/status');
    await call(a, 'POST /api/mining/start', '/api/mining/start', { address: other.addr, threads: 1, intensity: 'low' });
    await call(a, 'POST /api/mining/stop', '/api/mining/stop');
    await call(a, 'GET /api/pool/stats', '/api/pool/stats');
    await call(a, 'GET /api/pool/blocks', '/api/pool/blocks');
    await call(a, 'GET /api/pool/payouts', '/api/pool/payouts?limit=5');
    await call(a, 'GET /api/pool/balances/:address', `/api/pool/balances/${other.addr}`);

    // The network: b joins a, is banned, unbanned, and syncs.
    const connected = await call(b, 'POST /api/network/connect', '/api/network/connect', { address: a.url });
    await call(b, 'GET /api/network/status', '/api/network/status');
    expect((await call(b, 'GET /api/network/peers', '/api/network/peers')).count).toBeGreaterThan(0);
    await call(b, 'POST /api/blockchain/sync', '/api/blockchain/sync', { timeoutMs: 20_000 });
    // A string that is no peer's id (not even one libp2p can parse) is not-found, not an internal error.
    const stranger = await b.request('/api/network/disconnect', { body: { peerId: '0'.repeat(64) } });
    expect([stranger.status, stranger.body.error]).toEqual([404, 'not-found']);
    await call(b, 'POST /api/network/disconnect', '/api/network/disconnect', { peerId: connected.peer.id, ban: true });
    expect((await call(b, 'GET /api/network/bans', '/api/network/bans')).count).toBe(1);
    expect(await call(b, 'POST /api/network/unban', '/api/network/unban', { peerId: connected.peer.id })).toEqual({ unbanned: true });

    expect([...covered].sort()).toEqual(Object.keys(API_ROUTES).sort());
    // Mining status is pushed on a 2 s timer, and the walk can finish sooner.
    await waitFor(async () => pushed.some((m) => (m as { type?: unknown }).type === 'mining'), 10_000, 'a mining push');

    for (const m of pushed) {
      const parsed = realtimeMessageSchema.safeParse(m);
      expect(parsed.error?.issues, JSON.stringify(m).slice(0, 300)).toBeUndefined();
      expect(parsed.data).toEqual(m);
    }
    const kinds = new Set(pushed.map((m) => { const { type, event } = m as { type: string; event?: string }; return event ? `${type}:${event}` : type; }));
    for (const k of ['hello', 'subscriptions', 'block', 'tx', 'tx-removed', 'mining', 'address:pending', 'address:confirmed', 'peer:connected', 'peer:disconnected', 'peer:banned']) {
      expect(kinds, k).toContain(k);
    }
  }, 120_000);

  it('the OpenAPI document lists exactly these routes, with their answers and token requirement', async () => {
    const doc = await a.api('/api/docs/json');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.sort()).toEqual(Object.keys(API_ROUTES).sort());
    for (const [route, contract] of Object.entries(API_ROUTES)) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path.replace(/:(\w+)/g, '{$1}')][method.toLowerCase()];
      expect(op.responses['200'].content['application/json'].schema, route).toBeTypeOf('object');
      expect(op.security !== undefined, route).toBe('auth' in contract);
      if ('auth' in contract) expect((await a.request(path, { method, body: {}, token: null })).status, route).toBe(401);
    }
    expect(doc.paths['/api/node/info'].get.responses['200'].content['application/json'].schema.required).toContain('bestHash');
  });
});
