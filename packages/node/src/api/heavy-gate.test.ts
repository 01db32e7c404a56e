import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { txId } from '@hackcoin/core';
import { ChainFixture } from '../test-support/chain-fixture.js';
import type { ApiContext } from './context.js';
import { HttpError } from './http-error.js';
import { HeavyGate } from './heavy-gate.js';
import { installErrorHandler } from './request-guards.js';
import { chainRoutes } from './routes/chain.js';

async function until(fn: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HeavyGate', () => {
  it('runs at most `concurrent` pieces of work at once, the rest in turn, and refuses past `waiting` with 503 busy', async () => {
    const gate = new HeavyGate({ concurrent: 2, waiting: 3 });
    const release: (() => void)[] = [];
    const started: number[] = [];
    const work = (i: number) => gate.run(() => new Promise<number>((r) => (started.push(i), release.push(() => r(i)))));
    const runs = [0, 1, 2, 3, 4].map(work);
    await Promise.resolve();
    expect([gate.running, gate.waiting, started]).toEqual([2, 3, [0, 1]]);
    const refused = await work(5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, code: 'busy', headers: { 'retry-after': expect.any(String) } });
    while (release.length > 0 || gate.running > 0) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(gate.peak).toBe(2);
    // A failure frees its slot too.
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.running).toBe(0);
  });

  it('drops waiting work once its signal aborts, without running it, and gives its place to the next in line', async () => {
    const gate = new HeavyGate({ concurrent: 1, waiting: 2 });
    let release!: () => void;
    const held = gate.run(() => new Promise<void>((r) => (release = r)));
    const ran: string[] = [];
    const left = new AbortController();
    const dropped = gate.run(() => ran.push('dropped'), left.signal).catch((e: unknown) => e);
    const kept = gate.run(() => ran.push('kept'), new AbortController().signal);
    left.abort();
    expect(gate.waiting).toBe(1);
    expect(await dropped).toMatchObject({ status: 499, code: 'client-gone' });
    // Its place is free: another may wait.
    const third = gate.run(() => ran.push('third'));
    // Work whose client is gone before it reaches the gate never waits at all.
    await expect(gate.run(() => ran.push('late'), AbortSignal.abort())).rejects.toMatchObject({ code: 'client-gone' });
    release();
    await Promise.all([held, kept, third]);
    expect(ran).toEqual(['kept', 'third']);
    expect(gate.running).toBe(0);
  });
});

describe('heavy routes whose clients have gone', () => {
  let fx: ChainFixture;
  beforeAll(async () => {
    fx = await ChainFixture.create();
    await fx.mine(6);
  });
  afterAll(async () => fx?.close());

  it('are dropped at the gate unrun, over real sockets, while a render another client still waits for goes on', async () => {
    const loads: number[] = [];
    const txReads: number[] = [];
    const chain = Object.create(fx.chain) as typeof fx.chain;
    chain.getBlock = async (e) => (loads.push(e.height), fx.chain.getBlock(e));
    chain.getTx = async (e, i) => (txReads.push(e.height), fx.chain.getTx(e, i));
    const gate = new HeavyGate({ concurrent: 1, waiting: 64 });
    const app = Fastify();
    installErrorHandler(app, fx.log);
    let requests = 0;
    let closes = 0;
    app.addHook('onRequest', (_req, reply, done) => {
      requests++;
      reply.raw.once('close', () => closes++);
      done();
    });
    chainRoutes(app, { chain, mempool: fx.mempool, backend: fx.backend } as ApiContext, async () => undefined, gate);
    await app.listen({ host: '127.0.0.1', port: 0 });
    let release = (): void => undefined;
    try {
      const { port } = app.server.address() as AddressInfo;
      /** A request on a connection of its own; its answer is status 0 when the connection goes first. */
      const request = (path: string): { req: ClientRequest; answer: Promise<{ status: number; body: string }> } => {
        const req = get({ host: '127.0.0.1', port, path, agent: false });
        const answer = new Promise<{ status: number; body: string }>((resolve) => {
          req.on('error', () => resolve({ status: 0, body: '' }));
          req.on('response', (res: IncomingMessage) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          });
        });
        return { req, answer };
      };
      const held = gate.run(() => new Promise<void>((r) => (release = r)));

      // In line, in this order: three renders of blocks of their own, a transaction read, a render two
      // clients share, then one a gone client and a present one share.
      const coinbase = txId((await fx.chain.getBlock(fx.chain.getEntryByHeight(5)!))!.txs[0]!);
      const gone = [request('/api/blocks/1'), request('/api/blocks/2'), request('/api/blocks/3')];
      await until(() => gate.waiting === 3, 'three renders in line');
      gone.push(request(`/api/tx/${coinbase}`));
      await until(() => gate.waiting === 4, 'the transaction read in line');
      gone.push(request('/api/blocks/4'));
      await until(() => gate.waiting === 5, 'the shared render in line');
      gone.push(request('/api/blocks/4'));
      gone.push(request('/api/blocks/6'));
      await until(() => gate.waiting === 6, 'the last render in line');
      const present = request('/api/blocks/6');
      // Its handler runs in the turn its request arrives: it joins the render in line, which nothing is added for.
      await until(() => requests === gone.length + 1, 'the last request handled');
      expect(gate.waiting).toBe(6);

      for (const g of gone) g.req.destroy();
      await until(() => closes === gone.length, 'the server to see the clients go');
      // Before: all six still in line, and each ran once the gate let it.
      expect(gate.waiting).toBe(1);
      release();
      await held;
      const answer = await present.answer;
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ height: 6 });
      expect(loads).toEqual([6]);
      expect(txReads).toEqual([]);
      expect(gate.running + gate.waiting).toBe(0);
      for (const g of gone) expect((await g.answer).status).toBe(0);
    } finally {
      // Requests still in line would hold the close open.
      release();
      await app.close();
    }
  });
});
