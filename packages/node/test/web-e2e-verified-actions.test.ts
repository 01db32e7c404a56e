/// <reference lib="dom" />
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { COIN, CONTRACT_EXAMPLES, decodeTx, hexToBytes, type ContractAction } from '@hackcoin/core';
import { SHOTS, describeInChromium, watchedBrowser } from './helpers/browser.js';
import { stopAndRemove, type TestNode } from './helpers/node-process.js';
import { startRewritingProxy, type RewritingProxy } from './helpers/rewriting-proxy.js';
import { ContractBot, importTestWallet, startWalletTestNode } from './helpers/wallet-page.js';

/**
 * Issue 14 in a real browser against a regtest node, through a proxy that
 * lies: the wallet and the IDE sign with a nonce they verified, refuse to
 * sign when verification fails, and the IDE proves a token balance.
 */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) => expect.poll(fn, { timeout: 30_000, ...opts });
const example = (name: keyof typeof CONTRACT_EXAMPLES) => CONTRACT_EXAMPLES[name];
const bump = (n: unknown) => (BigInt(n as string) + 5n).toString();

type Lie = 'address-nonce' | 'address-balance' | 'proof-nonce' | 'storage-value';

describeInChromium({ present: 'verified signing and contract reads end-to-end (Chromium + regtest node + lying proxy)', absent: 'verified signing and contract reads end-to-end' }, () => {
  let node: TestNode;
  let proxy: RewritingProxy;
  const lies = new Set<Lie>();
  const browser = watchedBrowser();
  let page: Page;
  let mine0 = '';
  const botSigner = new ContractBot(() => node);
  const bot = botSigner.address;
  let token = '';

  const mine = (count: number, address = bot) => node.api('/api/mining/generate', { body: { count, address } });
  const botContract = (action: ContractAction) => botSigner.submit(action);
  /** Nonces of the transactions the page posted through the proxy since `from`. */
  const signedNonces = (from = 0) =>
    proxy.posted.slice(from).flatMap((p) => {
      if (!p.body.includes('"raw"')) return [];
      const tx = decodeTx(hexToBytes(JSON.parse(p.body).raw as string));
      return tx.kind === 'coinbase' ? [] : [tx.nonce];
    });
  const shot = async (name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
  const height = async () => (await node.api('/api/node/info')).height as number;

  beforeAll(async () => {
    ({ node, addresses: [mine0 = ''] } = await startWalletTestNode());
    await mine(3, mine0);
    await mine(1, bot);
    const deploy = await botContract({ type: 'deploy', code: example('token'), init: ['Hack', 'HAK', 0, 1_000_000] });
    await mine(1);
    token = (await node.api(`/api/tx/${deploy}`)).receipt.contractAddress as string;
    await botContract({ type: 'call', contract: token, fn: 'transfer', args: [mine0, 1234] });
    await mine(1);
    proxy = await startRewritingProxy(new URL(node.url), (path, json) => {
      if (/^\/api\/address\/0x[0-9a-fA-F]{40}(\?|$)/.test(path) && (lies.has('address-nonce') || lies.has('address-balance'))) {
        return {
          ...json,
          ...(lies.has('address-nonce') ? { nonce: bump(json.nonce), nextNonce: bump(json.nextNonce) } : {}),
          ...(lies.has('address-balance') ? { balance: (BigInt(json.balance) * 1000n).toString() } : {}),
        };
      }
      if (lies.has('proof-nonce') && path.startsWith('/api/proof/account/')) return { ...json, account: { ...json.account, nonce: bump(json.account.nonce) } };
      if (lies.has('storage-value') && path.startsWith('/api/proof/storage/')) return { ...json, value: '999999' };
      return undefined;
    });
    page = await browser.open({ context: { viewport: { width: 1280, height: 900 } }, timeout: 20_000 });
  }, 120_000);

  // A case that fails mid-way must not leave its lies to the next one.
  afterEach(() => lies.clear());

  afterAll(async () => {
    await browser.close();
    proxy?.close();
    await stopAndRemove(node);
  });

  const send = async (amount: string) => {
    await page.getByLabel('Recipient address').fill(bot);
    await page.getByLabel('Amount (HCK)').fill(amount);
    await page.getByRole('button', { name: 'Review send' }).click();
    await page.getByRole('button', { name: 'Confirm and send' }).click();
  };

  it('signs sends with the nonce it verified, not the one the node reports, and refuses to sign for a node whose proof disagrees', async () => {
    lies.add('address-nonce');
    await page.goto(`${proxy.url}/wallet`);
    await importTestWallet(page, 1);
    const h = await height();
    await poll(() => page.getByTestId('verified-mark').textContent()).toBe(`verified at height ${h}`);
    expect(await page.getByTestId('verified-balance').textContent()).toContain('nonce 0');

    // Send checks the proven balance, not the node's (here 1000 times too high), and says so.
    lies.add('address-balance');
    const wholeCoins = BigInt((await node.api(`/api/address/${mine0}`)).balance as string) / COIN;
    await poll(() => page.getByTestId('send-available').textContent()).toContain(`verified at height ${h}`);
    await page.getByLabel('Recipient address').fill(bot);
    await page.getByLabel('Amount (HCK)').fill(String(wholeCoins + 1n));
    await poll(() => page.getByTestId('send-over-balance').count()).toBe(1);

    // Two sends before a block: the second counts the first, still pending.
    await send('1');
    await poll(() => page.getByTestId('toast-success').last().textContent()).toContain('Sent 1 HCK');
    await send('2');
    await poll(() => page.getByTestId('toast-success').last().textContent()).toContain('Sent 2 HCK');
    expect(signedNonces()).toEqual([0n, 1n]);
    expect((await node.api(`/api/address/${mine0}`)).pending).toHaveLength(2);
    // What is left counts both pending sends: 2 HCK less than the proven balance is more than that.
    await poll(() => page.getByTestId('send-available').textContent()).toContain(`verified at height ${h}, less 2 pending sends from this browser`);
    await page.getByLabel('Amount (HCK)').fill(String(wholeCoins - 2n));
    await poll(() => page.getByTestId('send-over-balance').count()).toBe(1);
    await page.getByLabel('Amount (HCK)').fill('');
    lies.delete('address-balance');

    // Both mined: the next nonce is proven at the new height.
    await mine(1);
    await poll(() => page.getByTestId('verified-mark').textContent()).toBe(`verified at height ${h + 1}`);
    await send('3');
    await poll(() => page.getByTestId('toast-success').last().textContent()).toContain('Sent 3 HCK');
    expect(signedNonces()).toEqual([0n, 1n, 2n]);

    // The proof answer names a nonce its proof does not back: nothing is signed, and the node is named.
    // The lie starts once the send is under review: a balance check that caught it first would
    // (rightly) disable the form, and the signing path would go untested.
    await page.getByLabel('Recipient address').fill(bot);
    await page.getByLabel('Amount (HCK)').fill('4');
    await page.getByRole('button', { name: 'Review send' }).click();
    lies.add('proof-nonce');
    const before = proxy.posted.length;
    await page.getByRole('button', { name: 'Confirm and send' }).click();
    const error = page.getByTestId('send-verify-error');
    await poll(() => error.count()).toBe(1);
    expect(await error.textContent()).toMatch(/This node is untrustworthy.*reports balance \d+ and nonce 7 at height \d+, its proof says \d+ and 2.*Nothing was signed or sent/);
    expect(signedNonces(before)).toEqual([]);
    expect((await node.api(`/api/address/${mine0}`)).pending).toHaveLength(1);
    await shot('wallet-send-untrustworthy-1280');
    lies.clear();
  });

  it('the IDE signs with the verified nonce and proves a token balance against the headers', async () => {
    lies.add('address-nonce');
    await mine(1);
    await page.goto(`${proxy.url}/contracts`);
    await page.getByLabel('Contract address').fill(token);
    const row = page.locator(`[data-testid="storage-table"] tr[data-key="balance:${mine0.toLowerCase()}"]`);
    await poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('1234');

    // A contract call signed from the browser wallet: nonce 3, whatever the node says.
    const before = proxy.posted.length;
    const transfer = page.getByTestId('fn-transfer');
    await transfer.locator('summary').click();
    await transfer.getByLabel('to', { exact: true }).fill(JSON.stringify(bot));
    await transfer.getByLabel('amount', { exact: true }).fill('34');
    await transfer.getByRole('button', { name: 'Send transaction' }).click();
    // The IDE's review step (gas, maximum fee) before anything is signed.
    await page.getByTestId('contract-review').getByRole('button', { name: 'Confirm and send' }).click();
    await poll(() => transfer.getByTestId('call-result').textContent()).toContain('→ transaction');
    expect(signedNonces(before)).toEqual([3n]);
    await mine(1);
    const h = await height();
    await poll(() => row.textContent()).toContain('1200');

    // The balance slot proven at the tip (1 confirmation on regtest).
    await row.getByRole('button', { name: `Verify balance:${mine0.toLowerCase()}` }).click();
    await poll(() => page.getByTestId('storage-verified-mark').textContent()).toBe(`verified at height ${h}`);
    expect(await page.getByTestId('storage-verified').textContent()).toBe(`balance:${mine0.toLowerCase()} = 1200 verified at height ${h}`);
    await shot('contracts-verify-slot-1280');
    // A slot that was never written is proven empty.
    await page.getByLabel('Verify a storage key').fill('balance:0x0000000000000000000000000000000000000001');
    await page.getByRole('button', { name: 'Verify', exact: true }).click();
    await poll(() => page.getByTestId('storage-verified').textContent()).toContain('= empty verified at height');

    // The node rewrites the value beside its proof: the IDE names it instead of showing it.
    lies.add('storage-value');
    await row.getByRole('button', { name: `Verify balance:${mine0.toLowerCase()}` }).click();
    const error = page.getByTestId('storage-verify-error');
    await poll(() => error.count()).toBe(1);
    expect(await error.textContent()).toContain(`This node is untrustworthy`);
    expect(await error.textContent()).toContain(`node reports balance:${mine0.toLowerCase()} = 999999 at height ${h}, its proof says 1200`);
    expect(await page.getByTestId('storage-verified').count()).toBe(0);
    await shot('contracts-verify-slot-untrustworthy-1280');

    // Signing in the IDE refuses too once the account proof disagrees with the node's figures.
    lies.add('proof-nonce');
    const posted = proxy.posted.length;
    await transfer.getByRole('button', { name: 'Send transaction' }).click();
    // The IDE's review step (gas, maximum fee) before anything is signed.
    await page.getByTestId('contract-review').getByRole('button', { name: 'Confirm and send' }).click();
    await poll(() => transfer.getByTestId('call-result').textContent()).toContain('failed: this node is untrustworthy: node reports balance');
    expect(signedNonces(posted)).toEqual([]);
    lies.clear();
  });
});
