import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { quietLogger } from '../test-support/chain-fixture.js';
import { crossSiteApiCall, hostAllowed, hostName, installHostGuard, originAllowed, type HostPolicy } from './host-guard.js';
import { installErrorHandler } from './request-guards.js';

const policy = (bindHost: string, vhosts: string[] = [], wsOrigins: string[] = []): HostPolicy => ({ bindHost, vhosts, wsOrigins });
const served = (p: HostPolicy, header: string): boolean => {
  const name = hostName(header);
  return name !== null && hostAllowed(p)(name);
};

describe('Host allow-list', () => {
  it('serves a loopback node under the loopback names and addresses only', () => {
    const p = policy('127.0.0.1');
    for (const h of ['localhost:3001', 'LOCALHOST', '127.0.0.1:3001', '[::1]:3001', '127.0.0.1']) expect(served(p, h), h).toBe(true);
    for (const h of ['attacker.example:3001', 'attacker.example', '127.0.0.2:3001', '10.0.0.1', 'localhost.:3001', 'localhost.attacker.example']) {
      expect(served(p, h), h).toBe(false);
    }
  });

  it('adds the bind address or name, and any IP literal only when bound to every interface', () => {
    expect(served(policy('127.0.0.7'), '127.0.0.7:4000')).toBe(true);
    expect(served(policy('127.0.0.7'), '192.0.2.1:4000')).toBe(false);
    expect(served(policy('node.lan'), 'NODE.lan:3001')).toBe(true);
    expect(served(policy('fd00::5'), '[fd00::5]:3001')).toBe(true);
    for (const bind of ['0.0.0.0', '::']) {
      for (const h of ['192.0.2.1:3001', '[2001:db8::1]:3001', '10.1.2.3']) expect(served(policy(bind), h), `${bind} ${h}`).toBe(true);
      expect(served(policy(bind), 'attacker.example:3001')).toBe(false);
      // The unspecified addresses reach this machine but get no Sec-Fetch-* headers from browsers, so
      // another site's page could loop on them unrecognised: never served.
      for (const h of ['0.0.0.0:3001', '0.0.0.0', '[::]:3001', '[0:0:0:0:0:0:0:0]:3001', '0:3001']) expect(served(policy(bind), h), `${bind} ${h}`).toBe(false);
    }
  });

  it('adds API_VHOSTS names to the defaults, or anything for *', () => {
    const p = policy('0.0.0.0', ['node.example.com', '2001:db8::9']);
    expect(served(p, 'node.example.com:443')).toBe(true);
    expect(served(p, 'localhost:3001')).toBe(true);
    expect(served(p, 'other.example.com')).toBe(false);
    expect(served(policy('127.0.0.1', ['*']), 'attacker.example:3001')).toBe(true);
  });

  it('refuses malformed Host headers, whatever the list', () => {
    for (const h of ['', 'user@127.0.0.1', '127.0.0.1/x', 'localhost:3001:1', '[::1', 'local host', 'localhost:99999999']) {
      expect(served(policy('0.0.0.0'), h), JSON.stringify(h)).toBe(false);
    }
  });
});

describe('WebSocket origins', () => {
  const own = originAllowed(policy('127.0.0.1'));
  it('admits a page of the node itself: the Origin host:port is the Host', () => {
    expect(own('http://127.0.0.1:3001', '127.0.0.1:3001')).toBe(true);
    expect(own('http://LOCALHOST:3001', 'localhost:3001')).toBe(true);
    expect(own('https://node.example.com', 'node.example.com:443')).toBe(true);
    expect(own('http://node.example.com', 'node.example.com')).toBe(true);
  });
  it("refuses another site's page, another port, and the opaque origin", () => {
    expect(own('http://attacker.example', '127.0.0.1:3001')).toBe(false);
    expect(own('http://127.0.0.1:8080', '127.0.0.1:3001')).toBe(false);
    expect(own('null', '127.0.0.1:3001')).toBe(false);
    expect(own('file://', '127.0.0.1:3001')).toBe(false);
  });
  it('admits WS_ORIGINS, or any for *', () => {
    const listed = originAllowed(policy('127.0.0.1', [], ['https://wallet.example.com']));
    expect(listed('https://wallet.example.com', '127.0.0.1:3001')).toBe(true);
    expect(listed('http://wallet.example.com', '127.0.0.1:3001')).toBe(false);
    expect(originAllowed(policy('127.0.0.1', [], ['*']))('null', '127.0.0.1:3001')).toBe(true);
  });

  it("refuses API requests another site's page makes, but not the user's navigations, the node's own pages, listed origins or clients that send no Sec-Fetch-Site", () => {
    const crossSite = crossSiteApiCall(policy('127.0.0.1', [], ['https://wallet.example.com']));
    const req = (url: string, headers: Record<string, string>) => ({ method: 'GET', url, headers });
    expect(crossSite(req('/api/blockchain/full', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }))).toBe(true);
    expect(crossSite(req('/api/mining/generate', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'http://evil.example' }))).toBe(true);
    // Another port of the same host (a dev server without the proxy) is another site's page too.
    expect(crossSite(req('/api/node/info', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'cors', origin: 'http://localhost:5173' }))).toBe(true);
    expect(crossSite(req('/api/node/info', { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' }))).toBe(false);
    const followed = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-user': '?1' };
    expect(crossSite(req('/api/docs/', followed))).toBe(false);
    // A hidden frame, or a navigation a script started without the user, is the page's request, not the user's.
    expect(crossSite(req('/api/blockchain/full', { ...followed, 'sec-fetch-dest': 'iframe', 'sec-fetch-user': '' }))).toBe(true);
    const { ['sec-fetch-user']: _user, ...scripted } = followed;
    expect(crossSite(req('/api/blockchain/full', scripted))).toBe(true);
    expect(crossSite(req('/wallet', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors' }))).toBe(false);
    expect(crossSite(req('/api/node/info', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'https://wallet.example.com' }))).toBe(false);
    expect(crossSite(req('/api/node/info', {}))).toBe(false);
  });

  it("refuses a form another site's page submits, though the user's click sent it as a top-level navigation", async () => {
    const followed = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-user': '?1' };
    const crossSite = crossSiteApiCall(policy('127.0.0.1'));
    for (const method of ['GET', 'HEAD']) expect(crossSite({ method, url: '/api/node/info', headers: followed }), method).toBe(false);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
      expect(crossSite({ method, url: '/api/mining/generate', headers: followed }), method).toBe(true);
    }

    const app = Fastify();
    try {
      installErrorHandler(app, quietLogger());
      installHostGuard(app, policy('127.0.0.1'));
      app.get('/api/node/info', async () => ({}));
      app.post('/api/mining/generate', async () => ({}));
      const headers = { ...followed, host: '127.0.0.1:3001' };
      const form = { ...headers, 'content-type': 'application/x-www-form-urlencoded' };
      const posted = await app.inject({ method: 'POST', url: '/api/mining/generate', headers: form, payload: 'blocks=1' });
      expect(posted.statusCode).toBe(403);
      expect(posted.json().error).toBe('origin-not-allowed');
      expect((await app.inject({ method: 'GET', url: '/api/node/info', headers })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('judges the route the router matched, so percent-escapes in the path do not hide an API request', async () => {
    const app = Fastify();
    let rendered = 0;
    try {
      installErrorHandler(app, quietLogger());
      installHostGuard(app, policy('127.0.0.1'));
      app.get('/api/blockchain/full', async () => ({ rendered: ++rendered }));
      const headers = { host: '127.0.0.1:3001', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'empty' };
      for (const url of ['/api/blockchain/full', '/%61pi/blockchain/full', '/ap%69/blockchain/full', '/api/blockchain/%66ull']) {
        const res = await app.inject({ method: 'GET', url, headers });
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error, url).toBe('origin-not-allowed');
      }
      expect(rendered).toBe(0);
      const own = await app.inject({ method: 'GET', url: '/%61pi/blockchain/full', headers: { ...headers, 'sec-fetch-site': 'same-origin' } });
      expect(own.json()).toEqual({ rendered: 1 });
    } finally {
      await app.close();
    }
  });
});
