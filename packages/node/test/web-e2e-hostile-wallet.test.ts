/// <reference lib="dom" />
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { COIN, NETWORKS, genesisBlock, headerId } from '@hackcoin/core';
import { describeInChromium, watchedBrowser } from './helpers/browser.js';
import { removeDir, type TestNode } from './helpers/node-process.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/rewriting-proxy.js';
import { importTestWallet, startWalletTestNode } from './helpers/wallet-page.js';

describeInChromium(
  { present: 'wallet against a hostile node (Chromium + regtest node + rewriting proxy)', absent: 'wallet against a hostile node' },
  () => {
    let node: TestNode;
    let proxy: RewritingProxy;
    let page: Page;
    // `address`: a million HCK more in the node's own address figures; `network`: node info claims main, consistently.
    const lie = { address: false, network: false };
    const browser = watchedBrowser();
    const main = { network: 'main', chainId: NETWORKS.main.chainId, genesis: headerId(genesisBlock(NETWORKS.main).header) };

    beforeAll(async () => {
      const started = await startWalletTestNode();
      node = started.node;
      const [mine0] = started.addresses;
      await node.api('/api/mining/generate', { body: { count: 3, address: mine0 } });
      proxy = await startRewritingProxy(new URL(node.url), (path, json) => {
        if (lie.address && path.startsWith('/api/address/')) return { ...json, balance: (BigInt(json.balance) + 1_000_000n * COIN).toString() };
        if (lie.network && path === '/api/node/info') return { ...json, ...main };
        return undefined;
      });
      page = await browser.open({ context: { viewport: { width: 1280, height: 900 } }, timeout: 20_000 });
    }, 90_000);

    afterAll(async () => {
      await browser.close();
      proxy?.close();
      if (node) {
        await node.stop();
        removeDir(node.dataDir);
      }
    });

    const text = (id: string) => page.getByTestId(id).first().textContent();

    it('heads with the proven balance and never shows an inflated node figure as the balance', async () => {
      lie.address = true;
      await page.goto(`${proxy.url}/wallet`);
      await importTestWallet(page, 1);
      await expect.poll(() => text('balance-verified'), { timeout: 30_000 }).toBe('150 HCK');
      await expect.poll(() => text('balance-mismatch')).toContain('The node reports 1,000,150 HCK confirmed');
      expect(await page.getByTestId('balance-confirmed').count()).toBe(0);
      expect(await page.getByTestId('balance-available').count()).toBe(0);
      expect(await text('wallet-address')).toContain('reported by node (unverified)');
    }, 60_000);

    it('refuses to verify when the node switches to another network, and hides its figures', async () => {
      lie.network = true;
      await page.reload();
      await expect.poll(() => text('network-changed'), { timeout: 30_000 }).toContain('This node now claims network main; this wallet was set up for regtest.');
      expect(await page.getByTestId('balance-verified').count()).toBe(0);
      expect(await page.getByTestId('balance-confirmed').count()).toBe(0);
      expect(await page.getByTestId('address-reported-balance').count()).toBe(0);
    }, 60_000);
  },
);
