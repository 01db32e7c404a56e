import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COIN,
  NETWORKS,
  addressFromPublicKey,
  bytesToHex,
  encodeTx,
  formatAddress,
  generatePrivateKey,
  hexToBytes,
  publicKeyFromPrivate,
  signTransfer,
  txId,
} from '@hackcoin/core';
import { runCli } from './helpers/cli-process.js';
import { removeDir, startNode, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

/** bitcoin-cli style chain commands against a real regtest node without P2P. */
describe('hackcoin chain commands', { timeout: 120_000 }, () => {
  let node: TestNode;
  let dataDir: string;
  let me = '';
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { env: { DATA_DIR: dataDir, HACKCOIN_NODE: node.url, HACKCOIN_PASSWORD: 'correct horse battery staple', HACKCOIN_WALLET: undefined, HACKCOIN_TOKEN: undefined, ...env } });
  const ok = async (args: string[], env?: Record<string, string | undefined>) => {
    const r = await cli([...args, '--json'], env);
    if (r.code !== 0) throw new Error(`hackcoin ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.json();
  };

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-chain-'));
    me = (await ok(['wallet', 'create', '--yes-i-saved-it', '--words', '12'])).address;
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
    removeDir(dataDir);
  });

  it('generate mines to the wallet with the node token, and refuses without it', async () => {
    const r = await ok(['generate', '3', '--token', TEST_TOKEN]);
    expect(r).toMatchObject({ height: 3, address: me });
    expect(r.blocks).toHaveLength(3);
    const other = '0x' + '22'.repeat(20);
    expect((await ok(['generate', '1', other], { HACKCOIN_TOKEN: TEST_TOKEN })).height).toBe(4);
    const refused = await cli(['generate', '1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs the node token/);
    const bad = await cli(['generate', '0', '--token', TEST_TOKEN]);
    expect(bad.code).toBe(2);
  });

  it("generate reads the token from the node's cookie when the node is on this host, with nothing on the command line", async () => {
    const own = await startNode({ env: { P2P: 'false', API_TOKEN: '' } });
    try {
      const r = await runCli(['generate', '1', '0x' + '33'.repeat(20), '--json'], { env: { DATA_DIR: own.dataDir, HACKCOIN_NODE: own.url, HACKCOIN_TOKEN: undefined } });
      expect(r.code).toBe(0);
      expect(r.json().height).toBe(1);
    } finally {
      await own.stop();
      removeDir(own.dataDir);
    }
  });

  it('getbalance, getblock and getmempoolinfo read the chain in HCK', async () => {
    expect(await ok(['getbalance'])).toMatchObject({ unit: 'HCK', balance: '150' });
    expect((await cli(['getbalance', me])).stdout.trim()).toBe('150 HCK');
    const block = await ok(['getblock', '2']);
    expect(block).toMatchObject({ height: 2, txCount: 1 });
    expect((await ok(['getblock', block.hash])).height).toBe(2);
    const text = await cli(['getblock', '2']);
    expect(text.stdout).toContain(`hash           ${block.hash}`);
    expect(text.stdout).toContain('50 HCK');
    expect(await ok(['getmempoolinfo'])).toMatchObject({ size: 0, bytes: 0, feeRate: { slow: '1', normal: '1', fast: '1' } });
    expect((await cli(['getblock', '99'])).code).toBe(1);
  });

  it('getblockchaininfo, getblockcount, getbestblockhash and getblockhash agree with the node; gettransaction, getrawmempool and sendrawtransaction follow a transaction signed elsewhere', async () => {
    const info = await node.api('/api/node/info');
    expect(await ok(['getblockchaininfo'])).toMatchObject({ chain: 'regtest', blocks: info.height, bestblockhash: info.bestHash, chainwork: info.chainWork, genesis: info.genesis });
    expect((await cli(['getblockcount'])).stdout.trim()).toBe(String(info.height));
    expect((await cli(['getbestblockhash'])).stdout.trim()).toBe(info.bestHash);
    for (const h of [0, 2, info.height]) expect((await ok(['getblockhash', String(h)])).hash).toBe((await node.api(`/api/blocks/${h}`)).hash);
    const past = await cli(['getblockhash', String(info.height + 1)]);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain(`no block at height ${info.height + 1}`);

    // Signed by a key the CLI never saw, funded by a block mined to it.
    const key = generatePrivateKey();
    const from = addressFromPublicKey(publicKeyFromPrivate(key));
    await ok(['generate', '1', formatAddress(from)], { HACKCOIN_TOKEN: TEST_TOKEN });
    const tx = signTransfer({ kind: 'transfer', chainId: NETWORKS.regtest.chainId, nonce: 0n, fee: 10_000n, to: hexToBytes('44'.repeat(20)), amount: 3n * COIN, data: new Uint8Array() }, key);
    const raw = bytesToHex(encodeTx(tx));
    const id = txId(tx);
    expect((await cli(['sendrawtransaction', raw])).stdout.trim()).toBe(id);
    expect(await ok(['getrawmempool'])).toEqual({ size: 1, txids: [id] });
    expect(await ok(['gettransaction', id])).toMatchObject({ id, status: 'pending', from: formatAddress(from), amount: String(3n * COIN), fee: '10000' });
    const again = await cli(['sendrawtransaction', raw]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/node rejected it: txn-already-known/);
    const mined = (await ok(['generate', '1', formatAddress(from)], { HACKCOIN_TOKEN: TEST_TOKEN })).blocks[0];
    const text = (await cli(['gettransaction', id])).stdout;
    expect(text).toContain(`status         confirmed in block ${info.height + 2} (1 confirmation)`);
    expect(text).toContain('amount         3 HCK');
    expect((await ok(['getblock', mined])).stats).toMatchObject({ fees: '10000', miner: formatAddress(from) });
    expect(await ok(['getrawmempool'])).toEqual({ size: 0, txids: [] });
    expect((await cli(['sendrawtransaction', 'zz'])).code).toBe(2);
  });

  it('getpeerinfo explains a node without peer-to-peer networking', async () => {
    const r = await cli(['getpeerinfo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: node: peer-to-peer networking is disabled/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
