import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { CONNECTION_LIMITS, serverTimeouts } from './connection-limits.js';
import { RESPONSE_LIMITS, installResponseBudget, type ResponseLimits } from './response-budget.js';

/** Four MiB of JSON, as a block's detail page is: bigger than the kernel's socket buffers, so an unread answer waits in the process. */
const BIG = JSON.stringify({ data: 'x'.repeat(4 * 1024 * 1024) });

/** A client that sends `requests` and reads nothing until asked: what arrived, and whether the server closed it. */
function client(port: number, requests: string) {
  const socket: Socket = connect({ port, host: '127.0.0.1' });
  socket.pause();
  let received = '';
  socket.on('data', (d) => {
    received += d.toString('latin1');
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  socket.once('connect', () => socket.write(requests));
  return {
    socket,
    closed,
    /** Reads until `n` status lines have arrived or the socket closed; the status lines. */
    async statuses(n: number): Promise<string[]> {
      socket.resume();
      const lines = (): string[] => received.match(/HTTP\/1\.1 \d+ [^\r]*/g) ?? [];
      await Promise.race([expect.poll(() => lines().length, { timeout: 10_000 }).toBeGreaterThanOrEqual(n), closed]);
      return lines();
    },
  };
}

const get = (path: string, times = 1): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`.repeat(times);

describe('answers waiting for their client', () => {
  let app: FastifyInstance | undefined;
  const clients: ReturnType<typeof client>[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.destroy();
    await app?.close();
    app = undefined;
  });

  async function serve(limits: Partial<ResponseLimits>, exempt: (req: FastifyRequest) => boolean = () => false): Promise<number> {
    app = Fastify(serverTimeouts(CONNECTION_LIMITS));
    let renders = 0;
    app.get('/big', async (_req, reply) => {
      renders++;
      return reply.type('application/json').send(BIG);
    });
    app.get('/small', async () => ({ renders }));
    installResponseBudget(app, { ...RESPONSE_LIMITS, ...limits }, exempt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as { port: number }).port;
  }

  const open = (port: number, requests: string) => {
    const c = client(port, requests);
    clients.push(c);
    return c;
  };

  it('closes a socket that pipelines more requests than it may have in flight, before rendering them (1,000 block pages held 3.8 GB)', async () => {
    const port = await serve({ requestsPerSocket: 4 });
    const flood = open(port, get('/big', 1000));
    // A paused client sees the close only once it reads.
    await expect.poll(() => flood.socket.bytesWritten).toBeGreaterThan(0);
    await flood.statuses(1000);
    await flood.closed;
    // At most four rendered: the fifth closed the socket, and those after it were dropped unrendered.
    const r = await app!.inject({ method: 'GET', url: '/small' });
    expect(r.json<{ renders: number }>().renders).toBeLessThanOrEqual(4);
    // Sequential requests on one socket are served as before.
    const polite = open(port, get('/small', 4));
    expect(await polite.statuses(4)).toEqual(Array(4).fill('HTTP/1.1 200 OK'));
  });

  it('refuses large answers past a client budget and the node budget while earlier ones wait unread, and serves again once they are read', async () => {
    const size = Buffer.byteLength(BIG);
    const port = await serve({ clientBytes: 2 * size + 1, nodeBytes: 10 * size });
    const first = open(port, get('/big'));
    const second = open(port, get('/big'));
    await expect.poll(() => first.socket.bytesWritten > 0 && second.socket.bytesWritten > 0).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    const third = open(port, get('/big'));
    expect((await third.statuses(1))[0]).toBe('HTTP/1.1 503 Service Unavailable');
    // Small answers are not counted.
    expect((await open(port, get('/small')).statuses(1))[0]).toBe('HTTP/1.1 200 OK');
    expect(await first.statuses(1)).toEqual(['HTTP/1.1 200 OK']);
    await expect.poll(async () => (await open(port, get('/big')).statuses(1))[0], { timeout: 10_000 }).toBe('HTTP/1.1 200 OK');
  });

  it('counts an exempt client against the node budget only', async () => {
    const size = Buffer.byteLength(BIG);
    const port = await serve({ clientBytes: 1, nodeBytes: 2 * size + 1 }, (req) => req.ip === '127.0.0.1');
    const waiting = [open(port, get('/big')), open(port, get('/big'))];
    await expect.poll(() => waiting.every((c) => c.socket.bytesWritten > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect((await open(port, get('/big')).statuses(1))[0]).toBe('HTTP/1.1 503 Service Unavailable');
    expect((await waiting[0]!.statuses(1))[0]).toBe('HTTP/1.1 200 OK');
  });
});
