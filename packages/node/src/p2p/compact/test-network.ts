import { blockHash, decodeBlock, hashToHex, type Block } from '@hackcoin/core';
import { ChainFixture, REGTEST, W } from '../../test-support/chain-fixture.js';
import { BlockIntake } from '../block-intake.js';
import { FrameError } from '../frames.js';
import type { Exchange, Validation } from '../libp2p.js';
import type { Requester } from '../sync-client.js';
import { FakePeers, testLog } from '../test-peers.js';
import { CompactRelay } from './compact-relay.js';
import { RecentBlocks } from './recent-blocks.js';
import { serveBlockTxn } from './serve.js';

/** One node of a small test network: its chain, what it thinks of its peers, and the blocks it answers getblocktxn from. */
export interface Node {
  name: string;
  fx: ChainFixture;
  peers: FakePeers;
  recent: RecentBlocks;
  relay: CompactRelay;
  intake: BlockIntake;
  /** What it answers when asked for a whole block; its block store unless a test makes it lie. */
  serve?: (hash: Uint8Array) => Promise<Block | undefined>;
  /** Senders of headers whose blocks they did not let it have (CompactRelayDeps.onUnobtained), in order. */
  unobtained: string[];
}

export type Net = Map<string, Node>;

/** getblocktxn from `asker` to the named node, answered by that node's real server over its recent blocks. */
export function requester(net: Net, asker: string): Requester {
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
  const unobtained: string[] = [];
  const peers = new FakePeers();
  for (const other of ['A', 'P', 'H', 'N']) if (other !== name) peers.add(other, { chainWork: 0n });
  const recent = new RecentBlocks(fx.chain);
  const relay = new CompactRelay({
    chain: fx.chain,
    pool: () => fx.mempool.entries(),
    peers,
    requester: requester(net, name),
    protocol: '/test/cmpct',
    fullBlock: (peerId, hash) => {
      const server = net.get(peerId)!;
      return server.serve ? server.serve(hash) : fromStore(server, hash);
    },
    recent,
    params: REGTEST,
    now: () => fx.clock.now,
    log: testLog,
    onOrphan: () => undefined,
    onUnobtained: (from) => unobtained.push(from),
  });
  net.set(name, { name, fx, peers, recent, relay, intake: new BlockIntake(fx.chain, peers, testLog), unobtained });
}

/** `to` receives gossip `data` from `from`; resolves with the gossip verdict once any block handed on is judged. */
export async function deliver(net: Net, to: string, from: string, data: Uint8Array): Promise<Validation> {
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
 * valid block of `transfers` transfers none of the others has in its mempool.
 * The fixtures go into `fixtures`, for the test file to close.
 */
export async function network(fixtures: ChainFixture[], transfers = 3) {
  const [a, h, n] = await Promise.all([ChainFixture.create(), ChainFixture.create(), ChainFixture.create()]);
  fixtures.push(a, h, n);
  for (const blk of await a.mine(2)) {
    await h.chain.processBlock(blk);
    await n.chain.processBlock(blk);
  }
  for (let i = 0; i < transfers; i++) await a.mempool.add(a.tx(W.minerA, W.bob, 10n, { nonce: BigInt(i) }));
  const [block] = (await a.mine(1)) as [Block];
  const net: Net = new Map();
  join(net, 'A', a);
  join(net, 'P', a);
  join(net, 'H', h);
  join(net, 'N', n);
  return { net, block, id: hashToHex(blockHash(block)), A: net.get('A')!, H: net.get('H')!, N: net.get('N')! };
}

/** Offences as `peer offence rule`, the rule being the detail up to its first colon. */
export const offences = (peers: FakePeers) => peers.offences.map((o) => `${o.peerId} ${o.offence} ${o.detail.split(':')[0]}`);
