import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { CONNECTION_LIMITS, capConnections, serverTimeouts, type ConnectionLimits } from './connection-limits.js';

/** A raw client: what the server sent on it, and whether the server closed it. */
function rawClient(port: number, firstBytes?: string, localAddress?: string) {
  const socket: Socket = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
  let received = '';
  let onData: (() => void) | undefined;
  socket.on('data', (d) => {
    received += d.toString('latin1');
    onData?.();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<string>((r) => socket.on('close', () => r(received)));
  const connected = new Promise<void>((r) => socket.once('connect', () => r()));
  /** The status line of the first answer, or '' if the server closed the socket without one. */
  const status = new Promise<string>((r) => {
    onData = () => received.includes('\r\n') && r(received.split('\r\n')[0]!);
    void closed.then(() => r(received.split('\r\n')[0] ?? ''));
  });
  if (firstBytes !== undefined) socket.write(firstBytes);
  return { socket, closed, connected, status };
}

/**
 * Each client asks for one page on a kept-alive socket (so every socket stays counted); resolves with
 * each one's status line, or '' for a socket closed unanswered.
 */
async function outcomes(clients: ReturnType<typeof rawClient>[]): Promise<string[]> {
  await Promise.all(clients.map((c) => c.connected));
  for (const c of clients) if (!c.socket.destroyed) c.socket.write('GET /ok HTTP/1.1\r\nHost: x\r\n\r\n');
  const got = await Promise.all(clients.map((c) => c.status));
  for (const c of clients) c.socket.destroy();
  await Promise.all(clients.map((c) => c.closed));
  return got;
}

describe('HTTP connection limits', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function serve(limits: ConnectionLimits, exempt: (ip: string) => boolean = () => false): Promise<number> {
    app = Fastify(serverTimeouts(limits));
    app.get('/ok', async () => 'ok');
    app.post('/echo', async (req) => req.body);
    capConnections(app.server, limits, exempt);
    await app.listen({ host: '127.0.0.1', port: 0 });
    return (app.server.address() as { port: number }).port;
  }

  it('answers 408 to a request whose body trickles in past the request timeout, and closes the socket', async () => {
    const port = await serve({ ...CONNECTION_LIMITS, requestTimeoutMs: 300, headersTimeoutMs: 300, checkIntervalMs: 50 });
    const slow = rawClient(port, 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    expect((await slow.closed).split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('refuses a client more sockets than its cap, counting an IPv4 address or IPv6 /64, unless the peer is exempt', async () => {
    const limits = { ...CONNECTION_LIMITS, connectionsPerClient: 3 };
    let port = await serve(limits);
    const got = await outcomes(Array.from({ length: 4 }, () => rawClient(port)));
    expect(got.filter((s) => s === 'HTTP/1.1 200 OK')).toHaveLength(3);
    expect(got.filter((s) => s === '')).toHaveLength(1);
    const open = () => new Promise<number>((r) => app!.server.getConnections((_e, n) => r(n)));
    await expect.poll(open).toBe(0);
    // Closed sockets are counted out: the client may connect again.
    expect(await outcomes(Array.from({ length: 3 }, () => rawClient(port)))).toEqual(Array(3).fill('HTTP/1.1 200 OK'));
    await app!.close();

    port = await serve(limits, (ip) => ip === '127.0.0.1');
    expect(await outcomes(Array.from({ length: 5 }, () => rawClient(port)))).toEqual(Array(5).fill('HTTP/1.1 200 OK'));
  });

  it('refuses sockets past the total cap', async () => {
    const port = await serve({ ...CONNECTION_LIMITS, maxConnections: 2, exemptReserve: 0 });
    const got = await outcomes(Array.from({ length: 3 }, () => rawClient(port)));
    expect(got.filter((s) => s === 'HTTP/1.1 200 OK')).toHaveLength(2);
    expect(got.filter((s) => s === '')).toHaveLength(1);
  });

  it('keeps part of the total for exempt peers: strangers holding every other socket do not shut the operator out', async () => {
    // 127.0.0.2 and .3 are strangers (Linux routes all of 127/8 to loopback); 127.0.0.1 is exempt.
    const port = await serve({ ...CONNECTION_LIMITS, maxConnections: 6, exemptReserve: 2 }, (ip) => ip === '127.0.0.1');
    const strangers = [...Array.from({ length: 3 }, () => rawClient(port, undefined, '127.0.0.2')), ...Array.from({ length: 3 }, () => rawClient(port, undefined, '127.0.0.3'))];
    await Promise.all(strangers.map((c) => c.connected));
    const operator = [rawClient(port), rawClient(port)];
    const got = await outcomes([...strangers, ...operator]);
    expect(got.slice(0, 6).filter((x) => x === 'HTTP/1.1 200 OK')).toHaveLength(4);
    expect(got.slice(6)).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  });
});
