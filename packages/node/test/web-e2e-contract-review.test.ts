/// <reference lib="dom" />
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CONTRACT_EXAMPLES,
  NETWORKS,
  buildSignedContractTransfer,
  bytesToHex,
  encodeTx,
  generatePrivateKey,
  keyInfoFromPrivateKey,
} from '@hackcoin/core';
import { CHROMIUM, CHROMIUM_ARGS, ConsoleWatch, SHOTS, hasChromium } from './helpers/browser.js';
import { removeDir, type TestNode } from './helpers/node-process.js';
import { importTestWallet, startWalletTestNode } from './helpers/wallet-page.js';

/**
 * The contract IDE's review step in a real browser against a regtest node: a
 * deploy or call is signed only after the user saw its gas limit, gas price and
 * maximum fee and pressed Confirm; Cancel leaves nothing signed. A miner who
 * paid itself a high gas price, pushing the node's estimate up, is called out.
 */
const poll = <T>(fn: () => T | Promise<T>, opts: { timeout?: number } = {}) => expect.poll(fn, { timeout: 30_000, ...opts });
/** Base units as the web app writes HCK amounts (grouped, trailing zeros trimmed). */
const hck = (units: bigint) => {
  const frac = (units % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return `${(units / 100_000_000n).toLocaleString('en-US')}${frac ? `.${frac}` : ''} HCK`;
};
/** What the miner pays itself per gas to move the node's "normal" gas price. */
const PUMPED_PRICE = 30_000n;

interface MempoolTx {
  from: string;
  fee: string;
  data: string;
}
const payloadOf = (tx: MempoolTx) => JSON.parse(Buffer.from(tx.data, 'hex').toString('utf8')) as { type: string; gasLimit: number; gasPrice: string; code?: string };

if (!hasChromium) {
  describe('contract IDE review step end-to-end', () => {
    it.skip(`skipped: ${CHROMIUM} is absent`, () => undefined);
  });
} else {
  describe('contract IDE review step end-to-end (Chromium + regtest node)', () => {
    let node: TestNode;
    let browser: Browser;
    let page: Page;
    const watch = new ConsoleWatch();
    let mine0 = '';
    const minerKey = generatePrivateKey();
    const miner = keyInfoFromPrivateKey(minerKey).addressText;
    let token = '';

    const mine = (count: number, address = miner) => node.api('/api/mining/generate', { body: { count, address } });
    const mempool = async () => (await node.api('/api/mempool')) as { size: number; transactions: MempoolTx[] };
    const nonceOf = async (a: string) => BigInt((await node.api(`/api/address/${a}`)).nonce as string);
    const balanceOf = async (a: string) => BigInt((await node.api(`/api/address/${a}`)).balance as string);
    const normalGasPrice = async () => BigInt((await node.api('/api/fees/estimate')).gasPrice.normal as string);
    const review = () => page.getByTestId('contract-review');
    const text = async (id: string) => (await review().getByTestId(id).textContent()) ?? '';
    const shot = async (name: string) => page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });

    beforeAll(async () => {
      ({ node, addresses: [mine0 = ''] } = await startWalletTestNode());
      await mine(3, mine0);
      await mine(5);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      page.setDefaultTimeout(20_000);
      await watch.attach(page);
      await page.goto(`${node.url}/wallet`);
      await importTestWallet(page, 1);
      await page.getByTestId('wallet-address').first().waitFor({ timeout: 30_000 });
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contracts' }).click();
      await page.locator('.cm-editor').waitFor();
    }, 120_000);

    afterEach(() => {
      expect(watch.take()).toEqual([]);
    });

    afterAll(async () => {
      await browser?.close();
      if (node) {
        await node.stop();
        removeDir(node.dataDir);
      }
    });

    it("shows a deploy's gas and maximum fee before signing; Cancel signs nothing, Confirm sends exactly the reviewed gas", async () => {
      const price = await normalGasPrice();
      const init = ['HackToken', 'HACK', 2, 1000000];
      const { suggestedGasLimit: limit } = await node.api('/api/contracts/estimate-gas', {
        body: { type: 'deploy', from: mine0, contractCode: CONTRACT_EXAMPLES.token, initData: init, value: '0', gasPrice: price.toString() },
      });
      const maxFee = BigInt(limit) * price;
      const balance = await balanceOf(mine0);

      await page.getByRole('button', { name: 'Sign and deploy' }).click();
      await review().waitFor();
      expect(await text('review-contract')).toBe('new contract');
      const codeRow = await text('review-code');
      expect(await text('review-call')).toBe('init("HackToken", "HACK", 2, 1000000)');
      expect(await text('review-value')).toBe('0 HCK');
      expect(await text('review-gas-limit')).toBe(`${limit.toLocaleString('en-US')} (from the node's estimate)`);
      expect(await text('review-gas-price')).toBe(`${price.toLocaleString('en-US')} base units/gas (from the node's estimate)`);
      expect(await text('review-max-fee')).toBe(hck(maxFee));
      await poll(() => text('review-balance-after')).toBe(`${hck(balance - maxFee)} at worst`);
      expect(await review().getByTestId('review-fee-warning').count()).toBe(0);
      // Under review: nothing signed, nothing at the node.
      expect((await mempool()).size).toBe(0);

      await review().getByRole('button', { name: 'Cancel' }).click();
      await poll(() => review().count()).toBe(0);
      expect((await mempool()).size).toBe(0);
      expect(await nonceOf(mine0)).toBe(0n);
      expect(await page.getByTestId('ide-console').locator('li').count()).toBe(0);

      await page.getByRole('button', { name: 'Sign and deploy' }).click();
      await review().waitFor();
      expect(await text('review-max-fee')).toBe(hck(maxFee));
      await review().getByRole('button', { name: 'Confirm and send' }).click();
      await poll(async () => (await mempool()).size).toBe(1);
      const [tx] = (await mempool()).transactions;
      expect(tx!.from).toBe(mine0);
      expect(payloadOf(tx!)).toMatchObject({ type: 'deploy', gasLimit: limit, gasPrice: price.toString() });
      // The review named the code that was signed.
      const signed = Buffer.from(payloadOf(tx!).code!, 'utf8');
      expect(codeRow).toBe(`${signed.length.toLocaleString('en-US')} bytes, SHA-256 ${createHash('sha256').update(signed).digest('hex')}`);
      expect(tx!.fee).toBe(maxFee.toString());
      // The IDE fills in the new contract's address once the node has answered the send.
      await poll(() => page.getByLabel('Contract address').inputValue()).toMatch(/^0x[0-9a-fA-F]{40}$/);
      token = await page.getByLabel('Contract address').inputValue();
      await mine(1);
      // The page shows the deployed contract (its function forms are rebuilt from the deployed code then).
      await poll(() => page.getByTestId('storage-table').locator(`tr[data-key="balance:${mine0.toLowerCase()}"]`).textContent()).toContain('1000000');
    }, 90_000);

    it("warns when a miner has pushed the node's gas price up, and a typed price is signed as reviewed", async () => {
      // The miner pays itself a high gas price in its own blocks: the node's "normal" estimate follows.
      for (let nonce = 0n; nonce < 3n; nonce++) {
        const tx = buildSignedContractTransfer(
          { params: NETWORKS.regtest, action: { type: 'call', contract: token, fn: 'balanceOf', args: [miner] }, gasLimit: 40_000, gasPrice: PUMPED_PRICE, value: 0n, nonce },
          minerKey,
        );
        await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
      }
      await mine(1);
      expect(await normalGasPrice()).toBe(PUMPED_PRICE);
      expect((await mempool()).size).toBe(0);

      const transfer = page.getByTestId('fn-transfer');
      await poll(() => transfer.count()).toBe(1);
      await transfer.locator('summary').click();
      await transfer.getByLabel('to', { exact: true }).fill(JSON.stringify(miner));
      await transfer.getByLabel('amount', { exact: true }).fill('5');
      const estimate = async (gasPrice: bigint) =>
        (await node.api('/api/contracts/estimate-gas', {
          body: { type: 'call', from: mine0, contractAddress: token, functionName: 'transfer', parameters: [miner, 5], value: '0', gasPrice: gasPrice.toString() },
        })).suggestedGasLimit as number;
      const limit = await estimate(PUMPED_PRICE);
      const maxFee = BigInt(limit) * PUMPED_PRICE;
      const balance = await balanceOf(mine0);
      // What the audit saw: a maximum fee of a large share of the balance, yet within it.
      expect(maxFee * 10n).toBeGreaterThan(balance);
      expect(maxFee).toBeLessThan(balance);

      await transfer.getByRole('button', { name: 'Send transaction' }).click();
      await review().waitFor();
      expect(await text('review-contract')).toBe(token);
      expect(await text('review-call')).toBe(`transfer("${miner}", 5)`);
      expect(await text('review-max-fee')).toBe(hck(maxFee));
      await poll(() => text('review-balance-after')).toBe(`${hck(balance - maxFee)} at worst`);
      const warning = review().getByTestId('review-fee-warning');
      const share = ((maxFee * 1000n + balance - 1n) / balance).toString();
      expect(await warning.textContent()).toContain(`The maximum fee is ${share.slice(0, -1)}.${share.slice(-1)} % of your spendable balance (more than 10 %).`);
      expect(await warning.textContent()).toContain(`The gas price ${PUMPED_PRICE.toLocaleString('en-US')} is ${PUMPED_PRICE.toLocaleString('en-US')}× the node's minimum of 1 (more than 10×).`);
      expect((await mempool()).size).toBe(0);
      await shot('contracts-review-fee-warning-1280');

      await review().getByRole('button', { name: 'Cancel' }).click();
      await poll(() => transfer.getByTestId('call-result').textContent()).toBe(`transfer("${miner}", 5) cancelled at the review: nothing was signed or sent`);
      expect((await mempool()).size).toBe(0);
      expect(await nonceOf(mine0)).toBe(1n);

      // The user prices it themselves: no warning, and the signed transaction carries that price.
      await page.locator('#exec-gas-price').fill('2');
      const typedLimit = await estimate(2n);
      await transfer.getByRole('button', { name: 'Send transaction' }).click();
      await review().waitFor();
      expect(await text('review-gas-price')).toBe('2 base units/gas (as you entered it)');
      expect(await text('review-gas-limit')).toBe(`${typedLimit.toLocaleString('en-US')} (from the node's estimate)`);
      expect(await text('review-max-fee')).toBe(hck(BigInt(typedLimit) * 2n));
      await poll(() => text('review-balance-after')).toContain('at worst');
      expect(await review().getByTestId('review-fee-warning').count()).toBe(0);
      await review().getByRole('button', { name: 'Confirm and send' }).click();
      await poll(async () => (await mempool()).size).toBe(1);
      const [tx] = (await mempool()).transactions;
      expect(tx!.from).toBe(mine0);
      expect(payloadOf(tx!)).toMatchObject({ type: 'call', gasLimit: typedLimit, gasPrice: '2' });
      expect(tx!.fee).toBe((BigInt(typedLimit) * 2n).toString());
      await poll(() => transfer.getByTestId('call-result').textContent()).toContain('→ transaction');
      await mine(1);
      await poll(() => page.getByTestId('receipt').first().getByTestId('receipt-status').textContent()).toBe('success');
    }, 90_000);
  });
}
