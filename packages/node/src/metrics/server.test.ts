import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostPolicy } from '../api/host-guard.js';
import { quietLogger } from '../test-support/chain-fixture.js';
import { NodeMetrics } from './metrics.js';
import { MetricsServer } from './server.js';

const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const metrics = () =>
  new NodeMetrics({
    chain: () => ({ height: 7, tipTime: 0, sideBlocks: 0, difficulty: 1, networkHashrate: 0, unflushedStateBytes: 0 }),
    mempool: () => ({ size: 0, bytes: 0 }),
    network: () => null,
    miner: () => ({ running: false, hashrate: 0, blocksFound: 0 }),
    pool: () => null,
    wsClients: () => 0,
    signatureCache: () => null,
    verifyPool: () => null,
  });

async function serve(hosts: HostPolicy): Promise<number> {
  const server = new MetricsServer(metrics(), quietLogger(), hosts);
  servers.push(server);
  return server.listen('127.0.0.1', 0);
}

/** A GET over a real socket to 127.0.0.1:`port` whose Host header is `host`, as a rebound page's request would carry. */
function get(port: number, host: string, path = '/metrics'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const loopback: HostPolicy = { bindHost: '127.0.0.1', vhosts: [], wsOrigins: [] };

describe('metrics server Host check (DNS rebinding)', () => {
  it('serves a scrape addressed to the loopback names, and refuses a rebound name before any route, with no metrics', async () => {
    const port = await serve(loopback);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const r = await get(port, host);
      expect(r.status, host).toBe(200);
      expect(r.body).toMatch(/^hackcoin_chain_height 7$/m);
    }
    for (const host of [`attacker.example:${port}`, `localhost.attacker.example:${port}`, `127.0.0.2:${port}`, 'user@127.0.0.1']) {
      const r = await get(port, host);
      expect(r.status, host).toBe(403);
      expect(r.body).toMatch(/^forbidden host: .*API_VHOSTS/);
      expect(r.body).not.toContain('hackcoin_');
    }
    expect((await get(port, `attacker.example:${port}`, '/other')).status).toBe(403);
    expect((await get(port, `localhost:${port}`, '/other')).status).toBe(404);
  });

  it('answers to API_VHOSTS names, and to any IP address when bound to every interface', async () => {
    const port = await serve({ bindHost: '0.0.0.0', vhosts: ['prom-target.lan'], wsOrigins: [] });
    for (const host of [`prom-target.lan:${port}`, `192.0.2.10:${port}`, `[2001:db8::1]:${port}`, `127.0.0.1:${port}`]) {
      const r = await get(port, host);
      expect(r.status, host).toBe(200);
      expect(r.body).toMatch(/^hackcoin_chain_height 7$/m);
    }
    expect((await get(port, `other.lan:${port}`)).status).toBe(403);
  });
});
