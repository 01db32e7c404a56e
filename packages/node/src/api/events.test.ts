import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import WebSocket from 'ws';
import { blockHash, hashToHex, type Block } from '@hackcoin/core';
import { Miner } from '../mining/miner.js';
import { ChainFixture, quietLogger } from '../test-support/chain-fixture.js';
import { wireRealtime } from './events.js';
import { RealtimeHub } from './realtime.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A chain fixture whose events feed a real hub, and a real WebSocket client subscribed to `blocks`. */
async function feed() {
  const fx = await ChainFixture.create();
  cleanups.push(() => fx.close());
  const app: FastifyInstance = Fastify();
  await app.register(fastifyWebsocket);
  const hub = new RealtimeHub(quietLogger());
  hub.register(app);
  const unwire = wireRealtime(hub, fx.chain, fx.mempool, new Miner(fx.chain, fx.mempool, quietLogger()), fx.backend);
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(async () => {
    unwire();
    await app.close();
  });
  const ws = new WebSocket(`ws://127.0.0.1:${(app.server.address() as { port: number }).port}/ws`);
  cleanups.push(async () => void ws.terminate());
  const queue: any[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (d) => {
    queue.push(JSON.parse(d.toString()));
    wake?.();
  });
  const next = async (): Promise<any> => {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    return queue.shift();
  };
  expect((await next()).type).toBe('hello');
  ws.send(JSON.stringify({ op: 'subscribe', topics: ['blocks'] }));
  expect((await next()).type).toBe('subscriptions');
  /** Every push up to and including the one announcing block `last` (pushes arrive in order). */
  const pushesUntil = async (last: Block): Promise<any[]> => {
    const out: any[] = [];
    for (;;) {
      const m = await next();
      out.push(m);
      if (m.type === 'block' && m.block.hash === hashToHex(blockHash(last))) return out;
    }
  };
  return { fx, pushesUntil };
}

const summary = (b: Block, height: number) => ({ topic: 'blocks', type: 'block', block: expect.objectContaining({ hash: hashToHex(blockHash(b)), height }) });

describe('the blocks topic tells each activation net', () => {
  it('says nothing of a fork tried up to an invalid block when the chain comes back to its tip', async () => {
    const { fx, pushesUntil } = await feed();
    await fx.mine(4);
    const side = await fx.branch();
    await fx.mine(2);
    const tip = fx.chain.tip;
    const [b5, b6, b7] = [side.next(), side.next({ stateRoot: new Uint8Array(32).fill(1) }), side.next()];
    for (const b of [b5!, b6!]) expect((await fx.chain.processBlock(b)).status).toBe('side');
    // 6 and 5 are taken off, the fork's 5 connects, its 6 fails, then 5 and 6 come back.
    expect((await fx.chain.processBlock(b7!)).status).toBe('side');
    expect(fx.chain.tip).toBe(tip);
    const [next] = await fx.mine(1);
    const pushes = await pushesUntil(next!);
    expect(pushes.slice(-1)).toEqual([summary(next!, 7)]);
    // The 6 blocks mined first, then block 7: no block of the activation, no reorg.
    expect(pushes.map((m) => `${m.type} ${m.block?.height}`)).toEqual(['block 1', 'block 2', 'block 3', 'block 4', 'block 5', 'block 6', 'block 7']);
  });

  it('announces a reorg before the blocks of the new branch', async () => {
    const { fx, pushesUntil } = await feed();
    await fx.mine(4);
    const side = await fx.branch();
    const mined = await fx.mine(2);
    await pushesUntil(mined[1]!);
    const oldTip = fx.chain.tip;
    const [b5, b6, b7] = [side.next(), side.next(), side.next()];
    for (const b of [b5!, b6!]) expect((await fx.chain.processBlock(b)).status).toBe('side');
    expect((await fx.chain.processBlock(b7!)).status).toBe('connected');
    expect(await pushesUntil(b7!)).toEqual([
      { topic: 'blocks', type: 'reorg', from: { hash: oldTip.id, height: 6 }, to: { hash: hashToHex(blockHash(b7!)), height: 7 }, forkHeight: 4, disconnected: 2 },
      summary(b5!, 5),
      summary(b6!, 6),
      summary(b7!, 7),
    ]);
  });
});
