import { afterEach, describe, expect, it } from 'vitest';
import {
  COIN,
  ZERO_ADDRESS,
  hashToHex,
  signTransfer,
  txHash,
  utf8ToBytes,
  type ContractCall,
  type ContractExecutor,
  type ContractOutcome,
  type ContractView,
  type TransferTx,
} from '@hackcoin/core';
import { ChainFixture, W, type Wallet } from '../test-support/chain-fixture.js';
import { QuickJsExecutor } from '../contracts/executor.js';
import { loadContractEngine } from '../contracts/engine.js';
import { Miner } from './miner.js';
import { createTemplate } from './template.js';
import type { RemovalReason } from '../mempool/mempool.js';

const MARK = 'HOST_FAILURE';

/**
 * The real contract VM, except that code carrying MARK fails the way a host
 * does when a hostile input gets past every limit (a stack overflow outside
 * QuickJS): the test seam for "a transaction whose execution throws
 * something other than a RuleError".
 */
class HostFailingExecutor implements ContractExecutor {
  calls = 0;
  constructor(private readonly real: ContractExecutor) {}
  execute(call: ContractCall, view: ContractView): ContractOutcome {
    this.calls++;
    if (call.code.includes(MARK)) throw new RangeError('Maximum call stack size exceeded');
    return this.real.execute(call, view);
  }
}

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.close();
});

function deploy(f: ChainFixture, from: Wallet, nonce: bigint, code: string): TransferTx {
  const gasLimit = 1_000_000;
  const data = utf8ToBytes(JSON.stringify({ type: 'deploy', code, init: [], gasLimit, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit), to: ZERO_ADDRESS, amount: 0n, data }, from.privateKey);
}

const id = (tx: TransferTx) => hashToHex(txHash(tx));

describe('block templates survive any mempool', () => {
  it('a transaction that throws a host error while the template is built is left out and evicted (with its sender’s later nonces); the block is mined without it', async () => {
    const executor = new HostFailingExecutor(new QuickJsExecutor(await loadContractEngine()));
    const f = await ChainFixture.create({ executor });
    fixtures.push(f);
    await f.mine(2);
    await f.mine(1, { miner: W.minerB });

    const pay = f.tx(W.minerA, W.alice, 3n * COIN, { nonce: 0n });
    const poison = deploy(f, W.minerA, 1n, `export function init() {} // ${MARK}`);
    const after = f.tx(W.minerA, W.carol, 1n * COIN, { nonce: 2n });
    const other = f.tx(W.minerB, W.dave, 2n * COIN, { nonce: 0n });
    const fine = deploy(f, W.minerB, 1n, 'export function init() { storage.set("k", 1); }');
    for (const tx of [pay, poison, after, other, fine]) await f.mempool.add(tx);
    expect(f.mempool.size).toBe(5);
    const removed: [string, RemovalReason][] = [];
    f.mempool.on('tx:removed', (e, reason) => removed.push([e.id, reason]));

    const miner = new Miner(f.chain, f.mempool, f.log, { threads: 1 });
    const [blockId] = await miner.generate(1, W.minerA.address);
    await f.settle();

    expect(f.chain.tip.id).toBe(blockId);
    const block = (await f.chain.getBlock(f.chain.tip))!;
    expect(block.txs.slice(1).map((tx) => id(tx as TransferTx)).sort()).toEqual([id(pay), id(other), id(fine)].sort());
    expect(removed).toEqual(expect.arrayContaining([[id(poison), 'invalid'], [id(after), 'invalid']]));
    expect(f.mempool.size).toBe(0);
    expect(f.mempool.get(id(poison))).toBeUndefined();
    expect(await f.balance(W.alice)).toBe(3n * COIN);
    expect(await f.balance(W.dave)).toBe(2n * COIN);
    expect(await f.balance(W.carol)).toBe(0n);
    expect((await f.account(W.minerA)).nonce).toBe(1n);
    expect((await f.chain.contracts.receipt(txHash(fine)))?.status).toBe('success');

    // The next template is built and mined as usual, and the sender can go on from its next nonce.
    await f.mempool.add(f.tx(W.minerA, W.carol, 1n * COIN, { nonce: 1n }));
    await miner.generate(1, W.minerA.address);
    expect(f.chain.height).toBe(5);
    expect(await f.balance(W.carol)).toBe(1n * COIN);
  });

  it('a storage error while the template is built fails that template only and evicts nothing', async () => {
    const f = await ChainFixture.create();
    fixtures.push(f);
    await f.mine(2);
    const d = deploy(f, W.minerA, 0n, 'export function init() { storage.set("k", 1); }');
    await f.mempool.add(d);
    // A deploy creates the account at its contract address, read on demand while the block is assembled.
    const db = f.db as unknown as { getSync: (k: Uint8Array) => Uint8Array | undefined };
    const real = db.getSync.bind(f.db);
    db.getSync = () => {
      throw Object.assign(new Error('IO error: simulated'), { code: 'LEVEL_IO_ERROR' });
    };
    const failed = await createTemplate(f.chain, f.mempool, W.minerA.address, new Uint8Array(1)).then(() => null, (e: unknown) => e);
    db.getSync = real;
    expect((failed as { code?: string }).code).toBe('LEVEL_IO_ERROR');
    expect(f.mempool.get(id(d))).toBeDefined();
    const t = await createTemplate(f.chain, f.mempool, W.minerA.address, new Uint8Array(1));
    expect(t.txs.slice(1).map((tx) => id(tx as TransferTx))).toEqual([id(d)]);
  });
});
