import { afterEach, describe, expect, it } from 'vitest';
import {
  addressKey,
  bytesToHex,
  contractAddress,
  RuleError,
  signTransfer,
  utf8ToBytes,
  ZERO_ADDRESS,
  type Block,
  type ContractCall,
  type ContractExecutor,
  type ContractOutcome,
  type ContractPayload,
  type ContractView,
  type TransferTx,
} from '@hackcoin/core';
import { OpenFixtures, W, type ChainFixture } from '../test-support/chain-fixture.js';
import { loadContractEngine } from './engine.js';
import { QuickJsExecutor } from './executor.js';

/**
 * A deploy's code is kept in memory by the node that connected it and read back from LevelDB
 * (UTF-8) by a node that restarted since: both must run the same code. A lone surrogate does
 * not survive UTF-8, so it split nodes that restarted between a deploy and a call from those
 * that did not (bad-state-root on the call block).
 */

const fixtures = new OpenFixtures();
afterEach(() => fixtures.closeAll());

function contractTx(f: ChainFixture, nonce: bigint, to: Uint8Array, payload: object, gasLimit: number): TransferTx {
  const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit, gasPrice: '1' }));
  return signTransfer({ kind: 'transfer', chainId: f.params.chainId, nonce, fee: BigInt(gasLimit), to, amount: 0n, data }, W.alice.privateKey);
}

async function blocksAbove(f: ChainFixture, height: number): Promise<Block[]> {
  const out: Block[] = [];
  for (let e = f.chain.tip; e.height > height; e = e.parent!) out.unshift((await f.chain.getBlock(e))!);
  return out;
}

/** Relays A's blocks above `height` to B; the statuses, or the rule B refused one under. */
async function relay(a: ChainFixture, b: ChainFixture, height: number): Promise<string[]> {
  const out: string[] = [];
  for (const block of await blocksAbove(a, height)) {
    out.push(await b.chain.processBlock(block).then((r) => r.status, (e: unknown) => (e instanceof RuleError ? e.code : String(e))));
  }
  return out;
}

/**
 * A (never restarted) and B (restarted between the deploy block and the call block) connect the
 * same blocks; the call stores what the contract's code holds at the marked place.
 */
async function deployRestartCall(a: ChainFixture, b: ChainFixture, source: string): Promise<{ refused: string | null; slot: string | undefined }> {
  b.clock.now = a.clock.now;
  await a.fundWallets();
  expect(await relay(a, b, 0)).toEqual(['connected', 'connected', 'connected']);
  const refused = await a.refusal(contractTx(a, 0n, ZERO_ADDRESS, { type: 'deploy', code: source, init: [] }, 2_000_000));
  let h = a.chain.tip.height;
  await a.mine(1);
  expect(await relay(a, b, h)).toEqual(['connected']);
  await b.reopen();
  const nonce = refused === null ? 1n : 0n;
  const address = contractAddress(W.alice.address, 0n);
  await a.mempool.add(contractTx(a, nonce, address, { type: 'call', fn: 'f', args: [] }, 1_000_000));
  h = a.chain.tip.height;
  await a.mine(1);
  expect(await relay(a, b, h)).toEqual(['connected']);
  expect(bytesToHex(b.chain.tip.hash)).toBe(bytesToHex(a.chain.tip.hash));
  expect(bytesToHex(b.chain.tip.stateRoot)).toBe(bytesToHex(a.chain.tip.stateRoot));
  const slotA = a.chain.contracts.storageGet(addressKey(address), 'r');
  expect(b.chain.contracts.storageGet(addressKey(address), 'r')).toBe(slotA);
  return { refused: refused, slot: slotA };
}

const MARKED = "const S = 'MARKx';\nexport function init() {}\nexport function f() { storage.set('r', S.charCodeAt(0)); }\n";

describe('deployed code: a restarted node runs what the others run', () => {
  it('a deploy whose code has a lone surrogate is refused (bad-txns-contract-payload) in the mempool and in blocks; nodes restarted or not agree', async () => {
    const a = await fixtures.create();
    const b = await fixtures.create();
    const lone = MARKED.replace('MARK', '\uD800');
    const { refused, slot } = await deployRestartCall(a, b, lone);
    expect(refused).toBe('bad-txns-contract-payload');
    // Nothing was deployed: the call found no code on either node.
    expect(slot).toBeUndefined();

    const deploy = contractTx(a, 1n, ZERO_ADDRESS, { type: 'deploy', code: lone, init: [] }, 2_000_000);
    const block = (await a.branch()).next({ txs: [deploy] });
    const tip = a.chain.tip;
    const err = await a.chain.processBlock(block).then(() => undefined, (e: unknown) => e);
    expect(err instanceof RuleError && err.code).toBe('bad-txns-contract-payload');
    expect(a.chain.tip).toBe(tip);
  });

  it('the same deploy with a surrogate pair goes through and both nodes store the same slot', async () => {
    const a = await fixtures.create();
    const b = await fixtures.create();
    const { refused, slot } = await deployRestartCall(a, b, MARKED.replace('MARK', '\uD83D\uDE00'));
    expect(refused).toBeNull();
    expect(slot).toBe('55357');
  });

  it('code an executor returns with a lone surrogate is cached as LevelDB gives it back (U+FFFD), so a restart changes nothing', async () => {
    // Consensus keeps such code out; this executor breaks the rule on purpose, to test the cache on its own.
    const inner = new QuickJsExecutor(await loadContractEngine());
    const executor: ContractExecutor = {
      checkPayload: (p: ContractPayload) => inner.checkPayload(p),
      execute(call: ContractCall, view: ContractView): ContractOutcome {
        const out = inner.execute(call, view);
        if (out.code !== undefined) out.code = out.code.replace('MARK', '\uD800');
        return out;
      },
    };
    const a = await fixtures.create({ executor });
    const b = await fixtures.create({ executor });
    const { refused, slot } = await deployRestartCall(a, b, MARKED);
    expect(refused).toBeNull();
    expect(slot).toBe(String(0xfffd));
  });
});
