import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { COIN, NETWORKS, bytesToHex, formatHck, signedTransferSize, genesisBlock, headerId, hexToBytes, parseAddress, signTransfer, txId } from '@hackcoin/core';
import { MAX_ESTIMATED_RATE } from '../src/cli/commands/transfer.js';
import { runCli } from './helpers/cli-process.js';
import { removeDir, startNode, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

type Rewrite = (path: string, body: Record<string, unknown>) => Record<string, unknown>;

/**
 * The CLI wallet against a node that lies: a proxy in front of a real regtest node rewrites one
 * answer per case. Whatever it says, the CLI must not sign for another network, at a fee it was not
 * told of, from another key, or at a nonce the node cannot account for, and must not believe a
 * transaction id other than the one it signed.
 */
describe('hackcoin wallet against a hostile node', { timeout: 120_000 }, () => {
  let node: TestNode;
  let proxy: Server;
  let proxyUrl = '';
  let dataDir: string;
  let first = '';
  let second = '';
  let rewrite: Rewrite | undefined;
  let posted: string[] = [];
  const cli = (args: string[], url = proxyUrl) =>
    runCli([...args, '--json'], { env: { DATA_DIR: dataDir, HACKCOIN_NODE: url, HACKCOIN_PASSWORD: 'correct horse battery staple', HACKCOIN_WALLET: undefined, HACKCOIN_TOKEN: TEST_TOKEN, HACKCOIN_NETWORK: undefined, HACKCOIN_MAX_FEE: undefined } });
  const send = (extra: string[] = []) => cli(['wallet', 'send', '0x' + '55'.repeat(20), '1', '--yes', ...extra]);
  /** A pending entry of the node's address answer: 1 unit from `first` to `second` at nonce 0, fee 1,000. */
  const pendingOut = (e: { id: string; chainId: number; publicKey: string; signature: string }) => ({
    type: 'transfer', size: 150, to: second, amount: '1', from: first, nonce: '0', fee: '1000', data: '', direction: 'out', confirmations: 0, ...e,
  });

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-hostile-'));
    first = (await cli(['wallet', 'create', '--yes-i-saved-it', '--words', '12'], node.url)).json().address;
    second = (await cli(['wallet', 'address', 'new'], node.url)).json().address;
    for (const a of [first, second]) await cli(['generate', '2', a], node.url);
    proxy = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') posted.push(req.url!);
      const upstream = await fetch(`${node.url}${req.url}`, {
        method: req.method!,
        headers: { 'content-type': 'application/json', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) },
        ...(req.method === 'POST' ? { body } : {}),
      });
      let text = await upstream.text();
      if (upstream.ok && rewrite) text = JSON.stringify(rewrite(req.url!, JSON.parse(text)));
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    rewrite = undefined;
    posted = [];
  });
  afterAll(async () => {
    proxy?.close();
    await node.stop();
    removeDir(node.dataDir);
    removeDir(dataDir);
  });

  it('signs nothing once the node claims another network than the one it ran at first use, or than --network names', async () => {
    const honest = await send(['--dry-run']);
    expect(honest.code, honest.stderr).toBe(0);
    expect(honest.json().network).toBe('regtest');
    const main = NETWORKS.main;
    rewrite = (path, b) => (path === '/api/node/info' ? { ...b, network: 'main', chainId: main.chainId, genesis: headerId(genesisBlock(main).header) } : b);
    const r = await send();
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`now runs main, but ran regtest before: refusing to sign (--network main if you mean it)`);
    rewrite = undefined;
    const named = await send(['--network', 'test']);
    expect(named.code).toBe(3);
    expect(named.stderr).toContain('runs regtest, not test');
    expect(posted).toEqual([]);
  });

  it('refuses a fee above --max-fee that the node priced, and sends it when allowed', async () => {
    rewrite = (path, b) => (path === '/api/fees/estimate' ? { ...b, slow: '60000000', normal: '60000000', fast: '60000000' } : b);
    const r = await send(['--max-fee', '0.5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the fee of [\d.]+ HCK is above the 0\.5 HCK limit: nothing was signed/);
    expect(posted).toEqual([]);
    const allowed = await send(['--max-fee', '100', '--dry-run']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(Number(allowed.json().fee)).toBeGreaterThan(1);
  });

  it('refuses a fee rate far above the relay minimum that the node priced under the whole-fee cap, unless --max-fee accepts it', async () => {
    // Just under the 0.1 HCK cap: the old cap alone signed a fee hundreds of times the honest one.
    const rate = (COIN / 10n - 1n) / BigInt(signedTransferSize(0));
    expect(rate).toBeGreaterThan(MAX_ESTIMATED_RATE);
    rewrite = (path, b) => (path === '/api/fees/estimate' ? { ...b, slow: String(rate), normal: String(rate), fast: String(rate) } : b);
    const r = await send();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the node's fee estimate of ${rate} base units per byte is above the ${MAX_ESTIMATED_RATE} limit`);
    expect(posted).toEqual([]);
    const allowed = await send(['--max-fee', '0.1', '--dry-run']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.json().fee).toBe(formatHck(rate * BigInt(signedTransferSize(0))));
  });

  it('signs only with the key asked for, whichever address the node answers for', async () => {
    rewrite = (path, b) => (path.startsWith(`/api/address/${first}`) ? { ...b, address: second } : b);
    const r = await send(['--from', first]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`the node answered for ${second} when asked about ${first}`);
    expect(posted).toEqual([]);
  });

  it('refuses a next nonce the node cannot show its own signed transactions for', async () => {
    const ahead = (b: Record<string, unknown>) => ({ ...b, nextNonce: (BigInt(b.nonce as string) + 1n).toString() });
    rewrite = (path, b) => (path.startsWith('/api/address/') ? ahead(b) : b);
    const bare = await send(['--from', first]);
    expect(bare.code).toBe(3);
    expect(bare.stderr).toContain(`the node's account of ${first} does not hold together (next nonce 1 after confirmed nonce 0): refusing to sign`);
    // A pending transaction "from" us at that nonce, which we never signed, does not account for it.
    const forged = pendingOut({ id: 'ab'.repeat(32), chainId: NETWORKS.regtest.chainId, publicKey: '02' + '11'.repeat(32), signature: '22'.repeat(64) });
    rewrite = (path, b) => (path.startsWith('/api/address/') ? { ...ahead(b), pending: [forged] } : b);
    const r = await send(['--from', first]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('(no pending transaction signed by it for this network at nonce 0)');
    expect(posted).toEqual([]);
  });

  it("refuses a next nonce justified by the user's own transaction signed for another network", async () => {
    // One mnemonic holds the same keys on every network: a real signature of ours, for the test network.
    const key = hexToBytes((await cli(['wallet', 'export', '--unsafe-raw-key', '--address', first], node.url)).json().privateKey);
    const other = signTransfer({ kind: 'transfer', chainId: NETWORKS.test.chainId, nonce: 0n, fee: 1_000n, to: parseAddress(second), amount: 1n, data: new Uint8Array(0) }, key);
    const entry = pendingOut({ id: txId(other), chainId: other.chainId, publicKey: bytesToHex(other.publicKey), signature: bytesToHex(other.signature) });
    rewrite = (path, b) => (path.startsWith('/api/address/') ? { ...b, nextNonce: (BigInt(b.nonce as string) + 1n).toString(), pending: [entry] } : b);
    const r = await send(['--from', first]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('(no pending transaction signed by it for this network at nonce 0)');
    expect(posted).toEqual([]);
  });

  it('signs nothing at a confirmed nonce its proof at the tip does not show (a node claiming 7 for 0 got a payment it could replay once the gap filled)', async () => {
    rewrite = (path, body) => (path.startsWith('/api/address/') ? { ...body, nonce: '7', nextNonce: '7', pending: [] } : body);
    const r = await send(['--from', first]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/has sent 7 transaction\(s\), its proof at height \d+ says 0: refusing to sign/);
    expect(posted).toEqual([]);
  });

  it('does not believe a transaction id other than the one it signed, and says what it handed over', async () => {
    rewrite = (path, b) => (path === '/api/transactions' ? { ...b, id: 'ee'.repeat(32) } : b);
    const r = await send(['--from', second]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/the node answered with transaction e{64} for [0-9a-f]{64}, which was signed here/);
    expect(posted).toEqual(['/api/transactions']);
    // The node did take the real one: the next send chains after it, as the honest node counts it.
    rewrite = undefined;
    const next = await send(['--from', second]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.json().nonce).toBe('1');
  });
});
