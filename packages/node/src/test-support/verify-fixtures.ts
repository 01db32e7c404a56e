import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, generatePrivateKey, signTransfer, type Block, type TransferTx } from '@hackcoin/core';
import { Chain } from '../chain/chain.js';
import { Mempool } from '../mempool/mempool.js';
import { openDatabase } from '../store/db.js';
import type { SignatureVerifier } from '../verify/signature-verifier.js';
import { VerifyPool } from '../verify/verify-pool.js';
import { quietLogger, type ChainFixture } from './chain-fixture.js';

/** The order of secp256k1's group. */
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** A signed transfer from a fresh key (or `key`) to an address made of the nonce's low byte. */
export function transfer(nonce: number, key = generatePrivateKey()): TransferTx {
  return signTransfer(
    { kind: 'transfer', chainId: 3, nonce: BigInt(nonce), fee: 10n, to: new Uint8Array(20).fill(nonce & 0xff), amount: 5n, data: new Uint8Array() },
    key,
  );
}

/** The same signature with s replaced by n - s: valid ECDSA, refused by the low-S rule. */
export function highS(tx: TransferTx): TransferTx {
  const s = BigInt(`0x${bytesToHex(tx.signature.subarray(32))}`);
  const signature = tx.signature.slice();
  signature.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return { ...tx, signature };
}

const pools: VerifyPool[] = [];

/** A verify pool whose workers are up; closeVerifyPools (in afterAll) stops them. */
export async function readyPool(threads = 2): Promise<VerifyPool> {
  const pool = new VerifyPool(threads);
  pools.push(pool);
  await pool.whenReady();
  return pool;
}

export async function closeVerifyPools(): Promise<void> {
  await Promise.all(pools.splice(0).map((p) => p.close()));
}

/** A mempool on the fixture's chain that checks signatures through `verifier`. */
export function verifiedMempool(fx: ChainFixture, verifier: SignatureVerifier): Mempool {
  return new Mempool({ chain: fx.chain, db: fx.db, params: fx.params, backend: fx.backend, log: quietLogger(), maxTxs: 100, minFeeRate: 1n, verifier });
}

/**
 * A chain of its own (fresh data dir, the fixture's clock), with or without a verifier, that
 * replays `history` and is handed to `use`; closed and removed after. Comparing what two such
 * chains conclude is how the parallel checks are held to the serial ones.
 */
export async function withReplayedChain<T>(
  fx: ChainFixture,
  history: readonly Block[],
  verifier: SignatureVerifier | undefined,
  use: (chain: Chain) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-replay-test-'));
  try {
    const db = await openDatabase(dir);
    const chain = await Chain.open({ db, params: fx.params, backend: fx.backend, log: quietLogger(), now: () => fx.clock.now, ...(verifier ? { verifier } : {}) });
    try {
      for (const b of history) await chain.processBlock(b);
      return await use(chain);
    } finally {
      await chain.drain();
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
