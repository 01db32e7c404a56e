/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { COIN } from '@hackcoin/core';
import { CHROMIUM, CHROMIUM_ARGS, ConsoleWatch, hasChromium } from './helpers/browser.js';
import { removeDir, type TestNode } from './helpers/node-process.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/rewriting-proxy.js';
import { importTestWallet, startWalletTestNode } from './helpers/wallet-page.js';


if (!hasChromium) {
  describe('verified wallet end-to-end', () => {
    it.skip(`skipped: ${CHROMIUM} is absent`, () => undefined);
  });
} else {
  describe('verified wallet end-to-end (Chromium + regtest node + lying proxy)', () => {
    let node: TestNode;
    let proxy: RewritingProxy;
    const lie = { on: false };
    let browser: Browser;
    let page: Page;
    let mine0 = '';
    const watch = new ConsoleWatch();

    beforeAll(async () => {
      ({ node, addresses: [mine0 = ''] } = await startWalletTestNode());
      await node.api('/api/mining/generate', { body: { count: 3, address: mine0 } });
      // With `lie.on`, 1,000 HCK more in every balance of a proof answer, as a hostile node would.
      proxy = await startRewritingProxy(new URL(node.url), (path, json) =>
        lie.on && path.startsWith('/api/proof/account/') ? { ...json, account: { ...json.account, balance: (BigInt(json.account.balance) + 1_000n * COIN).toString() } } : undefined,
      );
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.setDefaultTimeout(20_000);
      await watch.attach(page);
    }, 90_000);

    afterAll(async () => {
      await browser?.close();
      proxy?.close();
      if (node) {
        await node.stop();
        removeDir(node.dataDir);
      }
    });

    it('shows the verified balance with its height, follows new blocks, and names a lying node', async () => {
      await page.goto(`${proxy.url}/wallet`);
      await importTestWallet(page, 1);
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
              get.onsuccess = () => resolve(get.result?.headers?.length ?? 0);
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
