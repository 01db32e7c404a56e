/// <reference lib="dom" />
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, ConsoleWatch, ensureWebBuild, hasChromium } from './helpers/browser.js';
import { removeDir, startNode, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

const KEY = 'hackcoin.nodeToken';
/** What a link from someone else carries: a well-formed token this node does not accept. */
const OTHER_TOKEN = 'f'.repeat(48);

if (!hasChromium) {
  describe('?token= links', () => {
    it.skip(`skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium)`, () => undefined);
  });
} else {
  describe('?token= links in a real browser: a saved token is replaced only when the user says so', () => {
    let node: TestNode;
    let browser: Browser;
    let page: Page;
    const watch = new ConsoleWatch();

    const stored = () => page.evaluate((key) => localStorage.getItem(key), KEY);
    /** A control route called with whatever token the page holds: 200 with the node's, 401 with another. */
    const controlStatus = () =>
      page.evaluate(async (key) => (await fetch('/api/mining/stop', { method: 'POST', headers: { authorization: `Bearer ${localStorage.getItem(key)}` } })).status, KEY);
    const open = async (path: string) => {
      await page.goto(node.url + path);
      await page.getByRole('main').waitFor();
    };
    const prompt = () => page.getByTestId('linked-token-prompt');

    beforeAll(async () => {
      ensureWebBuild();
      node = await startNode({ env: { P2P: 'false' } });
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      page = await (await browser.newContext()).newPage();
      page.setDefaultTimeout(15_000);
      watch.attach(page);
    }, 90_000);
    afterEach(() => {
      expect(watch.take()).toEqual([]);
    });
    afterAll(async () => {
      await browser?.close();
      await node?.stop();
      if (node) removeDir(node.dataDir);
    });

    it('saves the token of the first link silently, and again on a link with the same token', async () => {
      await open(`/?token=${TEST_TOKEN}`);
      expect(await stored()).toBe(TEST_TOKEN);
      await open(`/mining?token=${TEST_TOKEN}`);
      expect(new URL(page.url()).search).toBe('');
      expect(await prompt().count()).toBe(0);
      expect(await controlStatus()).toBe(200);
    });

    it('keeps the saved token when a link carries another, and asks', async () => {
      await open(`/mining?token=${OTHER_TOKEN}`);
      // The link's token is off the address bar at once, and not in storage while the user decides.
      expect(await stored()).toBe(TEST_TOKEN);
      expect(new URL(page.url()).search).toBe('');
      expect(await controlStatus()).toBe(200);
      await prompt().waitFor();
      await prompt().getByRole('button', { name: 'Keep the saved token' }).click();
      await prompt().waitFor({ state: 'detached' });
      expect(await stored()).toBe(TEST_TOKEN);
      // A reload does not bring the question (or the link's token) back.
      await page.reload();
      await page.getByRole('main').waitFor();
      expect(await prompt().count()).toBe(0);
      expect(await controlStatus()).toBe(200);
    });

    it("replaces the saved token with the link's when the user chooses it", async () => {
      await open(`/?token=${OTHER_TOKEN}`);
      await prompt().getByRole('button', { name: "Use the link's token" }).click();
      await prompt().waitFor({ state: 'detached' });
      expect(await stored()).toBe(OTHER_TOKEN);
      watch.allow(/401/);
      expect(await controlStatus()).toBe(401);
    });
  });
}
