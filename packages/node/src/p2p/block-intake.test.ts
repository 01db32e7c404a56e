import { afterEach, describe, expect, it } from 'vitest';
import { RuleError, blockHash, computeMerkleRoot, decodeCompact, encodeCompact, hashToHex, type Block } from '@hackcoin/core';
import { Status } from '../chain/entry.js';
import { ChainFixture, W } from '../test-support/chain-fixture.js';
import { BlockIntake } from './block-intake.js';
import { FakePeers, testLog } from './test-peers.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

const id = (b: Block) => hashToHex(blockHash(b));

/**
 * A chain of 5 blocks and a fork after block 2 with blocks 3 to 6: the state root of `bad` (4
 * unless given) is wrong, which only connecting it shows, and 6 is the first to outweigh the tip.
 */
async function forkWithInvalidBlock(bad = 4) {
  const fx = await ChainFixture.create();
  fixtures.push(fx);
  await fx.mine(2);
  const branch = await fx.branch();
  await fx.mine(3);
  const tip = fx.chain.tip;
  const fork = [3, 4, 5, 6].map((h) => branch.next(h === bad ? { stateRoot: new Uint8Array(32).fill(1) } : {}));
  const peers = new FakePeers();
  for (const p of ['x', 'y', 'z']) peers.add(p, { chainWork: 0n });
  const intake = new BlockIntake(fx.chain, peers, testLog);
  return { fx, tip, fork, peers, intake };
}

describe('BlockIntake: blame for blocks found invalid later', () => {
  it("blames the peer that sent a fork's invalid block and those that sent blocks above it, not the peer whose block activated the fork", async () => {
    const { fx, tip, fork, peers, intake } = await forkWithInvalidBlock();
    const [f3, f4, f5, f6] = fork as [Block, Block, Block, Block];
    expect(await intake.accept('x', f3, { unsolicited: false, served: true })).toEqual({ id: id(f3), status: 'side' });
    expect(await intake.accept('y', f4, { unsolicited: false, served: true })).toEqual({ id: id(f4), status: 'side' });
    // A second copy of 4 from another peer: the first delivery is the one held to account.
    expect(await intake.accept('z', f4, { unsolicited: false, served: true })).toEqual({ id: id(f4), status: 'duplicate' });
    expect(await intake.accept('z', f5, { unsolicited: false, served: true })).toEqual({ id: id(f5), status: 'side' });
    expect(intake.unjudgedCount).toBe(3);
    expect(peers.offences).toEqual([]);

    // x's block 6 makes the fork the best chain; connecting it finds 4 invalid.
    expect(await intake.accept('x', f6, { unsolicited: false, served: true })).toEqual({ id: id(f6), status: 'invalid', blamed: true });
    expect(fx.chain.tip).toBe(tip);
    expect(fx.chain.getEntry(id(f4))!.status & Status.invalid).toBe(Status.invalid);
    expect(peers.offences.map((o) => [o.peerId, o.offence, o.detail])).toEqual([
      ['y', 'invalidBlock', `block ${id(f4).slice(0, 16)}: bad-state-root`],
      ['z', 'invalidBlock', `block ${id(f5).slice(0, 16)}: invalid-ancestor: descends from ${id(f4)}`],
      ['x', 'invalidBlock', `block ${id(f6).slice(0, 16)}: invalid-ancestor: descends from ${id(f4)}`],
    ]);
    // 3 was valid (connected, then taken off again): nothing is held for it, nor for anything judged.
    expect(intake.unjudgedCount).toBe(0);
  });

  it('blames no relayer of a compact block for a rule the chain finds broken later, in it or below it', async () => {
    const { fx, tip, fork, peers, intake } = await forkWithInvalidBlock();
    const [f3, f4, f5, f6] = fork as [Block, Block, Block, Block];
    for (const b of [f3, f4, f5]) expect((await intake.accept('y', b, { unsolicited: false, blame: false })).status).toBe('side');
    expect(intake.unjudgedCount).toBe(0);
    expect(await intake.accept('x', f6, { unsolicited: false, blame: false })).toEqual({ id: id(f6), status: 'invalid', blamed: false });
    expect(fx.chain.tip).toBe(tip);
    expect(fx.chain.getEntry(id(f6))!.status & Status.invalid).toBe(Status.invalid);
    expect(peers.offences).toEqual([]);
  });

  it('blames no gossip relayer of a block stored unvalidated, which the chain finds broken later', async () => {
    const { fx, tip, fork, peers, intake } = await forkWithInvalidBlock(5);
    const [f3, f4, f5, f6] = fork as [Block, Block, Block, Block];
    await fx.chain.processBlock(f3);
    await fx.chain.processBlock(f4);
    // 5 has the tip's work: stored, and passed on by gossip, without being connected.
    expect(await intake.accept('y', f5, { unsolicited: true })).toEqual({ id: id(f5), status: 'side' });
    expect(intake.unjudgedCount).toBe(0);
    // Connecting 6 finds 5 invalid: 6's sender is not blamed either, but 6 is not passed on.
    expect(await intake.accept('x', f6, { unsolicited: true })).toEqual({ id: id(f6), status: 'invalid', blamed: false });
    expect(fx.chain.tip).toBe(tip);
    expect(fx.chain.getEntry(id(f5))!.status & Status.invalid).toBe(Status.invalid);
    expect(peers.offences).toEqual([]);
  });

  it('blames the sender of the block that activates a fork once when that block itself breaks the rule', async () => {
    const { fx, tip, fork, peers, intake } = await forkWithInvalidBlock(6);
    for (const b of fork.slice(0, 3)) expect((await intake.accept('y', b, { unsolicited: false, served: true })).status).toBe('side');
    const f6 = fork[3]!;
    expect(await intake.accept('x', f6, { unsolicited: false, served: true })).toEqual({ id: id(f6), status: 'invalid', blamed: true });
    expect(fx.chain.tip).toBe(tip);
    expect(peers.offences.map((o) => [o.peerId, o.detail])).toEqual([['x', `block ${id(f6).slice(0, 16)}: bad-state-root`]]);
    expect(intake.unjudgedCount).toBe(0);
  });

  it('blames no gossip relayer of a copy of a block already found invalid (queued behind the copy that found it), but a peer that served one', async () => {
    const { fx, tip, fork, peers, intake } = await forkWithInvalidBlock(5);
    for (const b of fork.slice(0, 3)) expect((await intake.accept('y', b, { unsolicited: false })).status).toBe('side');
    const f6 = fork[3]!;
    const [first, second] = await Promise.all([intake.accept('x', f6, { unsolicited: true }), intake.accept('z', f6, { unsolicited: true })]);
    expect(first).toEqual({ id: id(f6), status: 'invalid', blamed: false });
    expect(second).toEqual({ id: id(f6), status: 'invalid', blamed: false });
    expect(peers.offences).toEqual([]);
    expect(fx.chain.tip).toBe(tip);
    // Served from a store, as only a node that validated it would: its sender disagrees with us on the rules.
    expect(await intake.accept('y', f6, { unsolicited: false, served: true })).toEqual({ id: id(f6), status: 'invalid', blamed: true });
    expect(peers.offencesOf('y')).toEqual(['invalidBlock']);
  });
});

describe('BlockIntake: blame for a served orphan refused when its parent arrives', () => {
  /** A block 3 on the tip (2) and, served first as orphans, children of it that break a rule only their parent shows. */
  async function orphansOf() {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(2);
    const branch = await fx.branch();
    const parent = branch.next();
    const children = {
      coinbase: branch.clone().next({ coinbaseHeight: 9 }),
      bits: branch.clone().next({ bits: encodeCompact(decodeCompact(branch.expectedBits()).target / 2n) }),
      clock: branch.clone().next({ time: Math.floor(Date.now() / 1000) + 3 * 3600 }),
    };
    const peers = new FakePeers();
    for (const p of ['x', 'y', 'z', 'w']) peers.add(p, { chainWork: 0n });
    const intake = new BlockIntake(fx.chain, peers, testLog);
    return { fx, parent, children, peers, intake };
  }

  it('penalises the peer that served each under the rule names of a block refused on arrival, and forgets its delivery', async () => {
    const { fx, parent, children, peers, intake } = await orphansOf();
    expect(await intake.accept('y', children.coinbase, { unsolicited: false, served: true })).toEqual({ id: id(children.coinbase), status: 'orphan' });
    expect(await intake.accept('z', children.bits, { unsolicited: false, served: true })).toEqual({ id: id(children.bits), status: 'orphan' });
    expect(await intake.accept('w', children.clock, { unsolicited: false, served: true })).toEqual({ id: id(children.clock), status: 'orphan' });
    expect(intake.unjudgedCount).toBe(3);
    expect(peers.offences).toEqual([]);

    // The parent arrives from another peer: the chain tries its orphans and refuses all three.
    expect(await intake.accept('x', parent, { unsolicited: false, served: true })).toEqual({ id: id(parent), status: 'connected' });
    expect(fx.chain.tip.id).toBe(id(parent));
    expect(fx.chain.orphanCount).toBe(0);
    expect(peers.offences.map((o) => [o.peerId, o.offence, o.detail])).toEqual([
      ['y', 'invalidBlock', `block ${id(children.coinbase).slice(0, 16)}: bad-cb-height: coinbase says 9`],
      ['z', 'invalidPow', expect.stringMatching(new RegExp(`^block ${id(children.bits).slice(0, 16)}: bad-diffbits`))],
    ]);
    expect([...peers.banned].sort()).toEqual(['y', 'z']);
    // A clock ahead of ours is forgiven (time-too-new), as on arrival; its delivery is forgotten too.
    expect(peers.offencesOf('w')).toEqual([]);
    expect(peers.get('w')!.score.value).toBe(0);
    expect(intake.unjudgedCount).toBe(0);
  });

  it('forgets a copy whose body does not match its header, so the real block it names is still fetched and connects', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(1);
    const branch = await fx.branch();
    const real = branch.next();
    const mutated: Block = { header: real.header, txs: [...real.txs, real.txs[0]!] };
    const peers = new FakePeers();
    for (const p of ['liar', 'honest']) peers.add(p, { chainWork: 0n });
    const intake = new BlockIntake(fx.chain, peers, testLog);
    expect(await intake.accept('liar', mutated, { unsolicited: true, blame: false })).toMatchObject({ id: id(real), status: 'invalid' });
    expect(intake.seen.has(id(real))).toBe(false);
    expect(await intake.accept('honest', real, { unsolicited: true })).toEqual({ id: id(real), status: 'connected' });
    expect(intake.seen.has(id(real))).toBe(true);
    expect(fx.chain.tip.id).toBe(id(real));
  });

  it('is told of no verdict once stopped: a stopped network leaves no listener on the chain', async () => {
    const { fx, parent, children, peers, intake } = await orphansOf();
    expect((await intake.accept('y', children.coinbase, { unsolicited: false, served: true })).status).toBe('orphan');
    intake.stop();
    await fx.chain.processBlock(parent);
    expect(fx.chain.orphanCount).toBe(0);
    expect(peers.offences).toEqual([]);
    // Neither judged nor forgotten: the chain's verdict never reached the stopped intake.
    expect(intake.unjudgedCount).toBe(1);

    const fork = await forkWithInvalidBlock();
    const [f3, f4, f5, f6] = fork.fork as [Block, Block, Block, Block];
    for (const b of [f3, f4, f5]) expect((await fork.intake.accept('y', b, { unsolicited: false, served: true })).status).toBe('side');
    fork.intake.stop();
    // 6 activates the fork: 3 is connected, then 4 is found invalid and 5 and 6 with it.
    expect((await fork.fx.chain.processBlock(f6)).entry!.status & Status.invalid).toBe(Status.invalid);
    expect(fork.fx.chain.getEntry(id(f4))!.status & Status.invalid).toBe(Status.invalid);
    expect(fork.fx.chain.tip).toBe(fork.tip);
    expect(fork.peers.offences).toEqual([]);
    expect(fork.intake.unjudgedCount).toBe(3);
  });
});

describe('BlockIntake: a CVE-2012-2459 copy of a block', () => {
  /** A block of two transfers on the tip, [cb, t1, t2], and its copy [cb, t1, t2, t2] under the same header and root. */
  async function mutatedCopy() {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(2);
    const real = (await fx.branch()).next({ txs: [0n, 1n].map((nonce) => fx.tx(W.minerA, W.bob, 10n, { nonce })) });
    const mutated: Block = { header: real.header, txs: [...real.txs, real.txs[2]!] };
    expect(computeMerkleRoot(mutated.txs)).toEqual(real.header.merkleRoot);
    const peers = new FakePeers();
    for (const p of ['liar', 'relayer', 'honest']) peers.add(p, { chainWork: 0n });
    const intake = new BlockIntake(fx.chain, peers, testLog);
    return { fx, real, mutated, peers, intake };
  }

  it('penalises its sender under mutatedBlock (bad-txns-duplicate), marks nothing, and takes the honest block with the same header after', async () => {
    const { fx, real, mutated, peers, intake } = await mutatedCopy();
    expect(await intake.accept('liar', mutated, { unsolicited: false, served: true })).toEqual({ id: id(real), status: 'invalid', blamed: true });
    expect(peers.offences.map((o) => [o.peerId, o.offence, o.detail])).toEqual([
      ['liar', 'mutatedBlock', `bad-txns-duplicate: block ${id(real).slice(0, 16)}: transaction 3 repeats an earlier one under the header's merkle root`],
    ]);
    expect(intake.seen.has(id(real))).toBe(false);
    expect(intake.unjudgedCount).toBe(0);
    // The chain holds no verdict on the hash: it is the honest block's.
    expect(fx.chain.getEntry(id(real))).toBeUndefined();
    expect(await intake.accept('honest', real, { unsolicited: true })).toEqual({ id: id(real), status: 'connected' });
    expect(fx.chain.tip.id).toBe(id(real));
    expect(peers.offencesOf('honest')).toEqual([]);
  });

  it('is penalised also once the honest block is known, which the chain would only call a duplicate', async () => {
    const { fx, real, mutated, peers, intake } = await mutatedCopy();
    expect((await fx.chain.processBlock(real)).status).toBe('connected');
    expect((await fx.chain.processBlock(mutated)).status).toBe('duplicate');
    expect(await intake.accept('liar', mutated, { unsolicited: false, served: true })).toEqual({ id: id(real), status: 'invalid', blamed: true });
    expect(peers.offencesOf('liar')).toEqual(['mutatedBlock']);
    expect(fx.chain.tip.id).toBe(id(real));
  });

  it('from a relayer of a compact block (blame: false): refused unmarked, nobody penalised', async () => {
    const { real, mutated, peers, intake } = await mutatedCopy();
    expect(await intake.accept('relayer', mutated, { unsolicited: true, blame: false })).toEqual({ id: id(real), status: 'invalid', blamed: false });
    expect(peers.offences).toEqual([]);
    expect(peers.get('relayer')!.delivered.has(id(real))).toBe(false);
    expect(intake.seen.has(id(real))).toBe(false);
  });

  it('without proof of work, is refused on its header alone (invalidPow), before its transactions are hashed for the mutation check', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(2);
    const junk = (await fx.branch()).next({ pow: 'fail', txs: [0n, 1n].map((nonce) => fx.tx(W.minerA, W.bob, 10n, { nonce })) });
    const copy: Block = { header: junk.header, txs: [...junk.txs, junk.txs[2]!] };
    expect(computeMerkleRoot(copy.txs)).toEqual(junk.header.merkleRoot);
    const peers = new FakePeers();
    peers.add('junk', { chainWork: 0n });
    const intake = new BlockIntake(fx.chain, peers, testLog);
    expect(await intake.accept('junk', copy, { unsolicited: true })).toEqual({ id: id(junk), status: 'invalid', blamed: true });
    expect(peers.offences.map((o) => [o.offence, o.detail.replace(/^block \w+: /, '')])).toEqual([['invalidPow', 'high-hash: proof of work failed']]);
    expect(peers.banned.has('junk')).toBe(true);
    expect(intake.seen.has(id(junk))).toBe(false);
  });

  it('the chain alone (consensus): refused as bad-txns-duplicate before it is stored, so the hash is not held invalid', async () => {
    const { fx, real, mutated } = await mutatedCopy();
    const err = await fx.chain.processBlock(mutated).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RuleError);
    expect((err as RuleError).code).toBe('bad-txns-duplicate');
    expect(fx.chain.getEntry(id(real))).toBeUndefined();
    expect(fx.chain.orphanCount).toBe(0);
    expect((await fx.chain.processBlock(real)).status).toBe('connected');
  });
});

describe('BlockIntake: unsolicited blocks while sync downloads a heavier chain', () => {
  it('ignores, unseen and unblamed, a gossiped block that beats our tip but not the chain being downloaded, and takes it once nothing is', async () => {
    const fx = await ChainFixture.create();
    fixtures.push(fx);
    await fx.mine(3);
    const next = (await fx.branch()).next({ miner: W.minerB });
    const peers = new FakePeers();
    peers.add('gossip', { chainWork: 0n });
    let downloading = fx.chain.tip.chainWork + 10n * (fx.chain.tip.chainWork - fx.chain.tip.parent!.chainWork);
    const intake = new BlockIntake(fx.chain, peers, testLog, () => downloading);
    expect(await intake.accept('gossip', next, { unsolicited: true })).toEqual({ id: id(next), status: 'ignored' });
    expect(fx.chain.getEntry(id(next))).toBeUndefined();
    expect(intake.seen.has(id(next))).toBe(false);
    // Asked for (sync downloads only chains that beat the tip), the same block is taken whatever is downloading.
    const after = (await fx.branch()).clone();
    const solicited = after.next({ miner: W.minerB });
    expect(await intake.accept('gossip', solicited, { unsolicited: false })).toEqual({ id: id(solicited), status: 'connected' });
    // Once nothing heavier is downloading, gossip is taken as before.
    downloading = 0n;
    const gossiped = after.next();
    expect(await intake.accept('gossip', gossiped, { unsolicited: true })).toEqual({ id: id(gossiped), status: 'connected' });
    expect(peers.offences).toEqual([]);
  });
});
