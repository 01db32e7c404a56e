/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { formatHck } from '@hackcoin/core';
import type { Locator, Page } from 'playwright-core';
import { SHOTS, describeInChromium, ensureWebBuild, watchedBrowser } from './helpers/browser.js';
import { startNode, stopAndRemove, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

/**
 * The web app in a real browser (Debian's Chromium, no downloads) against a
 * real regtest node serving packages/web/dist. Any console error or uncaught
 * page error fails the case it happened in.
 */
const PASSWORD = 'correct horse battery';
/** Pages update over the network on a shared, busy machine: each expectation gets a realistic window. */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) => expect.poll(fn, { timeout: 15_000, ...opts });

describeInChromium({ present: 'web app end-to-end (Chromium + regtest node)', absent: 'web app end-to-end' }, () => {
  let node: TestNode;
  let second: TestNode | undefined;
  const browser = watchedBrowser();
  let page: Page;
  const initialJs = new Map<string, number>();
  let addrA = '';
  let addrB = '';
  let txId = '';

  const shot = async (name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
  const go = async (path: string) => {
    await page.goto(node.url + path);
    await page.getByRole('main').waitFor();
  };
  const successToast = () => page.getByTestId('toast-success').last();

  beforeAll(async () => {
    ensureWebBuild();
    mkdirSync(SHOTS, { recursive: true });
    // A pool on a random Stratum port, so the mining page shows its stats card.
    node = await startNode({ env: { STRATUM_PORT: '0' } });
    page = await browser.open({ context: { viewport: { width: 1280, height: 900 } }, timeout: 15_000 });
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    await stopAndRemove(second);
    await stopAndRemove(node);
  });

  it('loads the dashboard live, under 300 KB of gzipped JS, and keeps the ?token=', async () => {
    page.on('response', async (res) => {
      if (res.url().endsWith('.js') && !initialJs.has(res.url())) initialJs.set(res.url(), gzipSync(await res.body()).length);
    });
    await page.goto(`${node.url}/?token=${TEST_TOKEN}`);
    await expect.poll(() => page.getByTestId('connection').textContent()).toContain('Live');
    await expect.poll(() => page.getByTestId('stat-height').textContent()).toBe('0');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate(() => localStorage.getItem('hackcoin.nodeToken'))).toBe(TEST_TOKEN);
    await page.waitForLoadState('networkidle');
    page.removeAllListeners('response');
    const total = [...initialJs.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(300 * 1024);
    expect([...initialJs.keys()].some((u) => /CodeEditor|WalletPage/.test(u))).toBe(false);
    // Keyboard users land on the skip link first.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
  });

  it('creates a wallet: mnemonic shown once, confirmed by picking words, encrypted in localStorage', async () => {
    await go('/wallet');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Repeat password').fill(PASSWORD);
    await page.getByLabel('Recovery phrase length').selectOption('12');
    await page.getByRole('button', { name: 'Generate recovery phrase' }).click();
    const words: string[] = [];
    for (let i = 1; i <= 12; i++) words.push((await page.getByTestId(`mnemonic-word-${i}`).textContent())!.trim());
    await shot('wallet-mnemonic-1280');
    await page.setViewportSize({ width: 375, height: 812 });
    await shot('wallet-mnemonic-375');
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    // A copy and a download of the phrase, word for word.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: /^Copy recovery phrase/ }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(words.join(' '));
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId('mnemonic-download').click()]);
    expect(file.suggestedFilename()).toBe('hackcoin-recovery-phrase.txt');
    expect(readFileSync((await file.path())!, 'utf8')).toBe(`${words.join(' ')}\n`);
    await page.getByRole('button', { name: 'I have written it down' }).click();
    const challenges = page.getByTestId('challenge');
    await challenges.first().waitFor();
    // Wrong picks look like right ones; only the check of all picks gives one verdict, then new positions.
    const look = async (b: Locator) => [await b.getAttribute('class'), await b.getAttribute('aria-pressed')];
    let rightLook: (string | null)[] = [];
    let wrongLook: (string | null)[] = [];
    for (const [i, c] of (await challenges.all()).entries()) {
      const right = words[Number(await c.getAttribute('data-position')) - 1]!;
      const options = c.getByRole('button');
      const wrong = (await options.allTextContents()).find((w) => w !== right)!;
      if (i === 0) {
        await c.getByRole('button', { name: right, exact: true }).click();
        rightLook = await look(c.getByRole('button', { name: right, exact: true }));
      } else {
        await c.getByRole('button', { name: wrong, exact: true }).click();
        wrongLook = await look(c.getByRole('button', { name: wrong, exact: true }));
      }
    }
    expect(wrongLook).toEqual(rightLook);
    expect(await page.getByRole('alert').count()).toBe(0);
    await shot('wallet-confirm-picked-1280');
    await page.getByRole('button', { name: 'Create wallet' }).click();
    await poll(() => page.getByTestId('confirm-verdict').textContent()).toContain('do not all match');
    expect(await page.locator('[data-testid="challenge"] [aria-pressed="true"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create wallet' }).isDisabled()).toBe(true);
    for (const c of await challenges.all()) {
      const pos = Number(await c.getAttribute('data-position'));
      await c.getByRole('button', { name: words[pos - 1]!, exact: true }).click();
    }
    await page.getByRole('button', { name: 'Create wallet' }).click();
    addrA = (await page.getByTestId('receive-address').textContent({ timeout: 30_000 }))!.trim();
    expect(addrA).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('hackcoin.keystore.v1')))!);
    expect(stored.format).toBe('hackcoin-keystore');
    expect(JSON.stringify(stored)).not.toContain(words.join(' '));

    await page.getByLabel('New address label').fill('savings');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.getByTestId('wallet-address').count()).toBe(2);
    addrB = (await page.getByTestId('wallet-address').nth(1).getAttribute('data-address'))!;
    expect(addrB).not.toBe(addrA);
    await page.getByTestId('wallet-address').first().click();
  });

  it('shows mined coins live, sends to the second address, and the node rejection rule in a toast', async () => {
    await node.api('/api/mining/generate', { body: { count: 3, address: addrA } });
    await expect.poll(() => page.getByTestId('balance-confirmed').textContent()).toContain('150 HCK');

    await page.getByLabel('Recipient address').fill(addrB);
    await page.getByLabel('Amount (HCK)').fill('12.5');
    await page.getByRole('button', { name: 'Review send' }).click();
    await page.getByRole('button', { name: 'Confirm and send' }).click();
    // Signing loads the wallet's crypto and asks the node for the nonce: slower than one poll second on a busy machine.
    await expect.poll(() => successToast().textContent(), { timeout: 15_000 }).toContain('Sent 12.5 HCK');
    const pendingRow = page.getByTestId('wallet-history').locator('tr[data-txid]').first();
    await expect.poll(() => pendingRow.textContent()).toContain('pending');
    txId = (await pendingRow.getAttribute('data-txid'))!;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    await shot('wallet-1280');

    // Too much: caught before anything is signed.
    await page.getByLabel('Recipient address').fill(addrB);
    await page.getByLabel('Amount (HCK)').fill('1000');
    await expect.poll(() => page.getByTestId('send-over-balance').textContent()).toContain('Nothing will be signed');
    expect(await page.getByRole('button', { name: 'Review send' }).isDisabled()).toBe(true);
    await page.getByLabel('Amount (HCK)').fill('');
  });

  it('watches the transfer confirm in the explorer', async () => {
    await go(`/explorer/tx/${txId}`);
    await expect.poll(() => page.getByTestId('tx-status').textContent()).toContain('pending');
    await node.api('/api/mining/generate', { body: { count: 1, address: addrA } });
    await expect.poll(() => page.getByTestId('tx-status').textContent()).toContain('1 confirmation');
    await node.api('/api/mining/generate', { body: { count: 1, address: addrA } });
    await expect.poll(() => page.getByTestId('tx-confirmations').textContent()).toBe('2');
    await shot('tx-1280');
  });

  it('searches a height, a block hash, a tx id and an address', async () => {
    const search = async (q: string) => {
      await page.getByLabel(/Search by block height/).fill(q);
      await page.getByLabel(/Search by block height/).press('Enter');
    };
    await go('/explorer');
    await shot('explorer-1280');
    await search('2');
    await page.waitForURL('**/explorer/block/2');
    await expect.poll(() => page.getByTestId('block-height').textContent()).toBe('#2');
    const block3 = await node.api('/api/blocks/3');
    await search(block3.hash);
    await page.waitForURL(`**/explorer/block/${block3.hash}`);
    await expect.poll(() => page.getByTestId('block-height').textContent()).toBe('#3');
    await shot('block-1280');
    // Block 4 holds the transfer sent above: its summary shows what it paid, as the node sums it.
    const block4 = await node.api('/api/blocks/4');
    await go('/explorer/block/4');
    await expect.poll(() => page.getByTestId('block-fees').textContent()).toBe(`${formatHck(BigInt(block4.stats.fees))} HCK`);
    expect(BigInt(block4.stats.fees)).toBeGreaterThan(0n);
    await expect.poll(() => page.getByTestId('block-reward').textContent()).toContain(`${formatHck(BigInt(block4.stats.reward))} HCK`);
    await expect.poll(() => page.getByTestId('block-size').textContent()).toContain(`${block4.stats.size} bytes`);
    await search(txId);
    await page.waitForURL(`**/explorer/tx/${txId}`);
    // Let the transaction page settle before the next search, so no late answer races it.
    await page.getByTestId('tx-status').waitFor({ timeout: 20_000 });
    await search(addrB);
    await page.waitForURL(`**/explorer/address/${addrB}`, { timeout: 20_000 });
    await page.getByTestId('address-text').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('address-balance').textContent()).toContain('12.5 HCK');
    await expect.poll(() => page.getByTestId('address-history').textContent()).toContain('IN');
    await shot('address-1280');
    await go('/explorer/mempool');
    await page.getByTestId('mempool-size').waitFor();
    await shot('mempool-1280');
  });

  it('starts mining from the UI, retunes threads and intensity live, shows pool stats, and stops', async () => {
    await go('/mining');
    await expect.poll(() => page.getByTestId('mining-state').textContent()).toBe('Stopped');
    expect((await page.getByTestId('mining-backend').textContent())!.trim()).not.toBe('');
    // This node serves a pool (STRATUM_PORT=0): its card shows, with nothing mined for it yet.
    await expect.poll(() => page.getByTestId('pool-accepted').textContent()).toBe('0');
    await page.getByLabel('Reward address').selectOption(addrB);
    await page.getByLabel('Threads', { exact: true }).fill('1');
    await page.getByLabel('Intensity', { exact: true }).selectOption('high');
    await page.getByRole('button', { name: 'Start mining' }).click();
    await expect.poll(() => page.getByTestId('mining-state').textContent()).toBe('Running');
    await expect.poll(() => successToast().textContent()).toContain('Mining started');
    await expect.poll(() => page.getByTestId('mining-tuning').textContent()).toBe('1 thread · high (100 %)');
    await expect.poll(async () => Number(await page.getByTestId('blocks-found').textContent()), { timeout: 20_000 }).toBeGreaterThan(0);

    // Retune the running miner: two threads at a custom 40 %, without a restart.
    const before = await node.api('/api/mining/status');
    await page.getByLabel('Threads', { exact: true }).fill('2');
    await page.getByLabel('Intensity', { exact: true }).selectOption({ label: 'Custom…' });
    await page.getByLabel('Custom intensity (%)').fill('40');
    await page.getByRole('button', { name: 'Apply to running miner' }).click();
    await expect.poll(() => successToast().textContent()).toContain('Miner retuned: 2 threads, intensity 40 %');
    await expect.poll(() => page.getByTestId('mining-tuning').textContent()).toBe('2 threads · 40 %');
    const after = await node.api('/api/mining/status');
    expect(after).toMatchObject({ running: true, threads: 2, intensity: 40, address: before.address });
    await expect.poll(() => page.getByTestId('thread-rate').count(), { timeout: 20_000 }).toBe(2);
    // A duration as soon as the threads report a rate (regtest: many blocks a second), with local and network rates explained.
    await expect.poll(() => page.getByTestId('expected-time').textContent(), { timeout: 20_000 }).toMatch(/^(< 1s|\d+s|\d+m \d+s|\d+h \d+m)$/);
    expect(await page.getByTestId('expected-time-hint').textContent()).toMatch(/at this hash rate/);
    expect(await page.getByTestId('rate-explainer').textContent()).toContain('The local rate is counted by this node');
    expect(await page.getByTestId('network-hashrate').textContent()).toMatch(/H\/s$/);

    // A preset applies the same way.
    await page.getByLabel('Intensity', { exact: true }).selectOption('low');
    await page.getByRole('button', { name: 'Apply to running miner' }).click();
    await expect.poll(() => page.getByTestId('mining-tuning').textContent()).toBe('2 threads · low (25 %)');
    expect((await node.api('/api/mining/status')).intensity).toBe('low');
    await shot('mining-1280');

    await page.getByRole('button', { name: 'Stop mining' }).click();
    await expect.poll(() => page.getByTestId('mining-state').textContent()).toBe('Stopped');
    expect((await node.api('/api/mining/status')).running).toBe(false);
  });

  it('shows a second node in the network monitor live, without a reload', async () => {
    await go('/network');
    await page.getByTestId('peer-count').waitFor();
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    second = await startNode({ env: { P2P: 'true', BOOTSTRAP_NODES: node.url } });
    const info = await second.api('/api/node/info');
    const peerId: string = info.p2p.peerId;
    expect(peerId).toBeTruthy();
    const row = page.locator(`tr[data-peer-id="${peerId}"]`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    expect(await row.locator('td').nth(2).textContent()).toBe('in');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await expect.poll(async () => Number(await page.getByTestId('peer-count').textContent())).toBeGreaterThan(0);
    await shot('network-1280');
  }, 60_000);

  it('shows the contract IDE, degrading while routes are missing', async () => {
    await go('/contracts');
    await page.locator('.cm-editor').waitFor();
    expect(await page.locator('.cm-content').textContent()).toContain('export function transfer');
    const contracts = await node.request('/api/contracts');
    if (contracts.status === 404) await page.getByTestId('unavailable').waitFor();
    await shot('contracts-1280');
    await go('/');
    await expect.poll(() => page.getByTestId('latest-blocks').locator('li').count()).toBeGreaterThan(3);
    await page.getByRole('img', { name: /^Block time/ }).waitFor();
    await shot('dashboard-1280');
  });

  it('deploys the token from the browser wallet, transfers tokens, and shows the receipts and the new balanceOf', async () => {
    // The wallet stays unlocked for this tab's session (encrypted in sessionStorage), across page loads.
    await go('/wallet');
    await page.getByTestId('receive-qr').waitFor({ timeout: 30_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contracts' }).click();
    await page.locator('.cm-editor').waitFor();
    const mine = () => node.api('/api/mining/generate', { body: { count: 1, address: addrA } });
    const receipts = page.getByTestId('receipt');
    const latestStatus = () => receipts.first().getByTestId('receipt-status').textContent();

    // Deploy the token template (CONTRACT_EXAMPLES.token in packages/core/src/contract-examples) with the default init arguments;
    // gas limit from the node's estimate, gas price from its fee estimate.
    await page.getByRole('button', { name: 'Estimate gas' }).first().click();
    await expect.poll(() => page.getByTestId('deploy-estimate').textContent()).toMatch(/^Estimate · gas [\d,]+/);
    expect(Number(await page.getByLabel('Gas limit').first().inputValue())).toBeGreaterThan(20_000);
    await page.getByRole('button', { name: 'Sign and deploy' }).click();
    // The IDE's review step (gas, maximum fee) before anything is signed.
    await page.getByTestId('contract-review').getByRole('button', { name: 'Confirm and send' }).click();
    await expect.poll(() => successToast().textContent()).toContain('Deploy transaction');
    const token = await page.getByLabel('Contract address').inputValue();
    expect(token).toMatch(/^0x[0-9a-fA-F]{40}$/);
    await expect.poll(latestStatus).toBe('pending');
    await mine();
    await expect.poll(latestStatus).toBe('success');
    const deployId = (await receipts.first().getAttribute('data-txid'))!;
    const deployTx = await node.api(`/api/tx/${deployId}`);
    expect(JSON.parse(Buffer.from(deployTx.data, 'hex').toString('utf8'))).toMatchObject({ type: 'deploy', init: ['HackToken', 'HACK', 2, 1000000] });
    expect(deployTx.receipt).toMatchObject({ status: 'success', contractAddress: token });
    await expect.poll(() => page.getByTestId('storage-table').locator(`tr[data-key="balance:${addrA.toLowerCase()}"]`).textContent()).toContain('1000000');

    // transfer(to, amount) from its generated form, signed in the browser.
    const transfer = page.getByTestId('fn-transfer');
    await transfer.locator('summary').click();
    await transfer.getByLabel('to', { exact: true }).fill(addrB);
    await transfer.getByLabel('amount', { exact: true }).fill('250');
    await transfer.getByRole('button', { name: 'Send transaction' }).click();
    // The IDE's review step (gas, maximum fee) before anything is signed.
    await page.getByTestId('contract-review').getByRole('button', { name: 'Confirm and send' }).click();
    await expect.poll(() => successToast().textContent()).toContain('transfer sent');
    await expect.poll(() => receipts.count()).toBe(2);
    await expect.poll(latestStatus).toBe('pending');
    await mine();
    await expect.poll(latestStatus).toBe('success');
    expect(await receipts.first().getByTestId('receipt-events').textContent()).toContain(`"to":"${addrB}","amount":250`);
    expect(await receipts.first().textContent()).toContain('returned true');

    // balanceOf through the read-only call route; storage and events follow the new block.
    const balanceOf = page.getByTestId('fn-balanceOf');
    await balanceOf.locator('summary').click();
    await balanceOf.getByLabel('owner', { exact: true }).fill(addrB);
    // A view is only called: no transaction to send, no gas to estimate.
    expect(await balanceOf.getByRole('button', { name: 'Send transaction' }).count()).toBe(0);
    expect(await balanceOf.getByRole('button', { name: 'Estimate gas' }).count()).toBe(0);
    expect(await transfer.getByRole('button', { name: 'Send transaction' }).count()).toBe(1);
    await balanceOf.getByRole('button', { name: 'Call', exact: true }).click();
    // Each result beside the function that produced it; transaction ids in full.
    await expect.poll(() => balanceOf.getByTestId('call-result').textContent()).toContain('→ 250');
    const transferId = (await receipts.first().getAttribute('data-txid'))!;
    expect(await transfer.getByTestId('call-result').textContent()).toContain(`transfer("${addrB}", 250) → transaction ${transferId}`);
    expect(await receipts.first().getByTestId('receipt-txid').textContent()).toBe(transferId);
    // The console logs every call, in order, with full transaction ids.
    const lines = page.getByTestId('ide-console').locator('li');
    await expect.poll(() => lines.count()).toBe(4);
    expect(await lines.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-kind')))).toEqual(['estimate', 'deploy', 'send', 'call']);
    expect(await lines.nth(1).getByTestId('console-txid').textContent()).toBe(deployId);
    expect(await lines.nth(2).getByTestId('console-txid').textContent()).toBe(transferId);
    expect(await lines.nth(3).textContent()).toContain(`Token ${token} balanceOf("${addrB}") → 250`);
    // Deployed contracts listed by name.
    await expect.poll(() => page.getByTestId('contract-list').locator(`li[data-address="${token}"]`).getByTestId('contract-name').textContent()).toBe('Token HACK');
    await expect.poll(() => page.getByTestId('storage-table').locator(`tr[data-key="balance:${addrA.toLowerCase()}"]`).textContent()).toContain('999750');
    await expect.poll(() => page.getByTestId('contract-events').textContent()).toContain('"amount":250');
    await shot('contracts-token-1280');

    // Token balances on the address page and in the wallet, in the token's units (2 decimals).
    await go(`/explorer/address/${addrB}`);
    await poll(() => page.getByTestId('token-balances').locator(`tr[data-contract="${token}"]`).getByTestId('token-balance').textContent()).toBe('2.5 HACK');
    await shot('address-tokens-1280');
    await go('/wallet');
    await page.getByTestId('wallet-address').first().click();
    await poll(() => page.getByTestId('token-balances').locator(`tr[data-contract="${token}"]`).getByTestId('token-balance').textContent(), { timeout: 20_000 }).toBe('9,997.5 HACK');
    await shot('wallet-tokens-1280');
  });

  it('fits a 375 px screen on every page', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const pages: [string, string][] = [
      ['dashboard', '/'],
      ['wallet', '/wallet'],
      ['mining', '/mining'],
      ['explorer', '/explorer'],
      ['block', '/explorer/block/3'],
      ['tx', `/explorer/tx/${txId}`],
      ['address', `/explorer/address/${addrB}`],
      ['mempool', '/explorer/mempool'],
      ['network', '/network'],
      ['contracts', '/contracts'],
    ];
    for (const [name, path] of pages) {
      await go(path);
      if (name === 'wallet') await page.getByTestId('receive-qr').waitFor({ timeout: 30_000 });
      if (name === 'dashboard') await page.getByRole('img', { name: /^Block time/ }).waitFor();
      await page.waitForLoadState('networkidle');
      await shot(`${name}-375`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} overflows horizontally by ${overflow}px`).toBeLessThanOrEqual(0);
    }
  });
});
