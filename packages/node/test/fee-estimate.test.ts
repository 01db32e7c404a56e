import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NETWORKS,
  buildSignedContractTransfer,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  generatePrivateKey,
  keyInfoFromPrivateKey,
  parseFeeEstimate,
  signedTransferSize,
} from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;
const tokenSource = CONTRACT_EXAMPLES.token;

/** The fee policy on a real node: rates come from what confirmed transactions paid, per byte or per gas. */
describe('GET /api/fees/estimate on a regtest node', () => {
  let node: TestNode;
  const key = generatePrivateKey();
  const me = keyInfoFromPrivateKey(key).addressText;
  const other = keyInfoFromPrivateKey(generatePrivateKey()).addressText;
  let nonce = 0n;
  const submit = async (tx: ReturnType<typeof buildSignedTransfer>) =>
    (await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } })).id as string;
  const mine = (count = 1) => node.api('/api/mining/generate', { body: { count, address: me } });
  const estimate = async () => parseFeeEstimate(await node.api('/api/fees/estimate'));

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    await mine(3);
    // Three confirmed transfers at 2 units per byte set the history the estimate follows.
    const size = BigInt(signedTransferSize(0));
    for (let i = 0; i < 3; i++) await submit(buildSignedTransfer({ params, to: other, amount: 1000n, fee: { custom: 2n * size }, nonce: nonce++ }, key));
    await mine();
  }, 60_000);
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('stays put after five token calls, pending and confirmed; their gas price is quoted apart', async () => {
    const before = await estimate();
    expect(before.perByte.normal).toBe(2n);
    const contract = (action: Parameters<typeof buildSignedContractTransfer>[0]['action']) =>
      submit(buildSignedContractTransfer({ params, action, gasLimit: 1_500_000, gasPrice: 3n, nonce: nonce++ }, key));
    const deploy = await contract({ type: 'deploy', code: tokenSource, init: ['Hack', 'HCK', 0, 1_000_000] });
    await mine();
    const token = (await node.api(`/api/tx/${deploy}`)).receipt.contractAddress as string;
    for (let i = 0; i < 5; i++) await contract({ type: 'call', contract: token, fn: 'transfer', args: [other, 10 + i] });
    expect((await node.api('/api/fees/estimate')).basis.mempoolTxs).toBe(5);
    expect((await estimate()).perByte).toEqual(before.perByte);
    await mine();
    const after = await estimate();
    expect(after.perByte).toEqual(before.perByte);
    // Paid per gas used: the calls' gas price, whatever their gas limit.
    expect(after.gasPrice.normal).toBe(3n);
    const json = await node.api('/api/fees/estimate');
    expect(json.basis).toMatchObject({ samples: 3, contractSamples: 6 });
  });
});
