import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { HEADERS_BODY_BYTES, httpProofSource } from './http-source.js';
import { RetryLater, UntrustworthyNode } from './errors.js';

/** The slice of node:http these tests use (core compiles without Node typings). */
interface Res {
  statusCode: number;
  setHeader(name: string, value: string): void;
  write(chunk: string): boolean;
  end(body?: string): void;
  on(event: 'close', fn: () => void): void;
}
interface Server {
  listen(port: number, host: string, cb: () => void): void;
  address(): { port: number };
  close(): void;
  closeAllConnections(): void;
}
interface Http {
  createServer(handler: (req: { url: string }, res: Res) => void): Server;
}

declare function setTimeout(fn: () => void, ms: number): unknown;

const HEADER_HEX = 'ab'.repeat(80);
let server: Server;
let base = '';
/** Bytes the server wrote to the flood route before the client went away. */
let floodSent = 0;

beforeAll(async () => {
  const spec = 'node:http';
  const http = (await import(/* @vite-ignore */ spec)) as Http;
  server = http.createServer((req, res) => {
    const path = req.url.split('?')[0]!;
    res.setHeader('content-type', 'application/json');
    if (path.startsWith('/hang/')) return;
    if (path.startsWith('/trickle/')) {
      res.write('{"headers":[');
      return;
    }
    if (path.startsWith('/flood/')) {
      let open = true;
      res.on('close', () => (open = false));
      const chunk = `"${HEADER_HEX}",`.repeat(1_000);
      const pump = (): void => {
        while (open && floodSent < 50_000_000) {
          floodSent += chunk.length;
          if (!res.write(chunk)) return void setTimeout(pump, 1);
        }
        res.end();
      };
      res.write('{"chainWork":"1","headers":[');
      return pump();
    }
    if (path.startsWith('/long/')) return res.end(JSON.stringify({ chainWork: '1', headers: Array(2_001).fill(HEADER_HEX) }));
    if (path.startsWith('/garbled/')) return res.end('{"headers": [');
    // Sends the client to the flood route: followed, the client would read 50 MB of another host's headers.
    if (path.startsWith('/redirect/')) {
      res.statusCode = 307;
      res.setHeader('location', `/flood${req.url.slice('/redirect'.length)}`);
      return res.end();
    }
    if (path.startsWith('/fail/')) {
      res.statusCode = 500;
      return res.end('{}');
    }
    if (path.startsWith('/ok/api/headers')) return res.end(JSON.stringify({ chainWork: 'ff', headers: [HEADER_HEX, HEADER_HEX] }));
    // A node whose tip is genesis: from 0 and 1 are answered, anything above is 404.
    if (path.startsWith('/genesis-only/api/headers')) {
      const from = Number(/[?&]from=(\d+)/.exec(req.url)?.[1]);
      if (from <= 1) return res.end(JSON.stringify({ chainWork: '5a6', headers: from === 0 ? [HEADER_HEX] : [] }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'resolved', (e: unknown) => e);

describe('httpProofSource', () => {
  it('reads a node’s headers, and a 404 above its tip as no headers with the work the node claims', async () => {
    expect(await httpProofSource(`${base}/ok`).headers(1)).toEqual({ headers: [new Uint8Array(80).fill(0xab), new Uint8Array(80).fill(0xab)], chainWork: 255n });
    // A shorter chain may be the heavier one: the client must see its work, not zero.
    expect(await httpProofSource(`${base}/genesis-only`).headers(5)).toEqual({ headers: [], chainWork: 0x5a6n });
    const missing = await failure(httpProofSource(`${base}/missing`).headers(1));
    expect(missing).not.toBeInstanceOf(UntrustworthyNode);
    expect((missing as Error).message).toBe('/api/headers answered 404');
  });

  it('gives up on a node that does not answer, or stops mid-body, as unavailable', async () => {
    for (const route of ['hang', 'trickle']) {
      const err = await failure(httpProofSource(`${base}/${route}`, { timeoutMs: 300 }).headers(1));
      expect(err).toBeInstanceOf(RetryLater);
      expect((err as Error).message).toBe('node did not answer /api/headers within 0.3 s');
    }
  });

  it('stops reading past the byte cap and refuses more headers than it asked for, before decoding them', async () => {
    const flood = await failure(httpProofSource(`${base}/flood`).headers(1));
    expect(flood).toBeInstanceOf(UntrustworthyNode);
    expect((flood as Error).message).toBe(`node answered /api/headers with more than ${HEADERS_BODY_BYTES} bytes`);
    await new Promise<void>((r) => setTimeout(() => r(), 50));
    // The download was cut off near the cap, not read to its 50 MB end.
    expect(floodSent).toBeLessThan(10_000_000);

    const long = await failure(httpProofSource(`${base}/long`).headers(1));
    expect(long).toBeInstanceOf(UntrustworthyNode);
    expect((long as Error).message).toBe('node answered /api/headers with 2001 headers, asked for 2000');
  });

  it('names malformed JSON as the node misbehaving, and an error status as unavailable', async () => {
    const garbled = await failure(httpProofSource(`${base}/garbled`).headers(1));
    expect(garbled).toBeInstanceOf(UntrustworthyNode);
    expect((garbled as Error).message).toBe('node answered /api/headers with malformed JSON');
    const failed = await failure(httpProofSource(`${base}/fail`).headers(1));
    expect(failed).not.toBeInstanceOf(UntrustworthyNode);
    expect((failed as Error).message).toBe('/api/headers answered 500');
  });

  it('does not follow a redirect, and names it as the node misbehaving', async () => {
    const sentBefore = floodSent;
    const redirected = await failure(httpProofSource(`${base}/redirect`).headers(1));
    expect(redirected).toBeInstanceOf(UntrustworthyNode);
    expect((redirected as Error).message).toBe('node answered /api/headers with a redirect, which a HackCoin node never sends');
    expect(floodSent).toBe(sentBefore);
  });
});
