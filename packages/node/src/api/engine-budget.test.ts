import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { formatAddress } from '@hackcoin/core';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import type { ApiContext } from './context.js';
import { EngineBudget } from './engine-budget.js';
import { HttpError } from './http-error.js';
import { installErrorHandler } from './request-guards.js';
import { contractRoutes } from './routes/contracts.js';

/** A request from `ip`, as much of one as the budget reads. */
const reqFrom = (ip: string) => ({ ip, headers: {} }) as FastifyRequest;
const loopback = (req: FastifyRequest) => req.ip === '127.0.0.1';

describe('EngineBudget', () => {
  it('refuses with engine-busy once the window is spent, never the exempt, and starts afresh next window', () => {
    let clock = 0;
    const budget = new EngineBudget(loopback, { msPerWindow: 100, windowMs: 60_000, clientShare: 1 }, () => clock);
    expect(budget.admit(reqFrom('203.0.113.1'), 0).measure(() => ((clock += 60), 'first'))).toBe('first');
    // A call that throws is charged too.
    expect(() => budget.admit(reqFrom('203.0.113.1'), 0).measure(() => ((clock += 45), JSON.parse('{')))).toThrow(SyntaxError);
    expect(budget.remainingMs).toBe(0);
    const refused = (() => {
      try {
        budget.admit(reqFrom('203.0.113.2'), 0);
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 429, code: 'engine-busy', message: expect.stringMatching(/this node's 0.1 s a minute .* is spent; retry in 60 s$/) });
    budget.admit(reqFrom('127.0.0.1'), 0);
    clock = 60_000;
    expect(budget.remainingMs).toBe(100);
    budget.admit(reqFrom('203.0.113.2'), 0);
  });

  it('holds each client to its share of the window, so two heavy clients leave the rest to others, while the total still holds', () => {
    let clock = 0;
    const budget = new EngineBudget(loopback, { msPerWindow: 400, windowMs: 60_000, clientShare: 1 / 4 }, () => clock);
    const runsUntilRefused = (ip: string): number => {
      for (let runs = 0; runs < 100; runs++) {
        let reservation;
        try {
          reservation = budget.admit(reqFrom(ip), 0);
        } catch (e) {
          expect(e).toMatchObject({ status: 429, code: 'engine-busy' });
          return runs;
        }
        reservation.measure(() => (clock += 30));
      }
      return 100;
    };
    // 100 ms each: a client is refused only once past it (4 runs of 30 ms), whatever it is refused as.
    expect(runsUntilRefused('203.0.113.1')).toBe(4);
    expect(runsUntilRefused('2001:db8:1:2::1')).toBe(4);
    // Another address of the same /64 is the same client.
    expect(runsUntilRefused('2001:db8:1:2::ffff')).toBe(0);
    expect(() => budget.admit(reqFrom('203.0.113.1'), 0)).toThrow(/this address's share \(0.1 s a minute\) of calls and estimates is spent; retry in 60 s$/);
    // A third client is served, and a fourth, until the total is spent.
    budget.admit(reqFrom('198.51.100.3'), 0);
    expect(runsUntilRefused('198.51.100.3')).toBe(4);
    expect(budget.remainingMs).toBe(400 - 3 * 120);
    // Exempt time counts in the total but in nobody's share: the total refuses the next client.
    budget.admit(reqFrom('127.0.0.1'), 0).measure(() => (clock += 40));
    expect(() => budget.admit(reqFrom('198.51.100.4'), 0)).toThrow(/this node's 0.4 s a minute/);
    budget.admit(reqFrom('127.0.0.1'), 0);
    clock = 60_000;
    expect(runsUntilRefused('203.0.113.1')).toBe(4);
  });

  it('charges a reservation at admission, so requests admitted together cannot overdraw a share, and gives back what runs left of it', () => {
    let clock = 0;
    const budget = new EngineBudget(loopback, { msPerWindow: 800, windowMs: 60_000, clientShare: 1 / 4 }, () => clock);
    const heavy = '203.0.113.1';
    // Two admissions in flight hold 200 ms, the share: the third is refused though no run has been measured.
    const first = budget.admit(reqFrom(heavy), 100);
    const second = budget.admit(reqFrom(heavy), 100);
    expect(() => budget.admit(reqFrom(heavy), 100)).toThrow(/this address's share \(0.2 s a minute\)/);
    expect(budget.remainingMs).toBe(600);
    // A run within its reservation costs nothing more; release gives back the 70 ms it did not use.
    expect(first.measure(() => ((clock += 30), 'ran'))).toBe('ran');
    expect(budget.remainingMs).toBe(600);
    first.release();
    expect(budget.remainingMs).toBe(670);
    // A run past its reservation is charged the excess; nothing is left to give back.
    second.measure(() => (clock += 150));
    second.release();
    expect(budget.remainingMs).toBe(800 - 30 - 150);
    // 180 ms spent: one more admission fits under the share, then the share holds again.
    budget.admit(reqFrom(heavy), 100).release();
    const third = budget.admit(reqFrom(heavy), 100);
    expect(() => budget.admit(reqFrom(heavy), 100)).toThrow(/this address's share/);
    // Reservations of exempt clients count in the total: held time refuses another client at once.
    const exempt = Array.from({ length: 6 }, () => budget.admit(reqFrom('127.0.0.1'), 100));
    expect(budget.remainingMs).toBe(0);
    expect(() => budget.admit(reqFrom('198.51.100.3'), 100)).toThrow(/this node's 0.8 s a minute/);
    // The window turns: its reservations are forgotten, not given back into the new one (which would overdraw it).
    clock = 60_000;
    expect(budget.remainingMs).toBe(800);
    third.release();
    for (const r of exempt) r.release();
    expect(budget.remainingMs).toBe(800);
    // A run of an earlier window's reservation is charged in full to the window it runs in.
    const late = budget.admit(reqFrom('198.51.100.3'), 100);
    clock = 120_000;
    late.measure(() => (clock += 40));
    late.release();
    expect(budget.remainingMs).toBe(760);
  });
});

describe('contract routes under the engine budget', () => {
  let fx: ChainFixture | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await fx?.close();
  });

  it('answers calls and estimates 429 engine-busy when the node-wide time is spent, except to exempt clients', async () => {
    fx = await ChainFixture.create();
    app = Fastify();
    installErrorHandler(app, fx.log);
    const ctx = { chain: fx.chain, mempool: fx.mempool, params: fx.params, backend: fx.backend } as ApiContext;
    let exempt = false;
    contractRoutes(app, ctx, async () => undefined, new EngineBudget(() => exempt, { msPerWindow: 0, windowMs: 60_000, clientShare: 1 }));
    const from = formatAddress(W.alice.address);
    const estimate = { type: 'deploy', from, contractCode: 'export function init() { return 1; }', initData: [] };
    const call = { contractAddress: formatAddress(W.bob.address), functionName: 'f', parameters: [] };
    for (const [url, payload] of [['/api/contracts/estimate-gas', estimate], ['/api/contracts/call', call]] as const) {
      const r = await app.inject({ method: 'POST', url, payload });
      expect(r.statusCode).toBe(429);
      expect(r.json().error).toBe('engine-busy');
    }
    exempt = true;
    const ran = await app.inject({ method: 'POST', url: '/api/contracts/estimate-gas', payload: estimate });
    expect(ran.statusCode).toBe(200);
    expect(ran.json().status).toBe('success');
    expect((await app.inject({ method: 'POST', url: '/api/contracts/call', payload: call })).json().error).toBe('not-found');
  });

  it('refuses, before any engine time, an estimate whose value or fee could not fit a transaction (64 bits)', async () => {
    fx = await ChainFixture.create();
    app = Fastify();
    installErrorHandler(app, fx.log);
    const ctx = { chain: fx.chain, mempool: fx.mempool, params: fx.params, backend: fx.backend } as ApiContext;
    const budget = new EngineBudget(() => false);
    contractRoutes(app, ctx, async () => undefined, budget);
    const full = budget.remainingMs;
    const estimate = { type: 'deploy', from: formatAddress(W.alice.address), contractCode: 'export function init() { return 1; }', initData: [] };
    for (const extra of [{ value: '18446744073709551616' }, { gasPrice: '99999999999999999999' }]) {
      const r = await app.inject({ method: 'POST', url: '/api/contracts/estimate-gas', payload: { ...estimate, ...extra } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: 'bad-request', message: expect.stringMatching(/must fit in 64 bits$/) });
    }
    expect(budget.remainingMs).toBe(full);
    const ok = await app.inject({ method: 'POST', url: '/api/contracts/estimate-gas', payload: { ...estimate, value: '18446744073709551615', gasPrice: '1' } });
    expect(ok.statusCode).toBe(200);
    expect(BigInt(ok.json().fee)).toBeLessThan(2n ** 64n);
  });

  it("serves a third client's estimate while two clients that spent their shares are refused", async () => {
    fx = await ChainFixture.create();
    app = Fastify();
    installErrorHandler(app, fx.log);
    const ctx = { chain: fx.chain, mempool: fx.mempool, params: fx.params, backend: fx.backend } as ApiContext;
    // The clock moves only when the test says so: the routes' own runs cost nothing here.
    let clock = 0;
    const budget = new EngineBudget(() => false, { msPerWindow: 800, windowMs: 60_000, clientShare: 1 / 8 }, () => clock);
    contractRoutes(app, ctx, async () => undefined, budget);
    const estimate = { type: 'deploy', from: formatAddress(W.alice.address), contractCode: 'export function init() { return 1; }', initData: [] };
    const ask = (remoteAddress: string) => app!.inject({ method: 'POST', url: '/api/contracts/estimate-gas', payload: estimate, remoteAddress });
    // Each heavy client asks until refused, each answer standing for 100 ms of engine time.
    for (const heavy of ['203.0.113.1', '203.0.113.2']) {
      let served = 0;
      let r = await ask(heavy);
      for (; r.statusCode === 200 && served < 20; r = await ask(heavy)) {
        served++;
        budget.admit(reqFrom(heavy), 0).measure(() => (clock += 100));
      }
      expect(served).toBe(1);
      expect(r.statusCode).toBe(429);
      expect(r.json()).toEqual({ error: 'engine-busy', message: expect.stringMatching(/^contract engine busy: this address's share/) });
    }
    const third = await ask('198.51.100.3');
    expect(third.statusCode).toBe(200);
    expect(third.json().status).toBe('success');
  });
});
