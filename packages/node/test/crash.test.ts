import { afterAll, describe, expect, it } from 'vitest';
import {
  NETWORKS,
  addressFromPublicKey,
  blockSubsidy,
  bytesToHex,
  encodeTx,
  formatAddress,
  generatePrivateKey,
  publicKeyFromPrivate,
  signTransfer,
} from '@hackcoin/core';
import { startNode, removeDir, waitFor, type TestNode } from './helpers/node-process.js';

const params = NETWORKS.regtest;

/**
 * SIGKILLs a node while its miner runs and transactions arrive, several
 * times, and checks after each restart that every acknowledged block and
 * transaction survived and the state adds up (no coins created or lost).
 */
describe('crash safety', () => {
  const key = generatePrivateKey();
  const me = addressFromPublicKey(publicKeyFromPrivate(key));
  const recipients = Array.from({ length: 4 }, () => addressFromPublicKey(publicKeyFromPrivate(generatePrivateKey())));
  let node: TestNode | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    await node?.kill();
    if (dataDir) removeDir(dataDir);
  });

  it('restarts onto a valid chain with every acknowledged block and transaction', async () => {
    const acknowledged: string[] = [];
    let seenHeight = 0;
    let seenTip = '';
    let nonce = 0n;

    for (let round = 0; round < 3; round++) {
      node = await startNode({ dataDir, env: { MINING_ADDRESS: formatAddress(me) } });
      dataDir = node.dataDir;
      const n = node;
      // Every block we were told about before the crash must still be there.
      if (seenHeight > 0) {
        const b = await n.api(`/api/blocks/${seenHeight}`);
        expect(b.hash).toBe(seenTip);
      }
      const acct = await n.api(`/api/address/${formatAddress(me)}`);
      nonce = BigInt(acct.nextNonce);
      await waitFor(async () => (await n.api('/api/node/info')).height > seenHeight + 5, 30_000, 'mining');

      const deadline = Date.now() + 1500 + round * 500;
      let i = 0;
      while (Date.now() < deadline) {
        const tx = signTransfer(
          { kind: 'transfer', chainId: params.chainId, nonce, fee: 500n + BigInt(i), to: recipients[i % recipients.length]!, amount: 1000n + BigInt(i), data: new Uint8Array() },
          key,
        );
        const r = await n.request('/api/transactions', { body: { raw: bytesToHex(encodeTx(tx)) } });
        if (r.status === 200) {
          acknowledged.push(r.body.id);
          nonce++;
        }
        i++;
        const info = await n.api('/api/node/info');
        seenHeight = info.height;
        seenTip = (await n.api(`/api/blocks/${seenHeight}`)).hash;
      }
      await n.kill();
      expect(n.proc.signalCode).toBe('SIGKILL');
    }

    node = await startNode({ dataDir });
    const n = node;
    expect(n.output()).toMatch(/consistency check passed/);
    const info = await n.api('/api/node/info');
    expect(info.height).toBeGreaterThanOrEqual(seenHeight);
    expect((await n.api(`/api/blocks/${seenHeight}`)).hash).toBe(seenTip);
    expect(acknowledged.length).toBeGreaterThan(5);

    let confirmed = 0;
    for (const id of acknowledged) {
      const tx = await n.api(`/api/tx/${id}`);
      expect(['confirmed', 'pending']).toContain(tx.status);
      if (tx.status === 'confirmed') confirmed++;
    }
    const mine = await n.api(`/api/address/${formatAddress(me)}`);
    expect(BigInt(mine.nonce)).toBe(BigInt(confirmed));

    // Conservation: every unit in existence came from a subsidy; fees went back to the miner (me).
    let total = BigInt(mine.balance);
    for (const r of recipients) total += BigInt((await n.api(`/api/address/${formatAddress(r)}`)).balance);
    let issued = 0n;
    for (let h = 1; h <= info.height; h++) issued += blockSubsidy(h, params);
    expect(total).toBe(issued);
  }, 180_000);
});
