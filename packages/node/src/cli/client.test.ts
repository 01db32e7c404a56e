import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_REPLY_BYTES, NodeClient } from './client.js';
import { CliError, EXIT } from './errors.js';
import { runCli } from './run.js';

const servers: Server[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real local HTTP server on a free port, standing in for a hostile node. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function refusal(p: Promise<unknown>): Promise<CliError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(CliError);
  return e as CliError;
}

describe('NodeClient against a hostile node', () => {
  it('gives up on a node that sends its headers and then a byte a second, or nothing at all', async () => {
    const trickle = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    const silent = await serve(() => undefined);
    for (const url of [trickle, silent]) {
      const started = Date.now();
      const e = await refusal(new NodeClient(url, undefined, 600).call('GET /api/node/info', {}));
      expect([e.message, e.exitCode]).toEqual([`the node at ${url} did not answer /api/node/info within 0.6 s`, EXIT.node]);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
  });

  it('prints an ANSI/bidi-laden refusal cleaned, on one line', async () => {
    const message = '\u001b]0;PWNED\u0007\u001b[2K\r\u001b[32mOK: confirmed\u001b[0m \u202eevil\u202c\nforged line';
    const url = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid-tx\u001b[1m', message }));
    });
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
    const dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-client-'));
    try {
      const code = await runCli(['sendrawtransaction', '00', '--node', url], { DATA_DIR: dataDir });
      expect(code).toBe(EXIT.error);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    expect(stderr.join('')).toBe('error: node rejected it: invalid-tx (\uFFFDOK: confirmed \uFFFDevil\uFFFD\uFFFDforged line)\n');
  });

  it('caps a long node message at 300 characters with an ellipsis', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal', message: 'z'.repeat(100_000) }));
    });
    const e = await refusal(new NodeClient(url).call('GET /api/node/info', {}));
    expect(e.message).toBe(`node: ${'z'.repeat(299)}…`);
  });

  it('refuses a 20 MiB body past the 8 MiB cap, without buffering it', async () => {
    let finished = false;
    const url = await serve(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let sent = 0; sent < 20 * 1024 * 1024; sent += chunk.length) {
        if (res.destroyed) return;
        if (!res.write(chunk)) {
          await new Promise<void>((r) => {
            const done = (): void => (res.off('drain', done), res.off('close', done), r());
            res.on('drain', done).on('close', done);
          });
        }
      }
      res.end();
      finished = true;
    });
    const before = process.memoryUsage().rss;
    const e = await refusal(new NodeClient(url).call('GET /api/node/info', {}));
    expect(e.exitCode).toBe(EXIT.node);
    expect(e.message).toBe("the node's answer to /api/node/info was too large (over 8 MiB): refused; is --node a HackCoin node?");
    expect(finished).toBe(false); // the client hung up before the node got it all out
    expect(process.memoryUsage().rss - before).toBeLessThan(128 * 1024 * 1024);
  });

  it('refuses by Content-Length before reading the body', { timeout: 10_000 }, async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(MAX_REPLY_BYTES + 1) });
      res.write('{'); // and never more: a client that read on would wait out its 30 s timeout
    });
    const e = await refusal(new NodeClient(url).call('GET /api/node/info', {}));
    expect(e.exitCode).toBe(EXIT.node);
    expect(e.message).toMatch(/^the node's answer to \/api\/node\/info was too large/);
  });

  it('sends the token only to auth routes', async () => {
    const seen: Record<string, string | undefined> = {};
    const url = await serve((req, res) => {
      seen[`${req.method} ${req.url!.split('?')[0]}`] = req.headers.authorization;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad-request', message: 'no' }));
    });
    const node = new NodeClient(url, 'sekrit');
    await refusal(node.call('GET /api/node/info', {}));
    await refusal(node.call('POST /api/transactions', {}, { body: { raw: '00' } }));
    await refusal(node.call('POST /api/mining/generate', {}, { body: { count: 1, address: '0x0000000000000000000000000000000000000000' } }));
    expect(seen).toEqual({ 'GET /api/node/info': undefined, 'POST /api/transactions': undefined, 'POST /api/mining/generate': 'Bearer sekrit' });
  });

  it('refuses a redirect instead of following it', async () => {
    let followed = false;
    const elsewhere = await serve((_req, res) => {
      followed = true;
      res.end('{}');
    });
    const url = await serve((_req, res) => {
      res.writeHead(302, { location: `${elsewhere}/api/mining/generate` });
      res.end();
    });
    const e = await refusal(new NodeClient(url, 'sekrit').call('POST /api/mining/generate', {}, { body: { count: 1, address: '0x0000000000000000000000000000000000000000' } }));
    expect(e.exitCode).toBe(EXIT.node);
    expect(e.message).toBe(`the node at ${url} answered /api/mining/generate with a redirect, which a HackCoin node never sends: not followed (check --node URL)`);
    expect(followed).toBe(false);
  });
});
