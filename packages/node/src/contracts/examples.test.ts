import { beforeAll, describe, expect, it } from 'vitest';
import { loadContractEngine, type ContractEngine } from './engine.js';
import { MemoryChain } from './memory-chain.js';
import { exampleSource } from './test-support.js';

let engine: ContractEngine;
beforeAll(async () => {
  engine = await loadContractEngine();
});

// Senders as the chain gives them (EIP-55); the token keys every account by its lower-case address.
const ALICE = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed';
const BOB = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359';
const CAROL = '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB';
const key = (address: string) => `balance:${address.toLowerCase()}`;

describe('token', () => {
  function setup(): MemoryChain {
    const chain = new MemoryChain(engine);
    expect(chain.deploy('tok', exampleSource('token'), ALICE, ['Hack', 'HCK', 8, 1_000_000]).status).toBe('success');
    return chain;
  }

  it('exposes metadata and mints the supply to the deployer', () => {
    const chain = setup();
    expect(chain.view('tok', 'name').returnValue).toBe('Hack');
    expect(chain.view('tok', 'symbol').returnValue).toBe('HCK');
    expect(chain.view('tok', 'decimals').returnValue).toBe(8);
    expect(chain.view('tok', 'totalSupply').returnValue).toBe(1_000_000);
    expect(chain.view('tok', 'balanceOf', [ALICE]).returnValue).toBe(1_000_000);
    expect(chain.storageOf('tok').get(key(ALICE))).toBe('1000000');
  });

  it('transfers and emits Transfer, and reverts without funds', () => {
    const chain = setup();
    const ok = chain.call('tok', 'transfer', [BOB, 250], ALICE);
    expect(ok.status).toBe('success');
    expect(ok.events).toEqual([{ name: 'Transfer', data: { from: ALICE, to: BOB, amount: 250 } }]);
    expect(chain.view('tok', 'balanceOf', [BOB]).returnValue).toBe(250);
    expect(chain.view('tok', 'balanceOf', [ALICE]).returnValue).toBe(999_750);

    const bad = chain.call('tok', 'transfer', [CAROL, 251], BOB);
    expect(bad.status).toBe('reverted');
    expect(bad.revertReason).toBe('insufficient balance');
    expect(bad.gasUsed).toBeGreaterThan(0);
    expect(bad.storageWrites.size).toBe(0);
    expect(chain.view('tok', 'balanceOf', [CAROL]).returnValue).toBe(0);
  });

  it('approves and spends allowances with transferFrom', () => {
    const chain = setup();
    const approve = chain.call('tok', 'approve', [BOB, 100], ALICE);
    expect(approve.events).toEqual([{ name: 'Approval', data: { owner: ALICE, spender: BOB, amount: 100 } }]);
    expect(chain.view('tok', 'allowance', [ALICE, BOB]).returnValue).toBe(100);
    expect(chain.call('tok', 'transferFrom', [ALICE, CAROL, 60], BOB).status).toBe('success');
    expect(chain.view('tok', 'allowance', [ALICE, BOB]).returnValue).toBe(40);
    expect(chain.view('tok', 'balanceOf', [CAROL]).returnValue).toBe(60);
    const over = chain.call('tok', 'transferFrom', [ALICE, CAROL, 41], BOB);
    expect(over.revertReason).toBe('allowance exceeded');
  });

  it('refuses anything but 0x and 40 hex digits as an address, so no look-alike key is made', () => {
    const chain = setup();
    for (const to of ['bob', `${BOB}\u200b`, `\u202e${BOB}`, BOB.slice(0, -1), `${BOB}0`, BOB.slice(2), `0x${'g'.repeat(40)}`, 42, null]) {
      const r = chain.call('tok', 'transfer', [to, 5], ALICE);
      expect(r).toMatchObject({ status: 'reverted', revertReason: 'bad address' });
      expect(r.storageWrites.size).toBe(0);
      expect(r.events).toEqual([]);
    }
    expect(chain.call('tok', 'approve', [`${BOB}\u200b`, 5], ALICE).revertReason).toBe('bad address');
    expect(chain.call('tok', 'transferFrom', [`${ALICE}\u2060`, BOB, 0], BOB).revertReason).toBe('bad address');
    expect(chain.view('tok', 'balanceOf', [`${ALICE}\ufeff`]).revertReason).toBe('bad address');
    // A read creates no key: allowance() of anything else is simply 0.
    expect(chain.view('tok', 'allowance', [ALICE, 'bob']).returnValue).toBe(0);
    expect([...chain.storageOf('tok').keys()].sort()).toEqual([key(ALICE), 'meta', 'totalSupply']);
  });

  it('keeps one balance per account however its address is spelled', () => {
    const chain = setup();
    expect(chain.call('tok', 'transfer', [BOB.toLowerCase(), 100], ALICE).status).toBe('success');
    expect(chain.call('tok', 'transfer', [`0x${BOB.slice(2).toUpperCase()}`, 50], ALICE).status).toBe('success');
    for (const spelled of [BOB, BOB.toLowerCase(), `0x${BOB.slice(2).toUpperCase()}`]) expect(chain.view('tok', 'balanceOf', [spelled]).returnValue).toBe(150);
    // What was sent to the lower-case spelling is spendable by the checksummed sender the chain names.
    expect(chain.call('tok', 'transfer', [ALICE.toLowerCase(), 150], BOB).status).toBe('success');
    expect(chain.view('tok', 'balanceOf', [ALICE]).returnValue).toBe(1_000_000);
    expect(chain.call('tok', 'approve', [CAROL.toLowerCase(), 10], ALICE).status).toBe('success');
    expect(chain.call('tok', 'transferFrom', [ALICE.toLowerCase(), BOB, 10], CAROL).status).toBe('success');
    expect([...chain.storageOf('tok').keys()].sort()).toEqual([`allowance:${ALICE.toLowerCase()}:${CAROL.toLowerCase()}`, key(ALICE), key(BOB), 'meta', 'totalSupply']);
  });

  it('rejects writes in read-only calls and init after deploy', () => {
    const chain = setup();
    const code = chain.codeOf('tok') as string;
    const ro = engine.execute({
      code, fn: 'transfer', args: [BOB, 1], sender: ALICE, value: 0n, contractAddress: 'tok',
      block: chain.block, gasLimit: 1_000_000, readOnly: true, host: chain,
    });
    expect(ro.status).toBe('reverted');
    expect(ro.revertReason).toContain('read-only');
    expect(chain.call('tok', 'init', ['X', 'X', 0, 5], 'mallory').revertReason).toBe('init can only run at deploy');
    expect(chain.call('tok', 'nope', [], ALICE).revertReason).toBe('unknown function nope');
  });
});

describe('voting', () => {
  it('counts one vote per address and names the winner after the deadline', () => {
    const chain = new MemoryChain(engine);
    chain.block = { height: 10, time: 1000 };
    expect(chain.deploy('vote', exampleSource('voting'), 'chair', [['cats', 'dogs', 'fish'], 20]).status).toBe('success');
    expect(chain.call('vote', 'vote', [1], 'a').status).toBe('success');
    expect(chain.call('vote', 'vote', [1], 'b').status).toBe('success');
    expect(chain.call('vote', 'vote', [0], 'c').status).toBe('success');
    expect(chain.call('vote', 'vote', [0], 'a').revertReason).toBe('already voted');
    expect(chain.call('vote', 'vote', [7], 'd').revertReason).toBe('no such proposal');
    expect(chain.view('vote', 'winner').revertReason).toBe('voting is still open');
    expect(chain.view('vote', 'tally').returnValue).toEqual([
      { name: 'cats', votes: 1 }, { name: 'dogs', votes: 2 }, { name: 'fish', votes: 0 },
    ]);
    chain.block = { height: 20, time: 2000 };
    expect(chain.call('vote', 'vote', [2], 'e').revertReason).toBe('voting is closed');
    expect(chain.view('vote', 'winner').returnValue).toEqual({ index: 1, name: 'dogs', votes: 2 });
  });
});

describe('auction', () => {
  it('takes rising bids, refunds outbid bidders and pays the beneficiary once', () => {
    const chain = new MemoryChain(engine);
    chain.balances.set('bob', 1_000n);
    chain.balances.set('carol', 1_000n);
    expect(chain.deploy('auc', exampleSource('auction'), 'seller', ['seller', 50]).status).toBe('success');
    expect(chain.call('auc', 'bid', [], 'bob', 100n).status).toBe('success');
    expect(chain.call('auc', 'bid', [], 'carol', 100n).revertReason).toBe('bid not higher than the current highest');
    expect(chain.call('auc', 'bid', [], 'carol', 150n).status).toBe('success');
    expect(chain.balanceOf('auc')).toBe(250n);
    expect(chain.view('auc', 'pendingReturn', ['bob']).returnValue).toBe(100);

    const refund = chain.call('auc', 'withdraw', [], 'bob');
    expect(refund.transfers).toEqual([{ to: 'bob', amount: 100n }]);
    expect(chain.balanceOf('bob')).toBe(1_000n);
    expect(chain.call('auc', 'withdraw', [], 'bob').revertReason).toBe('nothing to withdraw');

    expect(chain.call('auc', 'claim', [], 'seller').revertReason).toBe('auction still running');
    chain.block = { height: 50, time: 5000 };
    expect(chain.call('auc', 'bid', [], 'bob', 500n).revertReason).toBe('auction has ended');
    expect(chain.call('auc', 'claim', [], 'bob').revertReason).toBe('only the beneficiary can claim');
    const paid = chain.call('auc', 'claim', [], 'seller');
    expect(paid.transfers).toEqual([{ to: 'seller', amount: 150n }]);
    expect(paid.events).toEqual([{ name: 'AuctionEnded', data: { winner: 'carol', amount: 150 } }]);
    expect(chain.call('auc', 'claim', [], 'seller').revertReason).toBe('already claimed');
    expect(chain.balanceOf('seller')).toBe(150n);
    expect(chain.balanceOf('auc')).toBe(0n);
  });
});

describe('multisig', () => {
  it('moves funds only with threshold confirmations', () => {
    const chain = new MemoryChain(engine);
    chain.balances.set('funder', 10_000n);
    expect(chain.deploy('ms', exampleSource('multisig'), 'o1', [['o1', 'o2', 'o3'], 2]).status).toBe('success');
    expect(chain.call('ms', 'deposit', [], 'funder', 5_000n).status).toBe('success');

    const submitted = chain.call('ms', 'submit', ['payee', 3_000], 'o1');
    expect(submitted.returnValue).toBe(0);
    expect(chain.call('ms', 'submit', ['payee', 1], 'stranger').revertReason).toBe('not an owner');
    expect(chain.call('ms', 'execute', [0], 'o1').revertReason).toBe('not enough confirmations');

    expect(chain.call('ms', 'confirm', [0], 'o2').status).toBe('success');
    expect(chain.call('ms', 'revoke', [0], 'o2').status).toBe('success');
    expect(chain.call('ms', 'execute', [0], 'o1').revertReason).toBe('not enough confirmations');
    expect(chain.balanceOf('payee')).toBe(0n);

    expect(chain.call('ms', 'confirm', [0], 'o3').status).toBe('success');
    const executed = chain.call('ms', 'execute', [0], 'o2');
    expect(executed.transfers).toEqual([{ to: 'payee', amount: 3_000n }]);
    expect(chain.balanceOf('payee')).toBe(3_000n);
    expect(chain.call('ms', 'execute', [0], 'o1').revertReason).toBe('already executed');

    chain.call('ms', 'submit', ['payee', 9_000], 'o1');
    chain.call('ms', 'confirm', [1], 'o2');
    expect(chain.call('ms', 'execute', [1], 'o1').revertReason).toBe('insufficient contract balance');
    expect(chain.balanceOf('ms')).toBe(2_000n);
  });
});
