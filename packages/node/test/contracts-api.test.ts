import { CONTRACT_EXAMPLES } from '@hackcoin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NETWORKS, ZERO_ADDRESS, addressFromPublicKey, bytesToHex, encodeTx, formatAddress, generatePrivateKey, publicKeyFromPrivate,
  signTransfer, utf8ToBytes,
} from '@hackcoin/core';
import { startNode, removeDir, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;
const source = (name: keyof typeof CONTRACT_EXAMPLES) => CONTRACT_EXAMPLES[name];

describe('contract API of a real regtest node (signed transactions mined with /api/mining/generate)', () => {
  let node: TestNode;
  const key = generatePrivateKey();
  const me = addressFromPublicKey(publicKeyFromPrivate(key));
  const other = addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey()));
  let nonce = 0n;
  let token = '';

  const raw = (to: Uint8Array, payload: Record<string, unknown>, gasLimit = 2_000_000, amount = 0n) => {
    const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: '2' }));
    const tx = signTransfer({ kind: 'transfer', chainId: params.chainId, nonce: nonce++, fee: BigInt(gasLimit) * 2n, to, amount, data }, key);
    return { raw: bytesToHex(encodeTx(tx)) };
  };
  const mine = () => node.api('/api/mining/generate', { body: { count: 1, address: formatAddress(other) } });

  beforeAll(async () => {
    node = await startNode();
    await node.api('/api/mining/generate', { body: { count: 2, address: formatAddress(me) } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('estimates, deploys the token and returns a receipt in GET /api/tx/:id', async () => {
    const est = await node.api('/api/contracts/estimate-gas', {
      body: { type: 'deploy', from: formatAddress(me), contractCode: source('token'), initData: ['Hack', 'HCK', 8, 1000] },
    });
    expect(est.status).toBe('success');
    expect(est.suggestedGasLimit).toBeGreaterThan(est.gasUsed);
    const res = await node.api('/api/contracts/deploy', { body: raw(ZERO_ADDRESS, { type: 'deploy', code: source('token'), init: ['Hack', 'HCK', 8, 1000] }, est.suggestedGasLimit) });
    expect(res.contractAddress).toBe(est.contractAddress);
    token = res.contractAddress;
    await mine();
    const tx = await node.api(`/api/tx/${res.id}`);
    expect(tx.status).toBe('confirmed');
    expect(tx.receipt).toMatchObject({ status: 'success', contractAddress: token, gasPrice: '2' });
    expect(tx.receipt.gasUsed).toBeLessThanOrEqual(est.suggestedGasLimit);
    expect(tx.receipt.fee).toBe((BigInt(tx.receipt.gasUsed) * 2n).toString());
  });

  it('executes, calls read-only, lists and shows contracts', async () => {
    const res = await node.api('/api/contracts/execute', { body: raw(hexAddr(token), { type: 'call', fn: 'transfer', args: [formatAddress(other), 40] }) });
    const bad = await node.api('/api/contracts/execute', { body: raw(hexAddr(token), { type: 'call', fn: 'transfer', args: [formatAddress(other), 10_000] }) });
    await mine();
    expect((await node.api(`/api/tx/${res.id}`)).receipt.events).toEqual([{ name: 'Transfer', data: { from: formatAddress(me), to: formatAddress(other), amount: 40 } }]);
    expect((await node.api(`/api/tx/${bad.id}`)).receipt).toMatchObject({ status: 'reverted', revertReason: 'insufficient balance' });
    const view = await node.api('/api/contracts/call', { body: { contractAddress: token, functionName: 'balanceOf', parameters: [formatAddress(other)] } });
    expect(view).toMatchObject({ status: 'success', returnValue: 40 });
    const list = await node.api('/api/contracts?limit=5');
    expect(list.total).toBe(1);
    expect(list.contracts[0].address).toBe(token);
    const detail = await node.api(`/api/contracts/${token}`);
    expect(detail.storage[`balance:${formatAddress(other).toLowerCase()}`]).toBe(40);
    expect(detail.code).toContain('function transferFrom');
    expect(detail.events[0]).toMatchObject({ name: 'Transfer' });
  });

  it('answers 400 naming the field, 404 for unknown contracts, and refuses the wrong payload type', async () => {
    const r1 = await node.request('/api/contracts/call', { body: { contractAddress: '0x12', functionName: 'x' } });
    expect(r1.status).toBe(400);
    expect(r1.body.message).toMatch(/contractAddress/);
    const r2 = await node.request('/api/contracts/call', { body: { contractAddress: token, functionName: 'bad name' } });
    expect(r2.body.message).toMatch(/functionName/);
    const r3 = await node.request('/api/contracts/call', { body: { contractAddress: formatAddress(other), functionName: 'x' } });
    expect(r3.status).toBe(404);
    const r4 = await node.request('/api/contracts/deploy', { body: raw(hexAddr(token), { type: 'call', fn: 'name', args: [] }) });
    nonce--;
    expect(r4.status).toBe(400);
    expect(r4.body.error).toBe('bad-txns-contract-payload');
    const r5 = await node.request('/api/contracts/deploy', { body: raw(ZERO_ADDRESS, { type: 'deploy', code: 'export const x = 1;', init: [] }) });
    nonce--;
    expect(r5.body.error).toBe('bad-contract-source');
  });
});

function hexAddr(a: string): Uint8Array {
  return Uint8Array.from(Buffer.from(a.slice(2), 'hex'));
}
