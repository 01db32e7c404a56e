import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  COIN,
  LightClient,
  NETWORKS,
  UntrustworthyNode,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  generatePrivateKey,
  httpProofSource,
  keyInfoFromPrivateKey,
  parseAddress,
} from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;
type Lie = 'none' | 'balance' | 'proof' | 'work';

/** A man in the middle that forwards to the node and, when told to, lies in one way. */
async function startProxy(target: string, lie: { mode: Lie }): Promise<{ url: string; server: Server }> {
  const server = createServer(async (req, res) => {
    const upstream = await fetch(`${target}${req.url}`);
    let text = await upstream.text();
    if (upstream.ok && req.url!.startsWith('/api/proof/account/')) {
      const body = JSON.parse(text);
      if (lie.mode === 'balance') body.account.balance = (BigInt(body.account.balance) + 1_000n * COIN).toString();
      // The same lie told consistently: the balance changed inside the proof too.
      if (lie.mode === 'proof') body.proof = body.proof.slice(0, -40) + (body.proof.slice(-40, -38) === '00' ? '01' : '00') + body.proof.slice(-38);
      text = JSON.stringify(body);
    }
    if (upstream.ok && lie.mode === 'work' && req.url!.startsWith('/api/headers')) {
      const body = JSON.parse(text);
      body.chainWork = (BigInt(`0x${body.chainWork}`) * 2n).toString(16);
      text = JSON.stringify(body);
    }
    res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('LightClient against a real node, directly and through a lying proxy', () => {
  let node: TestNode;
  let proxy: { url: string; server: Server };
  const lie: { mode: Lie } = { mode: 'none' };
  const key = generatePrivateKey();
  const me = keyInfoFromPrivateKey(key).addressText;
  const other = keyInfoFromPrivateKey(generatePrivateKey()).addressText;

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    await node.api('/api/mining/generate', { body: { count: 4, address: me } });
    const tx = buildSignedTransfer({ params, to: other, amount: 3n * COIN, fee: { custom: 10_000n }, nonce: 0n }, key);
    await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
    await node.api('/api/mining/generate', { body: { count: 6, address: other } });
    proxy = await startProxy(node.url, lie);
  }, 60_000);
  afterAll(async () => {
    proxy?.server.close();
    await node.stop();
    removeDir(node.dataDir);
  });

  it('shows what the node shows, proven at the tip (1 confirmation) and 6 blocks deep', async () => {
    lie.mode = 'none';
    const client = new LightClient(httpProofSource(proxy.url), params, 1);
    await client.sync();
    const info = await node.api('/api/node/info');
    expect(client.headers.tip.id).toBe(info.bestHash);
    const shown = await node.api(`/api/address/${me}`);
    const v = await client.account(parseAddress(me));
    expect(v.balance.toString()).toBe(String(shown.balance));
    expect(v.nonce).toBe(1n);
    expect(v.height).toBe(info.height);

    const deep = new LightClient(httpProofSource(node.url), params, 6);
    await deep.sync();
    const d = await deep.account(parseAddress(other));
    // Six blocks deep is height 5: the transfer and the first of other's coinbases (with its fee) only.
    expect(d.height).toBe(info.height - 5);
    expect(d.balance).toBe(3n * COIN + 50n * COIN + 10_000n);
  });

  it('names the node untrustworthy when it rewrites a balance, forges a proof or claims work its headers lack', async () => {
    const cases: [Lie, RegExp][] = [
      ['balance', /reports balance/],
      ['proof', /false proof/],
      ['work', /claims chain work/],
    ];
    for (const [mode, message] of cases) {
      lie.mode = mode;
      const client = new LightClient(httpProofSource(proxy.url), params, 1);
      const run = async (): Promise<unknown> => {
        await client.sync();
        return client.account(parseAddress(me));
      };
      const err = await run().catch((e: unknown) => e);
      expect(err, mode).toBeInstanceOf(UntrustworthyNode);
      expect((err as Error).message, mode).toMatch(message);
    }
    lie.mode = 'none';
  });
});
