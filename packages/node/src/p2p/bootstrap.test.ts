import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_SEED_ADDRS, MAX_SEED_INFO_BYTES, resolveAddress } from './bootstrap.js';

const PEER = '12D3KooWGzh2Xx3ErM1r8YSoK8Xh6QCHe6u2kRtZwDqM3SJ5XjX5';

describe('resolving an http:// bootstrap seed', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });
  /** A real HTTP server on loopback; `hits` records every path requested of it. */
  const serve = async (handler: Parameters<typeof createServer>[1]): Promise<{ url: string; hits: string[] }> => {
    const hits: string[] = [];
    const s = createServer((req, res) => {
      hits.push(req.url ?? '');
      handler!(req, res);
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits };
  };

  it('takes the peer id, the host it was reached on and at most a few more of its addresses', async () => {
    const addrs = Array.from({ length: 50 }, (_, i) => `/ip4/10.0.0.${i + 1}/tcp/4001/p2p/${PEER}`);
    const seed = await serve((_req, res) => res.end(JSON.stringify({ p2p: { peerId: PEER, addrs } })));
    const r = await resolveAddress(seed.url);
    expect(r.peerId).toBe(PEER);
    // The host it was reached on first: the one address known to answer is never cut.
    expect(r.addrs).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`, ...addrs.slice(0, MAX_SEED_ADDRS - 1)]);
  });

  it('reads no more than its bound of an endless answer', async () => {
    let sent = 0;
    const seed = await serve((_req, res) => {
      res.write('{"p2p":{"peerId":"');
      const chunk = 'a'.repeat(64 * 1024);
      const pump = () => {
        while (sent < 512 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 512 * 1024 * 1024) res.once('drain', pump);
      };
      res.on('close', () => (sent = Infinity));
      pump();
    });
    await expect(resolveAddress(seed.url)).rejects.toThrow(`answer over ${MAX_SEED_INFO_BYTES} bytes`);
  });

  it('follows no redirect to another host or path', async () => {
    const elsewhere = await serve((_req, res) => res.end('{}'));
    const seed = await serve((_req, res) => {
      res.writeHead(302, { location: `${elsewhere.url}/admin/delete-everything?x=1` });
      res.end();
    });
    await expect(resolveAddress(seed.url)).rejects.toThrow();
    expect(seed.hits).toEqual(['/api/node/info']);
    expect(elsewhere.hits).toEqual([]);
  });
});
