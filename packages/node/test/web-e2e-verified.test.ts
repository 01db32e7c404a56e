/// <reference lib="dom" />
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { COIN, Wallet } from '@hackcoin/core';
import { CHROMIUM, CHROMIUM_ARGS, ConsoleWatch, ensureWebBuild, hasChromium } from './helpers/browser.js';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const PASSWORD = 'correct horse battery';
const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/**
 * Forwards every request (and the /ws upgrade) to the node; with `lie.on`
 * it adds 1,000 HCK to every balance in proof answers, as a hostile node would.
 */
async function startProxy(target: URL, lie: { on: boolean }): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const upstream = await fetch(`${target.origin}${req.url}`, { headers: { accept: req.headers.accept ?? '*/*' } });
    const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
    let body: Buffer | string = Buffer.from(await upstream.arrayBuffer());
    if (lie.on && upstream.ok && req.url!.startsWith('/api/proof/account/')) {
      const json = JSON.parse(body.toString('utf8'));
      json.account.balance = (BigInt(json.account.balance) + 1_000n * COIN).toString();
      body = JSON.stringify(json);
    }
    res.writeHead(upstream.status, { 'content-type': type }).end(body);
  });
  server.on('upgrade', (req, socket, head) => {
    const up = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`), '', ''];
      up.write(lines.join('\r\n'));
      if (head.length > 0) up.write(head);
      up.pipe(socket).pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

if (!hasChromium) {
  describe('verified wallet end-to-end', () => {
    it.skip(`skipped: ${CHROMIUM} is absent`, () => undefined);
  });
} else {
  describe('verified wallet end-to-end (Chromium + regtest node + lying proxy)', () => {
    let node: TestNode;
    let proxy: { url: string; server: Server };
    const lie = { on: false };
    let browser: Browser;
    let page: Page;
    let mine0 = '';
    const watch = new ConsoleWatch();

    beforeAll(async () => {
      ensureWebBuild();
      mine0 = (await Wallet.fromMnemonic(MNEMONIC)).newAddress().address;
      node = await startNode({ env: { P2P: 'false' } });
      await node.api('/api/mining/generate', { body: { count: 3, address: mine0 } });
      proxy = await startProxy(new URL(node.url), lie);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.setDefaultTimeout(20_000);
      watch.attach(page);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      proxy?.server.close();
      if (node) {
        await node.stop();
        removeDir(node.dataDir);
      }
    });

    it('shows the verified balance with its height, follows new blocks, and names a lying node', async () => {
      await page.goto(`${proxy.url}/wallet`);
      await page.getByRole('tab', { name: 'Import a wallet' }).click();
      await page.getByLabel('Recovery phrase or private key').fill(MNEMONIC);
      await page.getByLabel('Addresses to restore').fill('1');
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Repeat password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Import wallet' }).click();
      await expect.poll(() => page.getByTestId('verified-mark').textContent(), { timeout: 30_000 }).toBe('verified at height 3');
      expect(await page.getByTestId('verified-balance').textContent()).toContain('150 HCK');
      // A new block arrives over the WebSocket: the mark moves with it.
      await node.api('/api/mining/generate', { body: { count: 1, address: mine0 } });
      await expect.poll(() => page.getByTestId('verified-mark').textContent(), { timeout: 30_000 }).toBe('verified at height 4');
      expect(await page.getByTestId('verified-balance').textContent()).toContain('200 HCK');
      // Headers were kept in IndexedDB.
      const stored = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const req = indexedDB.open('hackcoin-headers', 1);
            req.onsuccess = () => {
              const get = req.result.transaction('headers').objectStore('headers').get('regtest');
              get.onsuccess = () => resolve(Object.keys(get.result ?? {}).length);
            };
          }),
      );
      expect(stored).toBe(4);

      lie.on = true;
      await page.reload();
      await expect.poll(() => page.getByTestId('verified-error').count(), { timeout: 30_000 }).toBe(1);
      const text = await page.getByTestId('verified-error').textContent();
      expect(text).toContain('This node is untrustworthy');
      expect(text).toMatch(/reports balance 120000000000 .*its proof says 20000000000/);
      expect(await page.getByTestId('verified-balance').count()).toBe(0);
      // Nothing on the way logged an error: an up-to-date header poll is an empty answer, not a 404.
      expect(watch.take()).toEqual([]);
    });
  });
}
