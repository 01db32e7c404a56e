import { randomBytes } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import './shim.js';
import { ChainFixture } from '../test-support/chain-fixture.js';
import { BlockIntake } from './block-intake.js';
import { createHost, type Host } from './libp2p.js';
import { encodeRawList } from './messages.js';
import { LIMITS } from './protocol.js';
import { ReceiveBudget } from './receive-budget.js';
import { WireSyncClient, blocksAnswerMax } from './sync-client.js';
import { FakePeers, testLog } from './test-peers.js';
import { Wire } from './wire.js';

const SYNC = '/hackcoin/regtest/sync/1.0.0';
const MAX = 2_000_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});
async function host(): Promise<Host> {
  const h = await createHost({ listen: ['/ip4/127.0.0.1/tcp/0'], maxConnections: 8, maxGossipBytes: 1 << 20, isBanned: () => false, agent: 'test' });
  stops.push(() => h.stop());
  return h;
}

it('holds a large answer at its length prefix by back-pressure while our budget is short, then reads it whole', async () => {
  const fx = await ChainFixture.create();
  stops.push(() => fx.close());
  const [victim, remote] = await Promise.all([host(), host()]);
  const answer = encodeRawList(Array.from({ length: 3 }, () => new Uint8Array(1_500_000).fill(7)));
  let writtenAt = 0;
  await remote.handle(SYNC, async (ex) => {
    await ex.read(LIMITS.requestBytes, 5_000);
    await ex.write(answer);
    writtenAt = Date.now();
  });
  const id = await victim.dial(remote.addrs()[0]!);
  const peers = new FakePeers();
  peers.add(id, { chainWork: 1n });
  const budget = new ReceiveBudget(8 * 1024 * 1024);
  const floor = blocksAnswerMax(1, MAX);
  const stranger = await budget.take('x', budget.limit - floor, floor);
  const client = new WireSyncClient(new Wire(victim, peers), SYNC, peers, new BlockIntake(fx.chain, peers, testLog), MAX, budget);
  const done = client.blocks(id, [randomBytes(32), randomBytes(32), randomBytes(32)]).then(
    () => 'ok',
    (e: Error) => e.message,
  );
  await sleep(1_500);
  const readWhileWaiting = victim.traffic().find((t) => t.protocol === SYNC)?.bytesIn ?? 0;
  expect(writtenAt).toBe(0);
  expect(readWhileWaiting).toBeLessThan(1024 * 1024);
  const releasedAt = Date.now();
  stranger.release();
  await done;
  const readAfter = victim.traffic().find((t) => t.protocol === SYNC)?.bytesIn ?? 0;
  expect(readAfter).toBeGreaterThanOrEqual(answer.length);
  expect(writtenAt).toBeGreaterThanOrEqual(releasedAt);
  expect(budget.used).toBe(0);
});
