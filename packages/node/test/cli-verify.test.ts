import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';
import { removeDir, startNode, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

/** `hackcoin wallet balance --verify` against a real node, and through a proxy that inflates balances. */
describe('hackcoin wallet balance --verify', { timeout: 120_000 }, () => {
  let node: TestNode;
  let proxy: Server;
  let proxyUrl = '';
  let dataDir: string;
  let me = '';
  const cli = (args: string[], url: string) =>
    runCli([...args, '--json'], { env: { DATA_DIR: dataDir, HACKCOIN_NODE: url, HACKCOIN_PASSWORD: 'correct horse battery staple', HACKCOIN_WALLET: undefined, HACKCOIN_TOKEN: TEST_TOKEN } });

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-verify-'));
    me = (await cli(['wallet', 'create', '--yes-i-saved-it', '--words', '12'], node.url)).json().address;
    await cli(['generate', '4'], node.url);
    proxy = createServer(async (req, res) => {
      const upstream = await fetch(`${node.url}${req.url}`);
      let text = await upstream.text();
      if (upstream.ok && req.url!.startsWith('/api/proof/account/')) {
        const body = JSON.parse(text);
        body.account.balance = (BigInt(body.account.balance) * 10n).toString();
        text = JSON.stringify(body);
      }
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(text);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy?.close();
    await node.stop();
    removeDir(node.dataDir);
    removeDir(dataDir);
  });

  it('shows the proven balance and nonce with the height they were verified at', async () => {
    const r = await cli(['wallet', 'balance', '--verify'], node.url);
    expect(r.code, r.stderr).toBe(0);
    const row = r.json().addresses[0];
    expect(row.address).toBe(me);
    expect(row.verified).toEqual({ balance: '200', nonce: '0', height: 4, block: expect.stringMatching(/^[0-9a-f]{64}$/), tipHeight: 4, chainWork: expect.stringMatching(/^[0-9a-f]+$/) });
    expect(row.verified.balance).toBe(row.confirmed);
  });

  it('names the node untrustworthy when a proxy rewrites the balance', async () => {
    const r = await cli(['wallet', 'balance', '--verify'], proxyUrl);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`node ${proxyUrl} is untrustworthy`);
    expect(r.stderr).toMatch(/reports balance 200000000000 .* its proof says 20000000000/);
  });
});
