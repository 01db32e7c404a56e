import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeInChromium, watchedBrowser } from './helpers/browser.js';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

describeInChromium({ present: 'the API reference in a real browser, under its content policy', absent: 'the API reference in a browser' }, () => {
  const browser = watchedBrowser();
  let node: TestNode;
  let page: Page;
  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    page = await browser.open({ timeout: 20_000 });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await node?.stop();
    if (node) removeDir(node.dataDir);
  });

  it('renders every route group with no policy violation, and may not be framed or load from other hosts', async () => {
    const res = await page.goto(`${node.url}/api/docs/`);
    const policy = res!.headers()['content-security-policy']!;
    expect(policy).toMatch(/frame-ancestors 'none'/);
    expect(policy).not.toMatch(/https:|validator\.swagger\.io|upgrade-insecure-requests/);
    expect(res!.headers()['x-frame-options']).toBe('DENY');
    await page.waitForSelector('.opblock-tag');
    const tags = await page.locator('.opblock-tag').count();
    expect(tags).toBeGreaterThan(3);
  }, 60_000);
});
