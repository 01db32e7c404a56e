import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, connect, shareOf, startPool, until, worker } from '../test-support/stratum-pool.js';

afterEach(cleanUp);

describe('mining.authorize before mining.subscribe', () => {
  it('is taken: set_difficulty and notify follow the subscribe, shares are accepted, and the auth timeout closes nothing', async () => {
    const { server, port } = await startPool({ authTimeoutMs: 300 });
    const c = await connect(port);
    const notified: number[] = [];
    c.onNotify = (_j, d) => notified.push(d);
    // Before: [25, "not subscribed"], no work ever came, and the connection was closed as not authorised.
    expect(await c.call('mining.authorize', [worker, 'x'])).toMatchObject({ result: true, error: null });
    // Submits still wait for the subscribe.
    expect((await c.call('mining.submit', [worker, '1', '00000000', '00000000', '00000000'])).error?.[0]).toBe(25);
    expect(notified).toEqual([]);
    await c.subscribe();
    await until(() => notified.length === 1, 'the first notify');
    // The difficulty came first: the client's default is 1.
    expect(notified[0]).toBe(1e-7);
    const s = shareOf(c, c.job);
    expect((await c.submit(worker, c.job, s.en2, s.nonce)).result).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(c.closed).toBe(false);
    expect(server.stats().disconnects).toMatchObject({ 'not-authorised': 0 });
  });

  it('closes a connection authorised but never subscribed at the auth timeout: it can be sent no work', async () => {
    const { server, port } = await startPool({ authTimeoutMs: 300 });
    const c = await connect(port);
    expect((await c.call('mining.authorize', [worker, 'x'])).result).toBe(true);
    // Before: kept until the idle timeout, ten minutes.
    await until(() => c.closed, 'the connection closed', 3000);
    expect(server.stats().disconnects).toMatchObject({ 'not-authorised': 1 });
  });
});
