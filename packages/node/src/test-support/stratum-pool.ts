import { NETWORKS, decodeCompact, formatAddress } from '@hackcoin/core';
import { ChainFixture, W } from './chain-fixture.js';
import { StratumTestClient, type Notify } from '../../test/helpers/stratum-client.js';
import { StratumServer, type StratumOptions } from '../stratum/server.js';

/**
 * A pool on a real chain and real sockets for the stratum tests, and what its miners need. The test
 * network's genesis difficulty (2^-16) lets shares at 1e-7 be far easier than blocks, and a block
 * takes some 65,000 hashes to find. Each test file runs `cleanUp` after each test.
 */

const pending: (() => Promise<void> | void)[] = [];

export async function cleanUp(): Promise<void> {
  for (const f of pending.splice(0).reverse()) await f();
}

/** Runs `f` at the next `cleanUp`, after what was registered later. */
export function afterTest(f: () => Promise<void> | void): void {
  pending.push(f);
}

export const worker = `${formatAddress(W.alice.address)}.rig`;

export async function until<T>(fn: () => T | undefined | false, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A pool on a fresh chain of `on` (closed at `cleanUp`), or on a chain the test built. */
export async function startPool(o: Partial<StratumOptions> = {}, on: 'test' | 'regtest' | ChainFixture = 'test'): Promise<{ server: StratumServer; port: number; fx: ChainFixture }> {
  const fx = on instanceof ChainFixture ? on : await ChainFixture.create({ params: NETWORKS[on] });
  if (!(on instanceof ChainFixture)) pending.push(() => fx.close());
  const server = new StratumServer({
    chain: fx.chain,
    mempool: fx.mempool,
    params: fx.params,
    log: fx.log,
    host: '127.0.0.1',
    port: 0,
    poolAddress: formatAddress(W.minerA.address),
    initialDifficulty: 1e-7,
    ...o,
  });
  const port = await server.start();
  pending.push(() => server.stop());
  return { server, port, fx };
}

/** A connection, not yet subscribed. */
export async function connect(port: number): Promise<StratumTestClient> {
  const c = new StratumTestClient();
  await c.connect(port);
  pending.push(() => c.close());
  return c;
}

/** A subscribed and authorised miner with its first job; `configure` is sent first when given. */
export async function miner(port: number, o: { name?: string; configure?: unknown[] } = {}): Promise<StratumTestClient> {
  const c = await connect(port);
  if (o.configure) await c.call('mining.configure', o.configure);
  await c.subscribe();
  const auth = await c.call('mining.authorize', [o.name ?? worker, 'x']);
  if (auth.result !== true) throw new Error(`not authorised: ${JSON.stringify(auth.error)}`);
  await until(() => c.jobs.length > 0, 'first notify');
  return c;
}

/** The block target a notify's nbits names. */
export function blockTarget(nbits: string): bigint {
  return decodeCompact(parseInt(nbits, 16)).target;
}

/** The hash as the number a target bounds. */
export function hashValue(c: StratumTestClient, job: Notify, en2: string, nonce: number, version?: number): bigint {
  return BigInt(`0x${Buffer.from(c.hashFor(job, en2, job.ntime, nonce, version)).reverse().toString('hex')}`);
}

/** A nonce whose header (at `version`, the job's if not given) is a block. */
export function blockNonce(c: StratumTestClient, job: Notify, en2: string, version?: number): number {
  const target = blockTarget(job.nbits);
  for (let nonce = 0; ; nonce++) if (hashValue(c, job, en2, nonce, version) <= target) return nonce;
}

/** A share at the client's difficulty that is not a block (a block would move the tip), searching from extranonce2 `from`. */
export function shareOf(c: StratumTestClient, job: Notify, from = 1, version?: number): { en2: string; nonce: number } {
  const [share, block] = [c.shareTarget(), blockTarget(job.nbits)];
  for (let e = from; ; e++) {
    const en2 = e.toString(16).padStart(8, '0');
    for (let nonce = 0; nonce < 100_000; nonce++) {
      const v = hashValue(c, job, en2, nonce, version);
      if (v <= share) {
        if (v > block) return { en2, nonce };
        break;
      }
    }
  }
}

/** The block hash as the chain lists it (byte-reversed hex) of a header the client hashed. */
export function blockId(c: StratumTestClient, job: Notify, en2: string, nonce: number, version?: number): string {
  return Buffer.from(c.hashFor(job, en2, job.ntime, nonce, version)).reverse().toString('hex');
}
