/// <reference lib="dom" />
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { SHOTS, describeInChromium, watchedBrowser } from './helpers/browser.js';
import { startNode, stopAndRemove, TEST_TOKEN, type TestNode } from './helpers/node-process.js';
import { ContractBot, TEST_PASSWORD as PASSWORD, importTestWallet, startWalletTestNode } from './helpers/wallet-page.js';

/**
 * The wallet-facing fixes of issue 12 in a real browser against one regtest
 * node: the node's fee policy in the Send form, the review step, contract
 * payouts in history, resilience to a node restart, no console errors.
 */
/** Pages update over the network on a shared, busy machine: each expectation gets a realistic window (vitest's default is 1 s). */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) => expect.poll(fn, { timeout: 15_000, ...opts });
const example = (name: keyof typeof CONTRACT_EXAMPLES) => CONTRACT_EXAMPLES[name];

describeInChromium({ present: 'web wallet end-to-end (Chromium + regtest node)', absent: 'web wallet end-to-end' }, () => {
  let node: TestNode;
  const browser = watchedBrowser();
  let page: Page;
  // The wallet the browser imports: two addresses of a known phrase.
  let mine0 = '';
  let mine1 = '';
  // A key the test signs contract transactions with, outside the browser.
  const botSigner = new ContractBot(() => node);
  const bot = botSigner.address;

  const shot = async (name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
  const go = async (path: string) => {
    await page.goto(node.url + path);
    await page.getByRole('main').waitFor();
  };
  const mine = (count: number, address = bot) => node.api('/api/mining/generate', { body: { count, address } });
  const botContract = botSigner.submit;

  beforeAll(async () => {
    ({ node, addresses: [mine0 = '', mine1 = ''] } = await startWalletTestNode(2));
    await mine(3, mine0);
    await mine(3, bot);
    page = await browser.open({ context: { viewport: { width: 1280, height: 900 } }, timeout: 15_000 });
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    await stopAndRemove(node);
  });

  it('imports a wallet of two addresses from its recovery phrase', async () => {
    await go('/wallet');
    await importTestWallet(page, 2);
    await poll(() => page.getByTestId('wallet-address').count(), { timeout: 30_000 }).toBe(2);
    expect(await page.getByTestId('wallet-address').first().getAttribute('data-address')).toBe(mine0);
    await poll(() => page.getByTestId('balance-confirmed').textContent()).toContain('150 HCK');
  });

  it("prices sends with the node's fee policy, unmoved by a burst of contract calls", async () => {
    const normal = page.getByTestId('fee-preset-normal');
    await poll(() => normal.textContent()).toMatch(/^\d+ u\/B · /);
    const before = await normal.textContent();
    const api = await node.api('/api/fees/estimate');
    expect(before).toContain(`${api.normal} u/B`);

    // A token deployed and called five times, with a gas limit far above what the calls use.
    const deploy = await botContract({ type: 'deploy', code: example('token'), init: ['Hack', 'HCK', 0, 1_000_000] });
    await mine(1);
    const token = (await node.api(`/api/tx/${deploy}`)).receipt.contractAddress as string;
    for (let i = 0; i < 5; i++) await botContract({ type: 'call', contract: token, fn: 'transfer', args: [mine0, 10 + i] });
    expect((await node.api('/api/fees/estimate')).normal).toBe(api.normal);
    await mine(1);
    const after = await node.api('/api/fees/estimate');
    expect(after.normal).toBe(api.normal);
    expect(after.basis.contractSamples).toBe(6);
    // The form refetched with the new block and still shows the same price.
    await poll(() => page.getByTestId('fee-basis').textContent(), { timeout: 20_000 }).toContain('6 contract transactions');
    expect(await normal.textContent()).toBe(before);
    await shot('wallet-send-1280');
  });

  it('reviews a send before signing it, refuses more than the balance before signing, and shows a node rule once, in HCK', async () => {
    await page.getByLabel('Recipient address').fill(mine1);
    await page.getByLabel('Amount (HCK)').fill('12.5');
    await page.getByRole('button', { name: 'Review send' }).click();
    await page.getByTestId('send-review').waitFor();
    expect(await page.getByTestId('review-to').textContent()).toBe(mine1);
    expect(await page.getByTestId('review-amount').textContent()).toBe('12.5 HCK');
    const feeText = (await page.getByTestId('review-fee').textContent())!;
    const fee = /^([\d.]+) HCK \(normal: \d+ base units\/byte × \d+ bytes\)$/.exec(feeText);
    expect(fee, feeText).not.toBeNull();
    const total = (12.5 + Number(fee![1])).toFixed(8).replace(/0+$/, '');
    expect(await page.getByTestId('review-total').textContent()).toBe(`${total} HCK`);
    // Nothing is signed or sent until the user confirms.
    expect((await node.api(`/api/address/${mine0}`)).pending).toHaveLength(0);
    await shot('wallet-review-1280');
    await page.getByRole('button', { name: 'Confirm and send' }).click();
    await poll(() => page.getByTestId('toast-success').last().textContent(), { timeout: 15_000 }).toContain('Sent 12.5 HCK');
    expect((await node.api(`/api/address/${mine0}`)).pending).toHaveLength(1);

    // More than the balance: said before anything is signed, and the review cannot be opened.
    await page.getByLabel('Recipient address').fill(mine1);
    await page.getByLabel('Amount (HCK)').fill('1000');
    await poll(() => page.getByTestId('send-over-balance').textContent()).toContain('more than the available');
    expect(await page.getByRole('button', { name: 'Review send' }).isDisabled()).toBe(true);

    // A rule only the node applies (its fee floor): the rule once, amounts in HCK.
    await page.getByLabel('Amount (HCK)').fill('1');
    await page.locator('input[name="fee"][value="custom"]').check({ force: true });
    await page.getByLabel('Custom fee (HCK)').fill('0');
    await page.getByRole('button', { name: 'Review send' }).click();
    browser.watch.allow(/status of 400/);
    await page.getByRole('button', { name: 'Confirm and send' }).click();
    const error = page.getByTestId('toast-error').last();
    await poll(() => error.textContent(), { timeout: 15_000 }).toContain('min-fee-not-met');
    const text = (await error.textContent())!;
    expect(text.match(/min-fee-not-met/g)).toHaveLength(1);
    expect(text).toMatch(/fee 0 HCK below [\d.]+ HCK/);
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.locator('input[name="fee"][value="normal"]').check({ force: true });
    await page.getByLabel('Amount (HCK)').fill('');

    // The waiting send in the mempool's fee-rate histogram (uPlot: canvas, axes, hover legend).
    await go('/explorer/mempool');
    await page.getByTestId('fee-histogram').locator('canvas').waitFor();
    await page.getByTestId('fee-histogram').hover();
    // The hover legend is the tooltip: the bucket, its bytes and transactions.
    await poll(() => page.getByTestId('fee-histogram').textContent()).toMatch(/fee rate\s*1 u\/B\s*waiting\s*\d+ B in 1 tx/);
    await shot('mempool-histogram-1280');
    await go('/wallet');
    await poll(() => page.getByTestId('wallet-address').count(), { timeout: 20_000 }).toBe(2);
  });

  it('shows a multisig payout (an internal transaction) in the wallet, the address page and the transaction page', async () => {
    // A one-owner multisig holding 20 HCK pays 5 HCK to the wallet's second address.
    const deploy = await botContract({ type: 'deploy', code: example('multisig'), init: [[bot], 1] }, 5_000_000, 20n * 100_000_000n);
    await mine(1);
    const multisig = (await node.api(`/api/tx/${deploy}`)).receipt.contractAddress as string;
    await botContract({ type: 'call', contract: multisig, fn: 'submit', args: [mine1, 500_000_000] });
    const execute = await botContract({ type: 'call', contract: multisig, fn: 'execute', args: [0] });
    await mine(1);
    expect((await node.api(`/api/tx/${execute}`)).receipt.transfers).toEqual([{ from: multisig, to: mine1, amount: '500000000' }]);

    await page.getByTestId('wallet-address').nth(1).click();
    const row = page.getByTestId('wallet-history').locator(`tr[data-txid="${execute}"]`);
    await poll(() => row.getByTestId('internal-amount').textContent(), { timeout: 20_000 }).toContain('5 HCK');
    expect(await row.textContent()).toContain('IN');
    // The 12.5 HCK send of the review step and the 5 HCK payout, both confirmed.
    await poll(() => page.getByTestId('balance-confirmed').textContent()).toContain('17.5 HCK');
    await shot('wallet-internal-1280');

    await go(`/explorer/address/${mine1}`);
    await poll(() => page.getByTestId('address-history').locator(`tr[data-txid="${execute}"]`).getByTestId('internal-amount').textContent()).toContain('5 HCK');
    await go(`/explorer/tx/${execute}`);
    await poll(() => page.getByTestId('internal-transfers').textContent()).toContain('5 HCK');
    // Read as on Etherscan: the decoded call, the maximum fee apart from the fee paid.
    expect(await page.getByTestId('tx-call').textContent()).toBe('execute(0)');
    expect(await page.getByText('Max fee', { exact: true }).count()).toBe(1);
    expect(await page.getByText('Fee paid', { exact: true }).count()).toBe(1);
    await shot('tx-internal-1280');
    expect(await page.title()).toBe(`Transaction ${execute.slice(0, 10)}… · HackCoin`);
    // Copy buttons beside every full id and address.
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByRole('button', { name: `Copy transaction id: ${execute}` }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(execute);
    await go(`/explorer/tx/${deploy}`);
    await poll(() => page.getByTestId('tx-to').textContent()).toContain(`Contract creation · ${multisig}`);
    expect(await page.getByTestId('tx-call').textContent()).toMatch(/^deploy [\d,]+ bytes of code, init\(\[/);
    const history = await node.api(`/api/address/${mine1}/history`);
    expect(history.entries.find((e: { id: string }) => e.id === execute)).toMatchObject({ type: 'contract', direction: 'in', internalReceived: '500000000' });
  });

  it('stays unlocked across a reload of the tab, with the secret only encrypted under a non-extractable key, until idle or locked', async () => {
    await go('/wallet');
    await poll(() => page.getByTestId('wallet-address').count()).toBe(2);
    await page.reload();
    await poll(() => page.getByTestId('wallet-address').count(), { timeout: 20_000 }).toBe(2);
    expect(await page.getByLabel('Password', { exact: true }).count()).toBe(0);
    const stored = await page.evaluate(async () => {
      const blob = sessionStorage.getItem('hackcoin.session.wallet') ?? '';
      const db = await new Promise<IDBDatabase>((res, rej) => {
        const r = indexedDB.open('hackcoin-session');
        r.onsuccess = () => res(r.result);
        r.onerror = () => rej(r.error);
      });
      const key = await new Promise<CryptoKey>((res) => {
        const r = db.transaction('keys').objectStore('keys').get('wallet-session');
        r.onsuccess = () => res(r.result as CryptoKey);
      });
      const exported = await crypto.subtle.exportKey('raw', key).then(() => 'exported', (e: Error) => e.name);
      return { blob, extractable: key.extractable, exported, local: JSON.stringify(localStorage) };
    });
    expect(stored.blob).toMatch(/"ct":"[0-9a-f]+"/);
    for (const word of ['abandon', 'about']) {
      expect(stored.blob).not.toContain(word);
      expect(stored.local).not.toContain(word);
    }
    expect(stored.extractable).toBe(false);
    expect(stored.exported).toBe('InvalidAccessError');
    await shot('wallet-reloaded-1280');

    // Idle past the timeout (the deadline moved into the past): the next load asks for the password again.
    await page.evaluate(() => {
      const b = JSON.parse(sessionStorage.getItem('hackcoin.session.wallet')!);
      sessionStorage.setItem('hackcoin.session.wallet', JSON.stringify({ ...b, expiresAt: Date.now() - 1 }));
    });
    await page.reload();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('hackcoin.session.wallet'))).toBeNull();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await poll(() => page.getByTestId('wallet-address').count(), { timeout: 30_000 }).toBe(2);

    await poll(() => page.evaluate(() => sessionStorage.getItem('hackcoin.session.wallet') !== null)).toBe(true);
    // Locking ends the session at once.
    await page.getByRole('button', { name: 'Lock wallet' }).click();
    await page.reload();
    await page.getByRole('button', { name: 'Unlock' }).waitFor();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await poll(() => page.getByTestId('wallet-address').count(), { timeout: 30_000 }).toBe(2);
    await poll(() => page.evaluate(() => sessionStorage.getItem('hackcoin.session.wallet') !== null)).toBe(true);
  });

  it('keeps the header and says the node is unreachable while it restarts, then loads the page it could not fetch', async () => {
    await go('/');
    await poll(() => page.getByTestId('connection').textContent()).toContain('Live');
    // Chromium logs every refused request, the 503s of a node shutting down and the failed page import: expected here.
    browser.watch.allow(/ERR_CONNECTION_REFUSED|WebSocket connection|dynamically imported module|ChunkLoadError|status of 503/);
    const port = node.port;
    const dataDir = node.dataDir;
    await node.stop();
    await page.getByTestId('offline-banner').waitFor({ timeout: 20_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mining' }).click();
    await poll(() => page.getByTestId('route-error').textContent(), { timeout: 20_000 }).toContain('The node is not answering');
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await shot('restart-offline-1280');
    node = await startNode({ dataDir, env: { P2P: 'false', PORT: String(port) } });
    // Back: the page reloads itself and shows the mining page; the banner is gone.
    await page.getByTestId('mining-state').waitFor({ timeout: 30_000 });
    expect(new URL(page.url()).pathname).toBe('/mining');
    await poll(() => page.getByTestId('offline-banner').count()).toBe(0);
    // The automatic reload kept the wallet of this tab unlocked.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallet' }).click();
    await poll(() => page.getByTestId('wallet-address').count(), { timeout: 20_000 }).toBe(2);
  }, 90_000);

  it("deploys the voting, auction and multisig templates with their defaults: deadlines after the tip, the wallet's own addresses", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contracts' }).click();
    await page.locator('.cm-editor').waitFor();
    const receipts = page.getByTestId('receipt');
    const height = (await node.api('/api/node/info')).height as number;
    const deployed: Record<string, string> = {};
    for (const [id, name] of [['voting', 'Voting'], ['auction', 'Auction'], ['multisig', 'Multi-signature wallet']] as const) {
      await page.getByLabel('Template').selectOption({ label: name });
      await poll(() => page.getByTestId('init-hint').textContent()).toMatch(id === 'multisig' ? /your wallet's first 2 address/ : /tip #\d+ \+ 100 blocks/);
      await page.getByRole('button', { name: 'Estimate gas' }).first().click();
      // A fixed, ample limit: this case is about the arguments, not about the node's gas estimate. Typed once
      // while the estimate may still be on its way: a limit the user typed or is typing is never overwritten.
      const gasLimit = page.getByLabel('Gas limit').first();
      await gasLimit.fill('4000000');
      await poll(() => page.getByTestId('deploy-estimate').textContent(), { timeout: 20_000 }).toMatch(/^Estimate · gas/);
      expect(await gasLimit.inputValue()).toBe('4000000');
      // The newest receipt is this deploy's once its id changes (a count would miss a list the page rebuilt).
      const newest = async () => ((await receipts.count()) > 0 ? await receipts.first().getAttribute('data-txid') : null);
      const before = await newest();
      await page.getByRole('button', { name: 'Sign and deploy' }).click();
      // The IDE's review step (gas, maximum fee) before anything is signed.
      await page.getByTestId('contract-review').getByRole('button', { name: 'Confirm and send' }).click();
      // The first contract work after the restart loads the node's VM: allow it a moment.
      try {
        await poll(newest, { timeout: 30_000 }).not.toBe(before);
      } catch (e) {
        // Say why: the page's own account of a refused deploy, not only a timeout.
        const said = (await page.locator('body').innerText()).split('\n').filter((l) => /fail|error|refus|nonce/i.test(l));
        throw new Error(`no receipt for the ${id} deploy; the page says: ${said.join(' | ') || 'nothing'}`, { cause: e });
      }
      deployed[id] = await page.getByLabel('Contract address').inputValue();
      await mine(1);
      await poll(() => receipts.first().getByTestId('receipt-status').textContent(), { timeout: 20_000 }).toBe('success');
    }
    const call = (contract: string, fn: string) => node.api('/api/contracts/call', { body: { contractAddress: contract, functionName: fn, parameters: [] } });
    expect((await call(deployed.multisig!, 'owners')).returnValue).toEqual([mine0, mine1]);
    expect((await call(deployed.multisig!, 'threshold')).returnValue).toBe(2);
    const auction = await node.api(`/api/contracts/${deployed.auction}`);
    expect(auction.storage.beneficiary).toBe(mine0);
    expect(auction.storage.end).toBeGreaterThan(height + 90);
    await shot('contracts-templates-1280');
  }, 90_000);

  it('shows the coin amounts of return values and events in the unit chosen in the IDE, HCK or base units', async () => {
    const height = (await node.api('/api/node/info')).height as number;
    const deploy = await botContract({ type: 'deploy', code: example('auction'), init: [bot, height + 100] });
    await mine(1);
    const auction = (await node.api(`/api/tx/${deploy}`)).receipt.contractAddress as string;
    await go('/contracts');
    await page.getByLabel('Amounts in').selectOption('HCK');
    await page.getByLabel('Contract address').fill(auction);
    const bid = page.getByTestId('fn-bid');
    await bid.waitFor();
    await page.locator('#exec-value').fill('2.5');
    await bid.locator('summary').click();
    const receipts = page.getByTestId('receipt');
    await bid.getByRole('button', { name: 'Send transaction' }).click();
    // The IDE's review step (gas, maximum fee) before anything is signed.
    await page.getByTestId('contract-review').getByRole('button', { name: 'Confirm and send' }).click();
    await poll(() => receipts.count()).toBe(1);
    await mine(1);
    await poll(() => receipts.first().getByTestId('receipt-status').textContent(), { timeout: 20_000 }).toBe('success');
    await page.locator('#exec-value').fill('0');
    expect(await receipts.first().getByTestId('receipt-events').textContent()).toContain(`{"bidder":"${mine0}","amount":"2.5 HCK"}`);
    const highest = page.getByTestId('fn-highestBid');
    await highest.locator('summary').click();
    await highest.getByRole('button', { name: 'Call', exact: true }).click();
    await poll(() => highest.getByTestId('call-result').textContent()).toContain('highestBid() → 2.5 HCK');
    await poll(() => page.getByTestId('contract-events').textContent()).toContain('"amount":"2.5 HCK"');
    await shot('contracts-units-hck-1280');

    // The same amounts in base units, everywhere the IDE shows them; the choice outlives a reload.
    await page.getByLabel('Amounts in').selectOption('base');
    expect(await receipts.first().getByTestId('receipt-events').textContent()).toContain('"amount":"250,000,000 base units"');
    expect(await page.getByTestId('contract-events').textContent()).toContain('"amount":"250,000,000 base units"');
    await highest.getByRole('button', { name: 'Call', exact: true }).click();
    await poll(() => highest.getByTestId('call-result').textContent()).toContain('highestBid() → 250,000,000 base units');
    expect(await page.getByTestId('ide-console').locator('li').last().textContent()).toContain('→ 250,000,000 base units');
    await shot('contracts-units-base-1280');
    await page.setViewportSize({ width: 375, height: 812 });
    await shot('contracts-units-base-375');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.reload();
    expect(await page.getByLabel('Amounts in').inputValue()).toBe('base');
    await page.getByLabel('Amounts in').selectOption('HCK');
  }, 90_000);

  it('mines N blocks from the Mining page on regtest, with the node token', async () => {
    await go(`/mining?token=${TEST_TOKEN}`);
    const card = page.locator('#generate');
    await card.waitFor();
    const before = (await node.api('/api/node/info')).height as number;
    const balance = BigInt((await node.api(`/api/address/${mine1}`)).balance);
    await card.getByLabel('Blocks').fill('3');
    await card.getByLabel('Reward to').selectOption(mine1);
    await card.getByRole('button', { name: 'Mine 3 blocks' }).click();
    await poll(() => page.getByTestId('toast-success').last().textContent()).toBe(`Mined 3 blocks · height ${before + 3}×`);
    // Three subsidies, plus the fees of whatever was waiting in the mempool.
    const gained = BigInt((await node.api(`/api/address/${mine1}`)).balance) - balance;
    expect(gained >= 150n * 100_000_000n && gained < 151n * 100_000_000n).toBe(true);
    await shot('mining-generate-1280');
  });

  it('logs no console error on any page of a node without a pool or peer-to-peer networking', async () => {
    const block = await node.api('/api/blocks/2');
    const tx = (await node.api(`/api/address/${mine0}/history?limit=1`)).entries[0].id as string;
    const pages = ['/', '/wallet', '/mining', '/explorer', '/explorer/mempool', `/explorer/block/${block.hash}`, `/explorer/tx/${tx}`, `/explorer/address/${mine0}`, '/network', '/contracts', '/no-such-page'];
    for (const path of pages) {
      await go(path);
      await page.waitForLoadState('networkidle');
    }
    // The mining page used to poll pool stats into 404s every 5 s: stay past one period.
    await go('/mining');
    await page.getByTestId('mining-state').waitFor();
    await page.waitForTimeout(5500);
    expect(await page.getByTestId('pool-card').count()).toBe(0);
    await go('/network');
    await page.getByTestId('p2p-off').waitFor();
  }, 60_000);

  it('fits a 375 px screen on the pages this work changed', async () => {
    const internalTx = (await node.api(`/api/address/${mine1}/history?limit=50`)).entries.find((e: { type: string }) => e.type === 'contract').id as string;
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      const pages: [string, string, string][] = [
        ['wallet', '/wallet', 'wallet-address'],
        ['tx-internal', `/explorer/tx/${internalTx}`, 'internal-transfers'],
        ['address-internal', `/explorer/address/${mine1}`, 'address-history'],
        ['mining', '/mining', 'mining-state'],
        ['network-p2p-off', '/network', 'p2p-off'],
        ['contracts', '/contracts', 'init-hint'],
      ];
      for (const [name, path, testId] of pages) {
        await go(path);
        await page.getByTestId(testId).first().waitFor({ timeout: 20_000 });
        if (name === 'wallet') {
          await page.getByLabel('Recipient address').fill(mine0);
          await page.getByLabel('Amount (HCK)').fill('1');
          await page.getByRole('button', { name: 'Review send' }).click();
          await page.getByTestId('send-review').waitFor();
        }
        await page.waitForLoadState('networkidle');
        await shot(`${name}-375`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} overflows horizontally by ${overflow}px`).toBeLessThanOrEqual(0);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }, 60_000);
});
