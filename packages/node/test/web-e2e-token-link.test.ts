/// <reference lib="dom" />
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInChromium, ensureWebBuild, watchedBrowser } from './helpers/browser.js';
import { startNode, stopAndRemove, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

const KEY = 'hackcoin.nodeToken';
/** What a link from someone else carries: a well-formed token this node does not accept. */
const OTHER_TOKEN = 'f'.repeat(48);

describeInChromium({ present: '?token= links in a real browser: a saved token is replaced only when the user says so', absent: '?token= links' }, () => {
  let node: TestNode;
  const browser = watchedBrowser();
  let page: Page;

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
    page = await browser.open({ timeout: 15_000 });
  }, 90_000);
  afterAll(async () => {
    await browser.close();
    await stopAndRemove(node);
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
    browser.watch.allow(/401/);
    expect(await controlStatus()).toBe(401);
  });
});
