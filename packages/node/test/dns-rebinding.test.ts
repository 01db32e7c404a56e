import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

/** A GET with the Host header a browser would send for a page at that name. */
function get(node: TestNode, path: string, host: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: node.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens /ws with the given headers: the first message once open, or the refusal's status and body. */
function upgrade(node: TestNode, headers: Record<string, string>): Promise<{ opened: unknown } | { status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${node.port}/ws`, { headers });
    ws.on('message', (d) => {
      ws.close();
      resolve({ opened: JSON.parse(d.toString()) });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(body) }));
    });
    ws.on('error', (e) => (e.message.startsWith('Unexpected server response') ? undefined : reject(e)));
  });
}

const HOST_REFUSED = { error: 'host-not-allowed', message: expect.stringMatching(/^forbidden host: .*API_VHOSTS/) };
const ORIGIN_REFUSED = { error: 'origin-not-allowed', message: expect.stringMatching(/^forbidden origin: .*WS_ORIGINS/) };
const HELLO = { opened: { type: 'hello', topics: expect.arrayContaining(['blocks']) } };

/**
 * DNS rebinding against a loopback node: a page on attacker.example whose name now resolves to
 * 127.0.0.1 sends `Host: attacker.example:<port>` and, for /ws, its own Origin.
 */
describe('DNS rebinding and cross-site WebSockets', { timeout: 90_000 }, () => {
  let node: TestNode;
  let listed: TestNode;
  beforeAll(async () => {
    [node, listed] = await Promise.all([
      startNode({ env: { P2P: 'false' } }),
      startNode({ env: { P2P: 'false', API_VHOSTS: 'node.example.com', WS_ORIGINS: 'https://wallet.example.com' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([node.stop(), listed.stop()]);
    removeDir(node.dataDir);
    removeDir(listed.dataDir);
  });

  it('refuses the API, the web app and unknown paths under a name it does not serve, with a named rule', async () => {
    const attacker = `attacker.example:${node.port}`;
    for (const path of ['/api/node/info', '/', '/wallet', '/api/no-such-route']) {
      const r = await get(node, path, attacker);
      expect(r.status, path).toBe(403);
      expect(JSON.parse(r.body), path).toEqual(HOST_REFUSED);
    }
  });

  it('serves the API and the web app under its own names: localhost, 127.0.0.1, [::1]', async () => {
    for (const host of [`localhost:${node.port}`, `127.0.0.1:${node.port}`, `[::1]:${node.port}`]) {
      const r = await get(node, '/api/node/info', host);
      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.body).network, host).toBe('regtest');
    }
    const app = await get(node, '/wallet', `localhost:${node.port}`);
    expect([app.status, app.type]).toEqual([200, 'text/html; charset=utf-8']);
    expect(app.body).toContain('<div id="root">');
  });

  it('refuses the /ws upgrade under a foreign Host, or from a foreign Origin, before upgrading', async () => {
    const own = `127.0.0.1:${node.port}`;
    expect(await upgrade(node, { host: `attacker.example:${node.port}`, origin: `http://attacker.example:${node.port}` })).toEqual({ status: 403, body: HOST_REFUSED });
    expect(await upgrade(node, { host: own, origin: 'http://attacker.example' })).toEqual({ status: 403, body: ORIGIN_REFUSED });
    expect(await upgrade(node, { host: own, origin: `http://127.0.0.1:${node.port + 1}` })).toEqual({ status: 403, body: ORIGIN_REFUSED });
    expect(await upgrade(node, { host: own, origin: 'null' })).toEqual({ status: 403, body: ORIGIN_REFUSED });
  });

  it("opens /ws for the node's own pages and for clients that send no Origin (the CLI, scripts)", async () => {
    expect(await upgrade(node, { origin: `http://127.0.0.1:${node.port}` })).toEqual(HELLO);
    expect(await upgrade(node, { host: `localhost:${node.port}`, origin: `http://localhost:${node.port}` })).toEqual(HELLO);
    expect(await upgrade(node, {})).toEqual(HELLO);
  });

  it('serves the names in API_VHOSTS and opens /ws for pages of WS_ORIGINS', async () => {
    const r = await get(listed, '/api/node/info', 'node.example.com');
    expect(r.status).toBe(200);
    expect((await get(listed, '/api/node/info', `localhost:${listed.port}`)).status).toBe(200);
    expect((await get(listed, '/api/node/info', 'other.example.com')).status).toBe(403);
    expect(await upgrade(listed, { origin: 'https://wallet.example.com' })).toEqual(HELLO);
    expect(await upgrade(listed, { host: 'node.example.com', origin: 'http://node.example.com' })).toEqual(HELLO);
    expect(await upgrade(listed, { origin: 'https://other.example.com' })).toEqual({ status: 403, body: ORIGIN_REFUSED });
  });
});
