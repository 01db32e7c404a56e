import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  NETWORKS,
  Wallet,
  buildSignedContractTransfer,
  bytesToHex,
  encodeTx,
  generatePrivateKey,
  keyInfoFromPrivateKey,
  type ContractAction,
} from '@hackcoin/core';
import { SHOTS, ensureWebBuild } from './browser.js';
import { startNode, type TestNode } from './node-process.js';

/** The wallet the browser tests import: its first address is the one they mine to. */
export const TEST_PASSWORD = 'correct horse battery';
export const TEST_MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

/**
 * What a wallet browser test starts from: the web app built, the screenshot folder, a regtest node
 * without p2p, and the test wallet's first `count` addresses (the first is the one to mine to).
 */
export async function startWalletTestNode(count = 1): Promise<{ node: TestNode; addresses: string[] }> {
  ensureWebBuild();
  mkdirSync(SHOTS, { recursive: true });
  const wallet = await Wallet.fromMnemonic(TEST_MNEMONIC);
  const addresses = Array.from({ length: count }, () => wallet.newAddress().address);
  return { node: await startNode({ env: { P2P: 'false' } }), addresses };
}

/** Imports the test wallet's first `addresses` addresses through the wallet page the browser has open. */
export async function importTestWallet(page: Page, addresses: number): Promise<void> {
  await page.getByRole('tab', { name: 'Import a wallet' }).click();
  await page.getByLabel('Recovery phrase or private key').fill(TEST_MNEMONIC);
  await page.getByLabel('Addresses to restore').fill(String(addresses));
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
  await page.getByLabel('Repeat password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Import wallet' }).click();
}

/** A key outside the browser that signs contract transactions, nonce by nonce, and posts them to the node. */
export class ContractBot {
  private readonly key = generatePrivateKey();
  readonly address = keyInfoFromPrivateKey(this.key).addressText;
  private nonce = 0n;

  /** `node` is asked for at each submission: tests start their node after making the bot. */
  constructor(private readonly node: () => TestNode) {}

  /** Posts the action and answers its transaction id; a deploy's default limit covers its source's 600 gas a character. */
  readonly submit = async (action: ContractAction, gasLimit = action.type === 'deploy' ? 5_000_000 : 1_500_000, value = 0n): Promise<string> => {
    const tx = buildSignedContractTransfer({ params: NETWORKS.regtest, action, gasLimit, gasPrice: 3n, value, nonce: this.nonce++ }, this.key);
    return (await this.node().api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } })).id as string;
  };
}
