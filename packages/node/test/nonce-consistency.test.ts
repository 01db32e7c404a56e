import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORKS, buildSignedTransfer, bytesToHex, encodeTx, generatePrivateKey, keyInfoFromPrivateKey } from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;
const SENDS = 300;
const POLLS = 1_200;
/** Below the mempool's 64 pending transactions per sender. */
const MAX_AHEAD = 40;

/**
 * The mempool and the chain agree at every instant: a wallet that sends a
 * stream of transfers while blocks connect, taking each nonce from
 * GET /api/address, is never told a used nonce and never refused, and an
 * independent poller never sees nextNonce behind what was already accepted.
 */
describe('nonce consistency under a stream of transfers while blocks connect (real node process)', () => {
  let node: TestNode;
  const key = generatePrivateKey();
  const me = keyInfoFromPrivateKey(key).addressText;
  const other = keyInfoFromPrivateKey(generatePrivateKey()).addressText;
  /** A second wallet that keeps its own nonces, as a script would. */
  const key2 = generatePrivateKey();
  const me2 = keyInfoFromPrivateKey(key2).addressText;

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false', RATE_LIMIT: 'off' } });
    await node.api('/api/mining/generate', { body: { count: 3, address: me } });
    await node.api('/api/mining/generate', { body: { count: 3, address: me2 } });
  }, 60_000);
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('never answers a wrong nextNonce and refuses no valid transaction', async () => {
    let accepted = 0;
    let confirmed = 0;
    let done = false;
    const refusals: string[] = [];
    const wrongNonces: string[] = [];
    const tooLow: string[] = [];
    let polls = 0;
    let blocks = 0;

    const sender = async () => {
      try {
        for (let i = 0; i < SENDS; i++) {
          while (accepted - confirmed >= MAX_AHEAD) await new Promise((r) => setTimeout(r, 2));
          const info = await node.api(`/api/address/${me}`);
          if (BigInt(info.nextNonce) !== BigInt(accepted)) wrongNonces.push(`send ${i}: nextNonce ${info.nextNonce}, ${accepted} accepted`);
          const tx = buildSignedTransfer({ params, to: other, amount: 1_000n, fee: { custom: 10_000n }, nonce: BigInt(info.nextNonce) }, key);
          const r = await node.request('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
          if (r.status === 200) accepted++;
          else refusals.push(`send ${i} (nonce ${info.nextNonce}): ${r.status} ${JSON.stringify(r.body)}`);
        }
      } finally {
        done = true;
      }
    };
    let accepted2 = 0;
    let confirmed2 = 0;
    const localSender = async () => {
      for (let i = 0; i < SENDS && refusals.length === 0; i++) {
        while (i - confirmed2 >= MAX_AHEAD) await new Promise((r) => setTimeout(r, 2));
        const tx = buildSignedTransfer({ params, to: other, amount: 1_000n, fee: { custom: 10_000n }, nonce: BigInt(i) }, key2);
        const r = await node.request('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
        if (r.status === 200) accepted2++;
        else refusals.push(`local send ${i}: ${r.status} ${JSON.stringify(r.body)}`);
        if (i % 8 === 0) confirmed2 = Number((await node.api(`/api/address/${me2}`)).nonce);
      }
    };
    const miner = async () => {
      while (!done) {
        await node.api('/api/mining/generate', { body: { count: 1, address: other } });
        blocks++;
      }
    };
    const poller = async () => {
      while (!done || polls < POLLS) {
        const before = accepted;
        const info = await node.api(`/api/address/${me}`);
        polls++;
        confirmed = Number(info.nonce);
        if (BigInt(info.nextNonce) < BigInt(before)) tooLow.push(`poll ${polls}: nextNonce ${info.nextNonce} < ${before} accepted`);
        if (done && polls >= POLLS) break;
      }
    };
    await Promise.all([sender(), localSender(), miner(), poller()]);

    expect(refusals).toEqual([]);
    expect(wrongNonces).toEqual([]);
    expect(tooLow).toEqual([]);
    expect(accepted).toBe(SENDS);
    expect(accepted2).toBe(SENDS);
    expect(polls).toBeGreaterThanOrEqual(POLLS);
    expect(blocks).toBeGreaterThan(10);
    await node.api('/api/mining/generate', { body: { count: 1, address: other } });
    const end = await node.api(`/api/address/${me}`);
    expect(end).toMatchObject({ nonce: String(SENDS), nextNonce: String(SENDS) });
    expect(await node.api(`/api/address/${me2}`)).toMatchObject({ nonce: String(SENDS), nextNonce: String(SENDS) });
  }, 120_000);
});
