import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hostAllowed, hostName } from '../api/host-guard.js';
import { MAX_SEED_ADDRS, MAX_SEED_INFO_BYTES, resolveAddress, seedAddrs } from './bootstrap.js';

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

  it('asks a seed named by DNS at the address the name resolves to, which a node bound to 0.0.0.0 answers under its rebinding guard', async () => {
    const allowed = hostAllowed({ bindHost: '0.0.0.0', vhosts: [], wsOrigins: [] });
    const hosts: string[] = [];
    const seed = await serve((req, res) => {
      const host = req.headers.host ?? '';
      hosts.push(host);
      const name = hostName(host);
      if (!name || !allowed(name)) {
        res.writeHead(403).end('{"error":"host-not-allowed"}');
        return;
      }
      res.end(JSON.stringify({ p2p: { peerId: PEER, addrs: [`/ip4/10.1.2.3/tcp/4001/p2p/${PEER}`] } }));
    });
    const port = new URL(seed.url).port;
    const asked: string[] = [];
    const r = await resolveAddress(`http://seed.hackcoin.test:${port}`, 5_000, async (name) => {
      asked.push(name);
      return '127.0.0.1';
    });
    expect(asked).toEqual(['seed.hackcoin.test']);
    expect(hosts).toEqual([`127.0.0.1:${port}`]);
    expect(allowed('seed.hackcoin.test')).toBe(false);
    expect(r.addrs).toEqual([`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`, `/ip4/10.1.2.3/tcp/4001/p2p/${PEER}`]);
  });

  it('keeps of a seed\'s list only what it would keep of a peer\'s: no names, relays or padded forms, and a valid peer id', async () => {
    const listed = [`/dns4/metadata.google.internal/tcp/80/p2p/${PEER}`, `/dnsaddr/evil.example/p2p/${PEER}`, `/ip4/1.2.3.4/tcp/1/p2p-circuit/p2p/${PEER}`, `/ip4/127.0.0.1/tcp/6379/p2p/${PEER}`];
    const seed = await serve((_req, res) => res.end(JSON.stringify({ p2p: { peerId: PEER, addrs: listed } })));
    // On loopback (a devnet, a test), the seed may name loopback and private addresses.
    expect((await resolveAddress(seed.url)).addrs).toEqual([`/ip4/127.0.0.1/tcp/80/p2p/${PEER}`, `/ip4/127.0.0.1/tcp/6379/p2p/${PEER}`]);
    const bad = await serve((_req, res) => res.end(JSON.stringify({ p2p: { peerId: 'not/a/peer', addrs: ['/ip4/1.2.3.4/tcp/1'] } })));
    await expect(resolveAddress(bad.url)).rejects.toThrow('reports an invalid peer id');
    const empty = await serve((_req, res) => res.end('null'));
    await expect(resolveAddress(empty.url)).rejects.toThrow('does not report p2p addresses');
  });

  it('keeps no internal address from a seed on a public address: only the address it was reached on and public ones', () => {
    const listed = [`/ip4/169.254.169.254/tcp/80/p2p/${PEER}`, `/ip4/127.0.0.1/tcp/6379/p2p/${PEER}`, `/ip4/10.0.0.5/tcp/4001/p2p/${PEER}`, `/ip6/::1/tcp/22/p2p/${PEER}`, `/ip4/198.51.100.7/tcp/4001/p2p/${PEER}`];
    expect(seedAddrs(PEER, '203.0.113.5', listed)).toEqual([`/ip4/203.0.113.5/tcp/80/p2p/${PEER}`, `/ip4/198.51.100.7/tcp/4001/p2p/${PEER}`]);
    expect(seedAddrs(PEER, '10.0.0.2', listed)).toContain(`/ip4/10.0.0.5/tcp/4001/p2p/${PEER}`);
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
