import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { transferSigHash, type TransferTx } from '@hackcoin/core';
import { openBenchChain, signer, transferBlocks } from './fixture.js';
import { threadCpu } from './thread-cpu.js';
import { loadAverage } from './p2p/proc.js';

const TXS_PER_BLOCK = 1000;
const BLOCKS = 12;
/**
 * Blocks connected before the timed ones, as a running node has: V8 optimises the functions a
 * block runs once each only after about five or six blocks (docs/protocol.md, benchmarks), so a
 * run of cold blocks measures the compiler more than the node. They are timed too, and reported
 * apart.
 */
const WARM_UP_BLOCKS = Number(process.env.BENCH_WARM_UP_BLOCKS ?? 12);

interface NativeVerify {
  ecdsaVerify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean;
}

/** Raw verify rate of the same secp256k1 library the node uses, on this thread. */
export function rawVerifyRate(samples: TransferTx[]): number {
  const native = createRequire(import.meta.url)('secp256k1/bindings') as NativeVerify;
  const prepared = samples.map((tx) => ({ sig: tx.signature, msg: transferSigHash(tx), pub: tx.publicKey }));
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const p = prepared[i % prepared.length]!;
    if (!native.ecdsaVerify(p.sig, p.msg, p.pub)) throw new Error('verify failed');
  }
  return n / ((performance.now() - t0) / 1000);
}

/**
 * Connect-block throughput: blocks of 1,000 signed transfers from 1,000
 * distinct senders to fresh addresses, validated and connected into a real
 * LevelDB chain, against the raw signature verify rate.
 */
export async function runConnectBlockBench(): Promise<Record<string, number | string>> {
  const bench = await openBenchChain();
  try {
    const { chain } = bench;
    const { setup, blocks } = transferBlocks(chain.tip, WARM_UP_BLOCKS + BLOCKS, TXS_PER_BLOCK);
    for (const b of setup) await chain.processBlock(b);
    // Decoded fresh, as a peer's block would arrive: no cached hashes or senders.
    const { decodeBlock, encodeBlock } = await import('@hackcoin/core');
    const warmUp = blocks.slice(0, WARM_UP_BLOCKS).map(encodeBlock);
    const wire = blocks.slice(WARM_UP_BLOCKS).map(encodeBlock);
    const c0 = performance.now();
    for (const raw of warmUp) await chain.processBlock(decodeBlock(raw));
    const coldMs = (performance.now() - c0) / Math.max(1, WARM_UP_BLOCKS);
    const verifyBefore = rawVerifyRate(blocks[0]!.txs.slice(1) as TransferTx[]);
    const loadStart = loadAverage();
    const cpu = threadCpu();
    const t0 = performance.now();
    for (const raw of wire) await chain.processBlock(decodeBlock(raw));
    const seconds = (performance.now() - t0) / 1000;
    const spent = cpu();
    if (chain.height !== setup.length + WARM_UP_BLOCKS + BLOCKS) throw new Error('bench blocks did not all connect');
    const txRate = (BLOCKS * TXS_PER_BLOCK) / seconds;
    // Averaged before and after, so load from other processes skews both figures alike.
    const verifyRate = (verifyBefore + rawVerifyRate(blocks[0]!.txs.slice(1) as TransferTx[])) / 2;
    return {
      'signature backend': signer.name,
      'sha256 backend': signer.sha256,
      'connect-block (1,000-tx blocks), tx/s': Math.round(txRate),
      'raw secp256k1 verify, sig/s': Math.round(verifyRate),
      'connect / raw verify': `${((txRate / verifyRate) * 100).toFixed(1)}% (goal ≥ 70%)`,
      'ms per 1,000-tx block': Math.round((seconds * 1000) / BLOCKS),
      ...(WARM_UP_BLOCKS > 0 && { [`ms per block over the ${WARM_UP_BLOCKS} blocks before (cold code, not in the figures above)`]: Math.round(coldMs) }),
      'load average at start / end (1/5/15 min)': `${loadStart} → ${loadAverage()}`,
      ...(spent && {
        'CPU per block, ms: main thread / other threads (LevelDB, collector)': `${Math.round(spent.main / BLOCKS)} / ${Math.round(spent.others / BLOCKS)}`,
      }),
    };
  } finally {
    await bench.close();
  }
}
