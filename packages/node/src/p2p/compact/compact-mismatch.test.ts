import { afterEach, describe, expect, it } from 'vitest';
import { blockHash, computeMerkleRoot, decodeBlock, hashToHex, type Block } from '@hackcoin/core';
import { ChainFixture, REGTEST, W } from '../../test-support/chain-fixture.js';
import { BlockIntake } from '../block-intake.js';
import { FrameError } from '../frames.js';
import type { Exchange, Validation } from '../libp2p.js';
import type { Requester } from '../sync-client.js';
import { FakePeers, testLog } from '../test-peers.js';
import { CompactRelay } from './compact-relay.js';
import { decodeBlockTxn, encodeBlockTxnRequest, encodeCompactBlock, type CompactBlock } from './messages.js';
import { mismatch, toCompact } from './reconstruct.js';
import { RecentBlocks } from './recent-blocks.js';
import { serveBlockTxn } from './serve.js';

const fixtures: ChainFixture[] = [];
afterEach(async () => {
  for (const fx of fixtures.splice(0)) await fx.close();
});

/** One node of a small network: its chain, what it thinks of its peers, and the blocks it answers getblocktxn from. */
interface Node {
  name: string;
  fx: ChainFixture;
  peers: FakePeers;
  recent: RecentBlocks;
  relay: CompactRelay;
  intake: BlockIntake;
}

type Net = Map<string, Node>;

/** getblocktxn from `asker` to the named node, answered by that node's real server over its recent blocks. */
function requester(net: Net, asker: string): Requester {
  return {
    async request(peerId, _protocol, payload) {
      const server = net.get(peerId)!;
      let out: Uint8Array | undefined;
      const ex: Exchange = { peerId: asker, read: async () => payload, write: async (b) => void (out = b), writeRaw: async () => undefined, close: async () => undefined, abort: () => undefined };
      await serveBlockTxn({ peers: server.peers, wire: { penalise: () => undefined }, block: (h) => server.recent.get(h), maxTxs: REGTEST.maxBlockTxs }, ex);
      if (!out) throw new FrameError('closed', 'no answer');
      return out;
    },
  };
}

/** A whole block as the sync protocol serves it: from the named node's block store. */
async function fromStore(node: Node, hash: Uint8Array): Promise<Block | undefined> {
  const entry = node.fx.chain.getEntry(hashToHex(hash));
  const raw = entry && (await node.fx.chain.getRawBlock(entry));
  return raw ? decodeBlock(raw) : undefined;
}

function join(net: Net, name: string, fx: ChainFixture): void {
  const peers = new FakePeers();
  for (const other of ['A', 'P', 'H', 'N']) if (other !== name) peers.add(other, { chainWork: 0n });
  const recent = new RecentBlocks(fx.chain);
  const relay = new CompactRelay({
    chain: fx.chain,
    pool: () => fx.mempool.entries(),
    peers,
    requester: requester(net, name),
    protocol: '/test/cmpct',
    fullBlock: (peerId, hash) => fromStore(net.get(peerId)!, hash),
    recent,
    params: REGTEST,
    now: () => fx.clock.now,
    log: testLog,
    onOrphan: () => undefined,
  });
  net.set(name, { name, fx, peers, recent, relay, intake: new BlockIntake(fx.chain, peers, testLog) });
}

/** `to` receives gossip `data` from `from`; resolves with the gossip verdict once any block handed on is judged. */
async function deliver(net: Net, to: string, from: string, data: Uint8Array): Promise<Validation> {
  const node = net.get(to)!;
  const judged: Promise<unknown>[] = [];
  const accept = (block: Block, o: { blame: boolean }): Promise<Validation> => {
    const r = node.intake.accept(from, block, { unsolicited: true, blame: o.blame });
    judged.push(r);
    return r.then((x) => (x.status === 'connected' ? 'accept' : 'ignore'));
  };
  const verdict = await node.relay.receive(from, data, accept);
  await Promise.all(judged);
  return verdict;
}

/**
 * Miner A (also serving as P, an honest announcer of the same block), honest
 * relay H and honest receiver N share two blocks; A then mines `block`, a
 * valid block of three transfers none of the others has in its mempool.
 */
async function network() {
  const [a, h, n] = await Promise.all([ChainFixture.create(), ChainFixture.create(), ChainFixture.create()]);
  fixtures.push(a, h, n);
  for (const blk of await a.mine(2)) {
    await h.chain.processBlock(blk);
    await n.chain.processBlock(blk);
  }
  for (let i = 0; i < 3; i++) await a.mempool.add(a.tx(W.minerA, W.bob, 10n, { nonce: BigInt(i) }));
  const [block] = (await a.mine(1)) as [Block];
  const net: Net = new Map();
  join(net, 'A', a);
  join(net, 'P', a);
  join(net, 'H', h);
  join(net, 'N', n);
  return { net, block, id: hashToHex(blockHash(block)), H: net.get('H')!, N: net.get('N')! };
}

const nonce = new Uint8Array(8).fill(7);

/** A's lie: the real header and coinbase, short ids of no transaction, `extra` more of them than the block has transactions. */
function lie(block: Block, extra = 0): Uint8Array {
  const cb = toCompact(block, nonce);
  cb.shortIds = Array.from({ length: cb.shortIds.length + extra }, (_, i) => 0x111111 + i * 7919);
  return encodeCompactBlock(cb);
}

const offences = (peers: FakePeers) => peers.offences.map((o) => `${o.peerId} ${o.offence} ${o.detail.split(':')[0]}`);

describe('a compact block that does not describe its block', () => {
  it('is not forwarded, only the peer that sent it and its block is penalised, and the block still crosses when announced truly', async () => {
    const { net, block, id, H, N } = await network();
    const bytes = lie(block);
    expect(await deliver(net, 'H', 'A', bytes)).toBe('reject');
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    expect(H.fx.chain.height).toBe(2);
    // Were the bytes passed on anyway (by a node that forwards before checking), H is asked, has nothing to serve for them, and nobody is banned.
    expect(await deliver(net, 'N', 'H', bytes)).toBe('ignore');
    expect(offences(N.peers)).toEqual([]);
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    // A true announcement of the same block, by an honest peer, is rebuilt and relayed across both.
    const truth = encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9)));
    expect(await deliver(net, 'H', 'P', truth)).toBe('accept');
    expect(await deliver(net, 'N', 'H', truth)).toBe('accept');
    expect([H.fx.chain.tip.id, N.fx.chain.tip.id]).toEqual([id, id]);
    expect(offences(N.peers)).toEqual([]);
    expect(H.peers.banned.has('N') || N.peers.banned.has('H')).toBe(false);
  });

  it('claiming more transactions than its block has: not forwarded, and a getblocktxn past the block’s end gets "not found", no penalty', async () => {
    const { net, block, id, H } = await network();
    expect(await deliver(net, 'H', 'A', lie(block, 5))).toBe('reject');
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
    expect(H.fx.chain.height).toBe(2);
    expect(await deliver(net, 'H', 'P', encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9))))).toBe('accept');
    expect(H.fx.chain.tip.id).toBe(id);
    // N, fooled by the lie from elsewhere, asks H for the indexes it names.
    const raw = await requester(net, 'N').request('H', '/test/cmpct', encodeBlockTxnRequest({ blockHash: blockHash(block), indexes: [1, 2, 3, 4, 5, 6, 7, 8] }), 1e6, 1_000);
    const answer = decodeBlockTxn(raw, REGTEST.maxBlockTxs);
    expect(answer.ok && answer.value.txs).toEqual([]);
    expect(offences(H.peers)).toEqual(['A malformed cmpct-block-mismatch']);
  });

  it('a blocktxn that does not rebuild it is no offence: the whole block is fetched, and only a peer that sent both halves of the mismatch is penalised', async () => {
    const { net, block, H, N } = await network();
    // H holds the block (from a true announcement) when the lie reaches N from H, as from a node that forwards before checking.
    expect(await deliver(net, 'H', 'P', encodeCompactBlock(toCompact(block, new Uint8Array(8).fill(9))))).toBe('accept');
    expect(await deliver(net, 'N', 'H', lie(block))).toBe('reject');
    expect(N.relay.stats()).toMatchObject({ roundTrips: 1, fullFallbacks: 1 });
    expect(offences(N.peers)).toEqual(['H malformed cmpct-block-mismatch']);
    expect(N.fx.chain.height).toBe(2);
    expect(H.fx.chain.height).toBe(3);
  });
});

describe('mismatch', () => {
  it('accepts the block an announcement was made from, and names every way another block differs', async () => {
    const { block } = await network();
    const cb = toCompact(block, nonce);
    expect(mismatch(cb, block)).toBeUndefined();
    const other = (patch: Partial<CompactBlock>) => mismatch({ ...cb, ...patch }, block);
    expect(other({ header: { ...cb.header, nonce: cb.header.nonce + 1 } })).toBe('another header');
    expect(other({ shortIds: [...cb.shortIds, 1] })).toBe('5 transactions announced, 4 in the block');
    expect(other({ shortIds: cb.shortIds.map((s, i) => (i === 1 ? s + 1 : s)) })).toBe('transaction 2 does not hash to its short id');
    expect(other({ prefilled: [cb.prefilled[0]!, { index: 1, tx: block.txs[2]! }], shortIds: cb.shortIds.slice(1) })).toBe('prefilled transaction 1 differs');
    const body = [...block.txs.slice(0, -1), block.txs[1]!];
    expect(mismatch(toCompact({ header: block.header, txs: body }, nonce), { header: block.header, txs: body })).toBe('a body its header does not commit to');
    expect(computeMerkleRoot(body)).not.toEqual(block.header.merkleRoot);
  });
});
