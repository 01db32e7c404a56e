import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORKS, formatAddress, generatePrivateKey, publicKeyFromPrivate, addressFromPublicKey, signTransfer, encodeTx, bytesToHex } from '@hackcoin/core';
import { startNode, removeDir, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;

describe('HTTP API of a real regtest node', () => {
  let node: TestNode;
  const key = generatePrivateKey();
  const me = addressFromPublicKey(publicKeyFromPrivate(key));
  const other = addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey()));

  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('reports node info for regtest', async () => {
    const info = await node.api('/api/node/info');
    expect(info.network).toBe('regtest');
    expect(info.chainId).toBe(params.chainId);
    expect(info.height).toBe(0);
    expect(info.genesis).toBe('5deb2e337542e7a3b746ea4400ea6e2ab78f2b6fba7408182610fa50beac9ec7');
  });

  it('requires the token for control routes (401) and accepts it', async () => {
    const denied = await node.request('/api/mining/generate', { body: { count: 1, address: formatAddress(me) }, token: null });
    expect(denied.status).toBe(401);
    const wrong = await node.request('/api/mining/generate', { body: { count: 1, address: formatAddress(me) }, token: 'x'.repeat(TEST_TOKEN.length) });
    expect(wrong.status).toBe(401);
    const ok = await node.api('/api/mining/generate', { body: { count: 3, address: formatAddress(me) } });
    expect(ok.blocks).toHaveLength(3);
    expect(ok.height).toBe(3);
  });

  it('answers 400 naming the field for bad input', async () => {
    const badAddr = await node.request('/api/mining/generate', { body: { count: 1, address: '0x123' } });
    expect(badAddr.status).toBe(400);
    expect(badAddr.body.message).toMatch(/address/);
    const badCount = await node.request('/api/mining/generate', { body: { count: 'many', address: formatAddress(me) } });
    expect(badCount.status).toBe(400);
    expect(badCount.body.message).toMatch(/count/);
    const checksum = formatAddress(me).replace(/[a-f]/, (c) => c.toUpperCase());
    const badChecksum = await node.request(`/api/address/${checksum}`);
    if (checksum !== formatAddress(me)) {
      expect(badChecksum.status).toBe(400);
      expect(badChecksum.body.message).toMatch(/checksum/);
    }
    const malformed = await node.request('/api/transactions', { rawBody: '{"raw": ' });
    expect(malformed.status).toBe(400);
    const badPage = await node.request('/api/blocks?page=0');
    expect(badPage.status).toBe(400);
    expect(badPage.body.message).toMatch(/page/);
    const badHeight = await node.request('/api/blocks/notahash');
    expect(badHeight.status).toBe(400);
  });

  it('answers 404 for unknown routes, blocks and transactions', async () => {
    expect((await node.request('/api/does-not-exist')).status).toBe(404);
    expect((await node.request('/api/blocks/999999')).status).toBe(404);
    expect((await node.request(`/api/tx/${'ab'.repeat(32)}`)).status).toBe(404);
  });

  it('answers 413 for oversized bodies and keeps serving', async () => {
    const big = await node.request('/api/transactions', { rawBody: JSON.stringify({ raw: 'ab'.repeat(400_000) }) });
    expect(big.status).toBe(413);
    const info = await node.api('/api/node/info');
    expect(info.height).toBeGreaterThanOrEqual(3);
  });

  it('serves blocks with the raw 80-byte header, newest first in the list', async () => {
    const list = await node.api('/api/blocks?limit=2');
    expect(list.blocks.map((b: { height: number }) => b.height)).toEqual([3, 2]);
    const b = await node.api('/api/blocks/2');
    expect(b.rawHeader).toHaveLength(160);
    const byHash = await node.api(`/api/blocks/${b.hash}`);
    expect(byHash.height).toBe(2);
    expect(byHash.transactions[0].type).toBe('coinbase');
    expect(byHash.transactions[0].amount).toBe('5000000000');
    const full = await node.api('/api/blockchain/full');
    expect(full.length).toBe(4);
  });

  it('accepts a signed transfer, rejects replays and bad signatures by rule name, and confirms it', async () => {
    const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce: 0n, fee: 1000n, to: other, amount: 12_345n, data: new Uint8Array() }, key);
    const raw = bytesToHex(encodeTx(tx));
    const res = await node.api('/api/transactions', { body: { raw } });
    expect(res.id).toMatch(/^[0-9a-f]{64}$/);
    const dup = await node.request('/api/transactions', { body: { raw } });
    expect(dup.status).toBe(400);
    expect(dup.body.error).toBe('txn-already-known');

    const flipped = encodeTx(signTransfer({ ...tx, nonce: 1n }, key));
    flipped[flipped.length - 5]! ^= 1;
    const bad = await node.request('/api/transactions', { body: { raw: bytesToHex(flipped) } });
    expect(bad.body.error).toBe('bad-txns-sig');

    const wrongChain = signTransfer({ kind: 'transfer', chainId: NETWORKS.main.chainId, nonce: 1n, fee: 1000n, to: other, amount: 1n, data: new Uint8Array() }, key);
    const wc = await node.request('/api/transactions', { body: { raw: bytesToHex(encodeTx(wrongChain)) } });
    expect(wc.body.error).toBe('bad-txns-chainid');

    const pending = await node.api(`/api/tx/${res.id}`);
    expect(pending.status).toBe('pending');
    const mempool = await node.api('/api/mempool');
    expect(mempool.size).toBe(1);

    await node.api('/api/mining/generate', { body: { count: 1, address: formatAddress(other) } });
    const confirmed = await node.api(`/api/tx/${res.id}`);
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.confirmations).toBe(1);
    const acct = await node.api(`/api/address/${formatAddress(other)}`);
    expect(acct.balance).toBe((5_000_000_000n + 1000n + 12_345n).toString());
    const mine = await node.api(`/api/address/${formatAddress(me)}`);
    expect(mine.balance).toBe((3n * 5_000_000_000n - 12_345n - 1000n).toString());
    expect(mine.nonce).toBe('1');
    expect(mine.history[0].id).toBe(res.id);
    expect(mine.history[0].direction).toBe('out');
  });
});
