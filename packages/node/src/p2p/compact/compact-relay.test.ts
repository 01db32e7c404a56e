import { afterEach, describe, expect, it, vi } from 'vitest';
import { blockHash, computeMerkleRoot, decodeBlock, decodeCompact, hashMeetsTarget, signTransfer, type CoinbaseTx, hashToHex, headerHash, targetFromBits, txHash, type Block, type Transaction, type TransferTx } from '@hackcoin/core';
import { ChainFixture, REGTEST, W } from '../../test-support/chain-fixture.js';
import { BlockIntake } from '../block-intake.js';
import { FrameError } from '../frames.js';
import type { Exchange, Validation } from '../libp2p.js';
import type { Requester } from '../sync-client.js';
import { FakePeers, testLog } from '../test-peers.js';
import { CompactRelay } from './compact-relay.js';
import { decodeBlockTxn, encodeBlockTxn, encodeBlockTxnRequest, encodeCompactBlock, type CompactBlock } from './messages.js';
import { reconstruct, toCompact } from './reconstruct.js';
import { RecentBlocks } from './recent-blocks.js';
import { serveBlockTxn, type BlockTxnServeDeps } from './serve.js';
import { shortId, shortIdKey } from './short-id.js';

/**
 * Short ids forced for some transactions (by hash, hex), for announcer and receiver alike: a 48-bit
 * collision cannot be ground in a test, and one faked in the announcement alone is a lie, not a collision.
 */
const forced = vi.hoisted(() => new Map<string, number>());
vi.mock('./short-id.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./short-id.js')>();
  return { ...real, shortId: (...args: Parameters<typeof real.shortId>) => forced.get(Buffer.from(args[1]).toString('hex')) ?? real.shortId(...args) };
});
const collide = (tx: Transaction, id: number) => forced.set(Buffer.from(txHash(tx)).toString('hex'), id);

const POW_LIMIT = decodeCompact(REGTEST.powLimitBits).target;
const fixtures: ChainFixture[] = [];
afterEach(async () => {
  forced.clear();
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** Runs the real getblocktxn server in memory: the request goes in as the stream's frame, its answer comes back. */
function loopback(server: BlockTxnServeDeps, asker: string, log: { requests: number }): Requester {
  return {
    async request(_peer, _protocol, payload) {
      log.requests++;
      let out: Uint8Array | undefined;
      const ex: Exchange = {
        peerId: asker,
        read: async () => payload,
        write: async (b) => void (out = b),
        writeRaw: async () => undefined,
        close: async () => undefined,
        abort: () => undefined,
      };
      await serveBlockTxn(server, ex);
      if (!out) throw new FrameError('closed', 'no answer');
      return out;
    },
  };
}

/**
 * Sender A and receiver B share a funded chain; A holds `count` transfers in its
 * mempool and mines them into `block`; B's mempool holds the first `inPool`.
 */
async function setup(count: number, inPool: number, opts: { requester?: Requester; extraPool?: TransferTx[] } = {}) {
  const a = await ChainFixture.create();
  const b = await ChainFixture.create();
  fixtures.push(a, b);
  for (const blk of await a.mine(2)) await b.chain.processBlock(blk);
  const txs = Array.from({ length: count }, (_, i) => a.tx(W.minerA, W.bob, 10n, { nonce: BigInt(i) }));
  for (const tx of txs) await a.mempool.add(tx);
  for (const tx of txs.slice(0, inPool)) await b.mempool.add(tx);
  const [block] = (await a.mine(1)) as [Block];
  const senderPeers = new FakePeers();
  senderPeers.add('B', { chainWork: 0n });
  const senderRecent = new RecentBlocks(a.chain);
  const served = { requests: 0 };
  const server: BlockTxnServeDeps = { peers: senderPeers, wire: { penalise: () => undefined }, block: (h) => senderRecent.get(h), maxTxs: REGTEST.maxBlockTxs };
  const peers = new FakePeers();
  peers.add('A', { chainWork: 0n });
  const full = { fetched: 0 };
  const orphans: string[] = [];
  const extra = (opts.extraPool ?? []).map((tx) => ({ hash: txHash(tx), tx }));
  const relay = new CompactRelay({
    chain: b.chain,
    pool: () => [...b.mempool.entries(), ...extra],
    peers,
    requester: opts.requester ?? loopback(server, 'B', served),
    protocol: '/test/cmpct',
    fullBlock: async (_id, hash) => {
      full.fetched++;
      const e = a.chain.getEntry(hashToHex(hash));
      const raw = e && (await a.chain.getRawBlock(e));
      return raw ? decodeBlock(raw) : undefined;
    },
    recent: new RecentBlocks(b.chain),
    params: REGTEST,
    now: () => b.clock.now,
    log: testLog,
    onOrphan: (id) => orphans.push(id),
    onUnobtained: () => undefined,
  });
  const intake = new BlockIntake(b.chain, peers, testLog);
  /** Every intake verdict, including those of blocks relayed on before validation. */
  const verdicts: Promise<string>[] = [];
  const accept = (blk: Block, o: { blame: boolean }): Promise<Validation> => {
    const r = intake.accept('A', blk, { unsolicited: true, blame: o.blame }).then((x) => x.status);
    verdicts.push(r);
    return r.then((st) => (st === 'connected' ? 'accept' : 'ignore'));
  };
  const receive = async (cb: CompactBlock) => {
    const v = await relay.receive('A', encodeCompactBlock(cb), accept);
    await Promise.all(verdicts);
    return v;
  };
  return { a, b, block, txs, relay, peers, senderPeers, served, full, orphans, server, receive, accept, verdicts };
}

const nonce = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);

/** A signed transfer that is in no block and no mempool. */
function strangerTx(): TransferTx {
  return signTransfer({ kind: 'transfer', chainId: REGTEST.chainId, nonce: 0n, fee: 1000n, to: W.bob.address, amount: 1n, data: new Uint8Array() }, W.alice.privateKey);
}

/** Grinds the header nonce until its proof of work is `valid` (regtest: about every other hash). */
function regrind(cb: CompactBlock, valid: boolean): CompactBlock {
  const header = { ...cb.header };
  const target = targetFromBits(header.bits, POW_LIMIT)!;
  do header.nonce++;
  while (hashMeetsTarget(headerHash(header), target) !== valid);
  return { ...cb, header };
}

describe('compact block relay', () => {
  it('rebuilds a block wholly from the mempool without a round trip', async () => {
    const s = await setup(20, 20);
    expect(await s.receive(toCompact(s.block, nonce))).toBe('accept');
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    expect(s.relay.stats()).toMatchObject({ received: 1, fromPoolOnly: 1, roundTrips: 0, txsFromPool: 20, txsRequested: 0, fullFallbacks: 0 });
    expect(s.served.requests).toBe(0);
  });

  it('asks only for the missing transactions, by index, in one round trip', async () => {
    const s = await setup(20, 8);
    expect(await s.receive(toCompact(s.block, nonce))).toBe('accept');
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    expect(s.relay.stats()).toMatchObject({ roundTrips: 1, txsFromPool: 8, txsRequested: 12, fullFallbacks: 0 });
    expect(s.served.requests).toBe(1);
  });

  it('with an empty mempool asks for every transaction but the coinbase', async () => {
    const s = await setup(10, 0);
    const r = reconstruct(toCompact(s.block, nonce), s.b.mempool.entries());
    expect(r.kind === 'partial' && r.partial.missing).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await s.receive(toCompact(s.block, nonce))).toBe('accept');
    expect(s.relay.stats()).toMatchObject({ roundTrips: 1, txsFromPool: 0, txsRequested: 10 });
  });

  it('two equal short ids in the block: fetches the full block, which matches them, and relays it, blaming nobody', async () => {
    const s = await setup(6, 6);
    collide(s.block.txs[1]!, 42);
    collide(s.block.txs[2]!, 42);
    const cb = toCompact(s.block, nonce);
    expect(cb.shortIds[1]).toBe(cb.shortIds[0]);
    expect(await s.receive(cb)).toBe('accept');
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    expect(s.relay.stats().fullFallbacks).toBe(1);
    expect(s.full.fetched).toBe(1);
    expect(s.peers.offences).toEqual([]);
  });

  it('a mempool transaction colliding with a block transaction: merkle mismatch, full block, nobody blamed', async () => {
    const stranger = strangerTx();
    const s = await setup(6, 5, { extraPool: [stranger] });
    // The one block transaction the receiver lacks: the stranger takes its slot.
    const lacking = s.txs[5]!;
    collide(stranger, shortId(shortIdKey(s.block.header, nonce), txHash(lacking)));
    expect(await s.receive(toCompact(s.block, nonce))).toBe('accept');
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    expect(s.relay.stats()).toMatchObject({ roundTrips: 0, fullFallbacks: 1 });
    expect(s.peers.offences).toEqual([]);
  });

  it('a slow or failing getblocktxn falls back to the full block without penalty', async () => {
    const s = await setup(5, 2, {
      requester: {
        request: async () => {
          throw new FrameError('timeout', 'no answer in time');
        },
      },
    });
    expect(await s.receive(toCompact(s.block, nonce))).toBe('accept');
    expect(s.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 1 });
    expect(s.peers.offences).toEqual([]);
  });

  it('blocktxn with transactions other than the announced ones falls back to the full block: the sender may have passed on someone else’s lie', async () => {
    const other = strangerTx();
    const s = await setup(5, 2, {
      requester: { request: async (_p, _pr, _payload) => encodeBlockTxn({ blockHash: blockHash(s.block), txs: [other, other, other] }) },
    });
    expect(await s.receive(toCompact(s.block, nonce))).toBe('accept');
    expect(s.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 1 });
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    expect(s.peers.offences).toEqual([]);
  });

  it('blocktxn with another count than asked is the sender’s fault', async () => {
    const other = strangerTx();
    const s = await setup(5, 2, {
      requester: { request: async (_p, _pr, _payload) => encodeBlockTxn({ blockHash: blockHash(s.block), txs: [other] }) },
    });
    expect(await s.receive(toCompact(s.block, nonce))).toBe('ignore');
    expect(s.peers.offences.map((o) => `${o.peerId} ${o.offence} ${o.detail.split(':')[0]}`)).toEqual(['A malformed cmpct-blocktxn-count']);
    expect(s.b.chain.height).toBe(2);
  });

  it('hostile compact blocks: garbage, bad proof of work, unknown parent', async () => {
    const s = await setup(3, 3);
    expect(await s.relay.receive('A', new Uint8Array([1, 2, 3]), s.accept)).toBe('reject');
    expect(s.peers.offencesOf('A')).toEqual(['malformed']);
    s.peers.add('C', { chainWork: 0n });
    expect(await s.relay.receive('C', encodeCompactBlock(regrind(toCompact(s.block, nonce), false)), s.accept)).toBe('reject');
    expect(s.peers.offencesOf('C')).toEqual(['invalidPow']);
    const cb = toCompact(s.block, nonce);
    const orphan = regrind({ ...cb, header: { ...cb.header, prevHash: new Uint8Array(32).fill(7) } }, true);
    s.peers.add('D', { chainWork: 0n });
    expect(await s.relay.receive('D', encodeCompactBlock(orphan), s.accept)).toBe('ignore');
    expect(s.orphans).toEqual(['D']);
    expect(s.peers.offencesOf('D')).toEqual([]);
    expect(s.served.requests).toBe(0);
  });

  it('relays a block extending the tip before validating it, and validates it behind', async () => {
    const s = await setup(5, 5);
    const v = await s.relay.receive('A', encodeCompactBlock(toCompact(s.block, nonce)), s.accept);
    expect(v).toBe('accept');
    expect(s.relay.stats().forwardedEarly).toBe(1);
    expect(await Promise.all(s.verdicts)).toEqual(['connected']);
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
  });

  it('a child arriving while its parent (relayed early) is still being validated is queued behind it, not orphaned', async () => {
    const s = await setup(4, 4);
    const [child] = (await s.a.mine(1)) as [Block];
    expect(await s.relay.receive('A', encodeCompactBlock(toCompact(s.block, nonce)), s.accept)).toBe('accept');
    expect(await s.relay.receive('A', encodeCompactBlock(toCompact(child, nonce)), s.accept)).toBe('accept');
    expect(await Promise.all(s.verdicts)).toEqual(['connected', 'connected']);
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(child)));
    expect(s.orphans).toEqual([]);
  });

  it('a block relayed before validation that turns out invalid is refused without blaming its sender', async () => {
    const s = await setup(3, 3);
    const coinbase = { ...(s.block.txs[0] as CoinbaseTx), amount: (s.block.txs[0] as CoinbaseTx).amount + 1n };
    const txs = [coinbase, ...s.block.txs.slice(1)];
    const header = regrind(toCompact({ header: { ...s.block.header, merkleRoot: computeMerkleRoot(txs) }, txs }, nonce), true).header;
    expect(await s.receive(toCompact({ header, txs }, nonce))).toBe('accept');
    expect(await Promise.all(s.verdicts)).toEqual(['invalid']);
    expect(s.b.chain.height).toBe(2);
    expect(s.peers.offences).toEqual([]);
  });

  it('a header breaking a contextual rule is refused before anything is relayed', async () => {
    const s = await setup(2, 2);
    const cb = toCompact(s.block, nonce);
    const header = regrind({ ...cb, header: { ...cb.header, bits: 0x2000ffff } }, true).header;
    expect(await s.receive(toCompact({ header, txs: s.block.txs }, nonce))).toBe('reject');
    expect(s.peers.offencesOf('A')).toEqual(['invalidHeader']);
    expect(s.relay.stats().forwardedEarly).toBe(0);
  });

  it('an invalid child sent on by a peer whose tip its parent already was is refused without blaming that peer', async () => {
    // A hostile miner publishes V, then I (invalid) on V: an honest relayer that connected V
    // forwards I before validating it, while we are still validating V.
    const s = await setup(4, 4);
    const branch = await s.a.branch();
    const honest = branch.clone().next();
    const invalid = branch.next({ coinbaseAmount: (honest.txs[0] as CoinbaseTx).amount + 1n });
    expect(await s.relay.receive('A', encodeCompactBlock(toCompact(s.block, nonce)), s.accept)).toBe('accept');
    expect(await s.relay.receive('A', encodeCompactBlock(toCompact(invalid, nonce)), s.accept)).toBe('ignore');
    expect(await Promise.all(s.verdicts)).toEqual(['connected', 'invalid']);
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    expect(s.peers.offences).toEqual([]);
  });

  it('a header on an old fork with less work than our tip buys no rebuild, request or fetch, however often it is re-sent', async () => {
    const s = await setup(5, 0);
    const genesis = s.b.chain.genesis;
    const header = regrind(toCompact({ header: { ...s.block.header, prevHash: genesis.hash, time: genesis.header.time + 1 }, txs: s.block.txs }, nonce), true).header;
    const verdicts: Validation[] = [];
    for (let i = 0; i < 20; i++) verdicts.push(await s.receive(toCompact({ header, txs: s.block.txs }, new Uint8Array(8).fill(i))));
    expect(new Set(verdicts)).toEqual(new Set(['ignore']));
    expect(s.served.requests).toBe(0);
    expect(s.full.fetched).toBe(0);
    expect(s.relay.stats()).toMatchObject({ received: 0, roundTrips: 0, fullFallbacks: 0 });
    expect(s.peers.offences).toEqual([]);
  });

  it('a header breaking a contextual rule against a parent that is not our tip is the sender’s fault, before any rebuild', async () => {
    const s = await setup(5, 0);
    const parent = s.b.chain.getEntryByHeight(1)!;
    const header = regrind(toCompact({ header: { ...s.block.header, prevHash: parent.hash, time: s.b.chain.medianTimePast(parent) }, txs: s.block.txs }, nonce), true).header;
    expect(await s.receive(toCompact({ header, txs: s.block.txs }, nonce))).toBe('reject');
    expect(s.peers.offencesOf('A')).toEqual(['invalidHeader']);
    expect(s.peers.offences[0]!.detail).toContain('time-too-old');
    expect(s.served.requests).toBe(0);
    expect(s.full.fetched).toBe(0);
  });

  it('a child of a block we found invalid is the sender’s fault, before any rebuild', async () => {
    const s = await setup(5, 0);
    const branch = await s.b.branch();
    const honest = branch.clone().next();
    const invalid = branch.next({ coinbaseAmount: (honest.txs[0] as CoinbaseTx).amount + 1n });
    await expect(s.b.chain.processBlock(invalid)).rejects.toThrow('bad-cb-amount');
    const child = branch.next();
    expect(await s.receive(toCompact(child, nonce))).toBe('reject');
    expect(s.peers.offencesOf('A')).toEqual(['invalidHeader']);
    expect(s.relay.stats().received).toBe(0);
  });

  it('rebuilds one block per peer at a time, with one more waiting: further copies are ignored', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let requests = 0;
    const s = await setup(5, 0, {
      requester: {
        request: async () => {
          requests++;
          await gate;
          throw new FrameError('timeout', 'no answer in time');
        },
      },
    });
    // Copies of one header under fresh gossip nonces, as a peer re-gossiping it would send them.
    const copies = [1, 2, 3, 4].map((i) => s.relay.receive('A', encodeCompactBlock(toCompact(s.block, new Uint8Array(8).fill(i))), s.accept));
    expect(await Promise.all(copies.slice(2))).toEqual(['ignore', 'ignore']);
    expect(requests).toBe(1);
    release();
    expect(await Promise.all(copies.slice(0, 2))).toEqual(['accept', 'ignore']);
    await Promise.all(s.verdicts);
    expect(s.b.chain.tip.id).toBe(hashToHex(blockHash(s.block)));
    // The waiting copy found the block connected and rebuilt nothing.
    expect(requests).toBe(1);
    expect(s.full.fetched).toBe(1);
    expect(s.peers.offences).toEqual([]);
  });

  it('the server answers an index past the block’s end as not found, without penalising the asker (a lying announcement fooled it)', async () => {
    const s = await setup(3, 0);
    const ask = loopback(s.server, 'B', s.served);
    const id = blockHash(s.block);
    const past = decodeBlockTxn(await ask.request('A', 'x', encodeBlockTxnRequest({ blockHash: id, indexes: [1, 9] }), 1e6, 1000), REGTEST.maxBlockTxs);
    expect(past.ok && past.value.txs).toEqual([]);
    expect(s.senderPeers.offences).toEqual([]);
    // An unknown block gets an empty answer: the asker falls back to a full fetch, nobody is blamed.
    s.senderPeers.add('E', { chainWork: 0n });
    const raw = await loopback(s.server, 'E', s.served).request('A', 'x', encodeBlockTxnRequest({ blockHash: new Uint8Array(32), indexes: [1] }), 1e6, 1000);
    expect(raw.length).toBe(33);
    expect(s.senderPeers.offencesOf('E')).toEqual([]);
  });
});
