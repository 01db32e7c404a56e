import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NETWORKS, addressFromPublicKey, bytesToHex, encodeTx, formatAddress, generatePrivateKey, publicKeyFromPrivate, signTransfer } from '@hackcoin/core';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

/** Collects messages from a live WebSocket until a predicate matches. */
function client(url: string) {
  const ws = new WebSocket(url);
  const messages: any[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const waitFor = async (pred: (m: any) => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      const m = messages.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no matching message in ${JSON.stringify(messages)}`);
  };
  return { ws, messages, waitFor, open: new Promise((r) => ws.once('open', r)) };
}

describe('real-time channel', () => {
  let node: TestNode;
  beforeAll(async () => {
    node = await startNode();
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
  });

  it('pushes blocks, pending and confirmed address activity, and rejects bad requests', async () => {
    const key = generatePrivateKey();
    const me = addressFromPublicKey(publicKeyFromPrivate(key));
    const payee = addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey()));
    await node.api('/api/mining/generate', { body: { count: 2, address: formatAddress(me) } });

    const c = client(`ws://127.0.0.1:${node.port}/ws`);
    await c.open;
    c.ws.send('{not json');
    await c.waitFor((m) => m.type === 'error' && /malformed/.test(m.message));
    c.ws.send(JSON.stringify({ op: 'subscribe', topics: ['blocks', `address:${formatAddress(payee).toLowerCase()}`, 'bogus'] }));
    const subs = await c.waitFor((m) => m.type === 'subscriptions');
    expect(subs.topics).toEqual(['blocks', `address:${formatAddress(payee)}`]);
    expect(subs.rejected).toEqual(['bogus']);

    const tx = signTransfer({ kind: 'transfer', chainId: NETWORKS.regtest.chainId, nonce: 0n, fee: 1000n, to: payee, amount: 777n, data: new Uint8Array() }, key);
    const { id } = await node.api('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
    const pending = await c.waitFor((m) => m.type === 'address' && m.event === 'pending');
    expect(pending.tx.id).toBe(id);
    expect(pending.tx.amount).toBe('777');

    await node.api('/api/mining/generate', { body: { count: 1, address: formatAddress(me) } });
    const block = await c.waitFor((m) => m.type === 'block' && m.block.height === 3);
    expect(block.block.txCount).toBe(2);
    const confirmed = await c.waitFor((m) => m.type === 'address' && m.event === 'confirmed');
    expect(confirmed.tx.id).toBe(id);
    expect(confirmed.blockHeight).toBe(3);
    c.ws.close();
    expect((await node.api('/api/node/info')).height).toBe(3);
  });
});
