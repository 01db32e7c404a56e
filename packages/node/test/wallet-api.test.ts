import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NETWORKS,
  Wallet,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  formatAddress,
  generateMnemonic,
  generatePrivateKey,
  keyInfoFromPrivateKey,
  signedTransferSize,
} from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;

describe('wallet routes on a real regtest node', () => {
  let node: TestNode;
  const wallet = { key: generatePrivateKey() };
  const me = keyInfoFromPrivateKey(wallet.key).addressText;
  const other = keyInfoFromPrivateKey(generatePrivateKey()).addressText;

  const send = async (nonce: bigint, amount: bigint, fee: bigint) => {
    const tx = buildSignedTransfer({ params, to: other, amount, fee: { custom: fee }, nonce }, wallet.key);
    return (await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } })).id as string;
  };

  beforeAll(async () => {
    node = await startNode({ env: { MIN_FEE_RATE: '2', P2P: 'false' } });
    await node.api('/api/mining/generate', { body: { count: 5, address: me } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('estimates fees as integer strings, ordered, never below MIN_FEE_RATE', async () => {
    const est = await node.api('/api/fees/estimate');
    expect(est.minFeeRate).toBe('2');
    for (const k of ['slow', 'normal', 'fast']) expect(est[k]).toMatch(/^\d+$/);
    expect(BigInt(est.slow)).toBe(2n);
    expect(BigInt(est.slow) <= BigInt(est.normal) && BigInt(est.normal) <= BigInt(est.fast)).toBe(true);
  });

  it('follows the fee rates of recently confirmed transfers', async () => {
    const size = BigInt(signedTransferSize(0));
    for (let i = 0n; i < 4n; i++) await send(i, 1000n, 50n * size);
    await node.api('/api/mining/generate', { body: { count: 1, address: me } });
    const est = await node.api('/api/fees/estimate');
    expect(est.basis.samples).toBe(4);
    expect(est.normal).toBe('50');
    expect(est.fast).toBe('50');
  });

  it('a transfer the wallet library prices from the estimate is accepted', async () => {
    const est = await node.api('/api/fees/estimate');
    const feeEstimate = { slow: BigInt(est.slow), normal: BigInt(est.normal), fast: BigInt(est.fast) };
    const info = await node.api(`/api/address/${me}`);
    const tx = buildSignedTransfer({ params, to: other, amount: '0.5', fee: 'slow', feeEstimate, nonce: BigInt(info.nextNonce) }, wallet.key);
    const res = await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
    expect(res.accepted).toBe(true);
  });

  it('lists history newest first, pending first, with direction, counterparty and confirmations', async () => {
    const h = await node.api(`/api/address/${me}/history?limit=100`);
    expect(h.address).toBe(me);
    expect(h.pendingCount).toBe(1);
    const [pending, ...confirmed] = h.entries;
    expect(pending).toMatchObject({ status: 'pending', direction: 'out', counterparty: other, amount: '50000000', confirmations: 0, blockHeight: null });
    expect(confirmed).toHaveLength(4 + 6);
    expect(confirmed[0]).toMatchObject({ status: 'confirmed', direction: 'out', counterparty: other, amount: '1000', blockHeight: 6, confirmations: 1 });
    expect(confirmed[0].fee).toBe((50n * BigInt(signedTransferSize(0))).toString());
    const coinbase = confirmed.find((e: { type: string }) => e.type === 'coinbase');
    expect(coinbase).toMatchObject({ direction: 'in', counterparty: null, fee: '0' });
    const heights = confirmed.map((e: { blockHeight: number }) => e.blockHeight);
    expect(heights).toEqual([...heights].sort((a, b) => b - a));
    expect(confirmed.at(-1)).toMatchObject({ blockHeight: 1, confirmations: 6 });

    const theirs = await node.api(`/api/address/${other}/history`);
    expect(theirs.entries[0]).toMatchObject({ status: 'pending', direction: 'in', counterparty: me });
  });

  it('pages through pending and confirmed entries without gaps or repeats', async () => {
    const all = (await node.api(`/api/address/${me}/history?limit=100`)).entries.map((e: { id: string }) => e.id);
    const paged: string[] = [];
    for (let page = 1; ; page++) {
      const h = await node.api(`/api/address/${me}/history?page=${page}&limit=3`);
      expect(h.entries.length).toBeLessThanOrEqual(3);
      paged.push(...h.entries.map((e: { id: string }) => e.id));
      if (!h.hasMore) break;
    }
    expect(paged).toEqual(all);
    const beyond = await node.api(`/api/address/${me}/history?page=50&limit=3`);
    expect(beyond).toMatchObject({ entries: [], hasMore: false });

    // By cursor: the first page holds the pending entry, then each page starts at the previous `next`.
    const byCursor: string[] = [];
    for (let q = 'limit=3'; ; ) {
      const h = await node.api(`/api/address/${me}/history?${q}`);
      byCursor.push(...h.entries.map((e: { id: string }) => e.id));
      if (h.next === null) break;
      q = `limit=3&before=${h.next}`;
    }
    expect(byCursor).toEqual(all);
  });

  it('marks a payment to oneself as self', async () => {
    const info = await node.api(`/api/address/${me}`);
    const tx = buildSignedTransfer({ params, to: me, amount: 1n, fee: { custom: 10_000n }, nonce: BigInt(info.nextNonce) }, wallet.key);
    await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
    const h = await node.api(`/api/address/${me}/history?limit=1`);
    expect(h.entries[0]).toMatchObject({ direction: 'self', counterparty: me });
  });

  it('validates the address and paging like the other routes', async () => {
    // One letter's case flipped, leaving the address mixed-case (all one case would be an unchecksummed form).
    const body = me.slice(2);
    const flipped = [...body].map((c, i) => (/[a-fA-F]/.test(c) ? `${me.slice(0, 2)}${body.slice(0, i)}${c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()}${body.slice(i + 1)}` : me));
    const badChecksum = flipped.find((a) => a !== me && /[a-f]/.test(a.slice(2)) && /[A-F]/.test(a.slice(2))) ?? me;
    if (badChecksum !== me) {
      const r = await node.request(`/api/address/${badChecksum}/history`);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/checksum/);
    }
    expect((await node.request(`/api/address/${me}/history?limit=101`)).status).toBe(400);
    expect((await node.request(`/api/address/${me}/history?page=0`)).body.message).toMatch(/page/);
    expect((await node.request('/api/address/0x12/history')).status).toBe(400);
    expect(await node.request(`/api/address/${me}/history?before=6:1x`)).toMatchObject({ status: 400, body: { error: 'bad-cursor' } });
    expect(await node.request(`/api/address/${me}?page=102&limit=100`)).toMatchObject({ status: 400, body: { error: 'page-too-deep' } });
  });

  it('has no route that takes a private key or mnemonic, and never echoes one', async () => {
    const mnemonic = generateMnemonic(12);
    const w = await Wallet.fromMnemonic(mnemonic);
    const key = bytesToHex(w.keyFor(w.newAddress().address));
    const attempts = [
      await node.request('/api/transactions', { body: { privateKey: key, to: other, amount: '1' } }),
      await node.request('/api/transactions', { body: { mnemonic, to: other, amount: '1' } }),
      await node.request('/api/wallet', { body: { mnemonic } }),
    ];
    for (const r of attempts) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(r.body)).not.toContain(key);
      expect(JSON.stringify(r.body)).not.toContain(mnemonic.split(' ').slice(0, 3).join(' '));
    }
    expect(node.output()).not.toContain(key);
    expect(node.output()).not.toContain(mnemonic);
    w.wipe();
    expect(formatAddress(keyInfoFromPrivateKey(wallet.key).address)).toBe(me);
  });
});
