import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COIN,
  HeaderChain,
  NETWORKS,
  ProofError,
  buildSignedContractTransfer,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  generatePrivateKey,
  hexToBytes,
  keyInfoFromPrivateKey,
  parseAddress,
  verifyStateProof,
} from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;
const tokenSource = CONTRACT_EXAMPLES.token;

/** A light client on a real node: headers checked from genesis, then every figure checked by proof. */
describe('proof routes on a regtest node', () => {
  let node: TestNode;
  const key = generatePrivateKey();
  const me = keyInfoFromPrivateKey(key).addressText;
  const other = keyInfoFromPrivateKey(generatePrivateKey()).addressText;
  let token = '';
  const mine = (count = 1) => node.api('/api/mining/generate', { body: { count, address: me } });
  const submit = async (tx: ReturnType<typeof buildSignedTransfer>) =>
    (await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } })).id as string;

  async function syncHeaders(): Promise<HeaderChain> {
    const chain = HeaderChain.fromGenesis(params);
    const res = await node.api('/api/headers?from=1&count=2000');
    chain.submit(res.headers.map((h: string) => hexToBytes(h)), 1, Math.floor(Date.now() / 1000));
    return chain;
  }

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    await mine(3);
    await submit(buildSignedTransfer({ params, to: other, amount: 7n * COIN, fee: { custom: 10_000n }, nonce: 0n }, key));
    const deploy = await submit(
      buildSignedContractTransfer({ params, action: { type: 'deploy', code: tokenSource, init: ['Hack', 'HCK', 0, 1_000_000] }, gasLimit: 5_000_000, gasPrice: 1n, nonce: 1n }, key),
    );
    await mine();
    token = (await node.api(`/api/tx/${deploy}`)).receipt.contractAddress as string;
    await submit(buildSignedContractTransfer({ params, action: { type: 'call', contract: token, fn: 'transfer', args: [other, 250] }, gasLimit: 1_500_000, gasPrice: 1n, nonce: 2n }, key));
    await mine();
  }, 90_000);
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('serves headers a client checks from genesis up to the node tip', async () => {
    const chain = await syncHeaders();
    const info = await node.api('/api/node/info');
    expect(chain.height).toBe(info.height);
    expect(chain.tip.id).toBe(info.bestHash);
    expect(chain.tip.chainWork.toString(16)).toBe(info.chainWork);
    const bin = await fetch(`${node.url}/api/headers?from=0&count=3&format=binary`);
    expect(bin.headers.get('content-type')).toBe('application/octet-stream');
    expect((await bin.arrayBuffer()).byteLength).toBe(240);
    const upToDate = await node.api(`/api/headers?from=${info.height + 1}`);
    expect(upToDate).toMatchObject({ count: 0, headers: [], tipHeight: info.height });
  });

  it('proves balances and nonces at the tip and at an old block', async () => {
    const chain = await syncHeaders();
    for (const who of [me, other]) {
      const res = await node.api(`/api/proof/account/${who}`);
      const v = verifyStateProof(hexToBytes(res.proof), { blockHash: chain.tip.hash, height: chain.height, address: parseAddress(who) });
      const shown = await node.api(`/api/address/${who}`);
      expect(v.account.balance.toString()).toBe(String(shown.balance));
      expect(v.account.nonce.toString()).toBe(String(shown.nonce));
      expect(res.size).toBe(res.proof.length / 2);
    }
    const at2 = await node.api(`/api/proof/account/${me}?block=2`);
    const v2 = verifyStateProof(hexToBytes(at2.proof), { blockHash: chain.at(2)!.hash, height: 2, address: parseAddress(me) });
    expect(v2.account.balance).toBe(2n * 50n * COIN);
    expect(v2.account.nonce).toBe(0n);
    const byHash = await node.api(`/api/proof/account/${me}?block=${chain.at(2)!.id}`);
    expect(byHash.proof).toBe(at2.proof);
  });

  it('proves contract storage, and a proof for a changed value fails', async () => {
    const chain = await syncHeaders();
    const slot = `balance:${other.toLowerCase()}`;
    const res = await node.api(`/api/proof/storage/${token}/${encodeURIComponent(slot)}`);
    const call = await node.api('/api/contracts/call', { body: { contractAddress: token, functionName: 'balanceOf', parameters: [other] } });
    const expectAt = { blockHash: chain.tip.hash, height: chain.height, address: parseAddress(token), storageKey: res.key as string };
    const v = verifyStateProof(hexToBytes(res.proof), expectAt);
    expect(v.storageValue).toBe(res.value);
    expect(JSON.parse(v.storageValue!)).toBe(250);
    expect(call.returnValue).toBe(250);
    const forged = hexToBytes(res.proof);
    forged[forged.length - 2]! ^= 1;
    expect(() => verifyStateProof(forged, expectAt)).toThrow(ProofError);
  });

  it('names the invalid field in 4xx answers', async () => {
    const cases: [string, number, string][] = [
      ['/api/proof/account/0x1234', 400, 'address'],
      [`/api/proof/account/${me}?block=xyz`, 400, 'block'],
      [`/api/proof/account/${me}?block=99999`, 404, 'not found'],
      [`/api/proof/account/${me}?blok=1`, 400, 'query'],
      [`/api/proof/storage/0x12/k`, 400, 'contract'],
      ['/api/headers', 400, 'from'],
      ['/api/headers?from=0&count=2001', 400, 'count'],
      ['/api/headers?from=0&format=xml', 400, 'format'],
      ['/api/headers?from=9999', 404, 'above the tip'],
    ];
    for (const [path, status, word] of cases) {
      const r = await node.request(path);
      expect(r.status, path).toBe(status);
      expect(JSON.stringify(r.body), path).toContain(word);
    }
  });
});
