import { reject } from './errors.js';
import type { ConsensusParams } from './params.js';
import { targetFromBits, hashMeetsTarget } from './pow.js';
import { powLimit } from './difficulty.js';
import { equalBytes } from '../encoding/bytes.js';
import { blockSize, computeMerkleRoot, type Block } from '../primitives/block.js';
import { headerHash, type BlockHeader } from '../primitives/header.js';
import { txHash } from '../primitives/transaction.js';
import { checkTransferSanity } from './tx-rules.js';
import { HashSet } from './hash-set.js';

/** Proof of work alone: valid bits under the network's limit, and a hash at or under the target. */
export function checkProofOfWork(header: BlockHeader, params: ConsensusParams): void {
  const target = targetFromBits(header.bits, powLimit(params));
  if (target === null) reject('bad-diffbits', `bits 0x${header.bits.toString(16)} out of range`);
  if (!hashMeetsTarget(headerHash(header), target)) reject('high-hash', 'proof of work failed');
}

/** What the contextual header rules need from the chain. */
export interface HeaderContext {
  expectedBits: number;
  medianTimePast: number;
  /** The node's clock in seconds. */
  now: number;
  /** Height of the block being checked. */
  height: number;
  /** Timestamp of its parent. */
  prevTime: number;
}

export function checkHeaderContext(header: BlockHeader, ctx: HeaderContext, params: ConsensusParams): void {
  if (header.version < params.blockVersion) reject('bad-version', `version ${header.version}`);
  if (header.bits !== ctx.expectedBits) {
    reject('bad-diffbits', `expected 0x${ctx.expectedBits.toString(16)}, got 0x${header.bits.toString(16)}`);
  }
  if (header.time <= ctx.medianTimePast) reject('time-too-old', `time ${header.time} ≤ median ${ctx.medianTimePast}`);
  if (header.time > ctx.now + params.maxFutureBlockTime) {
    // A peer may simply have a fast clock: worth rejecting, not banning.
    reject('time-too-new', `time ${header.time} more than 2 h ahead`, 0);
  }
  // BIP94: the first block of a retarget window may not step far back behind the last block of
  // the previous one, so a window cannot open on a timestamp that undoes the previous window's.
  const windowStart = ctx.height > 0 && ctx.height % params.retargetInterval === 0;
  if (!params.noRetargeting && windowStart && header.time < ctx.prevTime - params.maxTimewarp) {
    reject('time-timewarp-attack', `time ${header.time} more than ${params.maxTimewarp} s before its parent's ${ctx.prevTime}`);
  }
}

/** Everything about a block that can be checked without chain state. */
export function checkBlockSanity(block: Block, params: ConsensusParams): void {
  checkProofOfWork(block.header, params);
  const { txs } = block;
  if (txs.length === 0) reject('bad-cb-missing', 'block has no transactions');
  if (txs.length > params.maxBlockTxs) reject('bad-blk-txns', `${txs.length} transactions`);
  if (blockSize(block) > params.maxBlockSize) reject('bad-blk-length');
  const coinbase = txs[0]!;
  if (coinbase.kind !== 'coinbase') reject('bad-cb-missing', 'first transaction is not a coinbase');
  if (coinbase.chainId !== params.chainId) reject('bad-cb-chainid');
  if (coinbase.extra.length > params.maxCoinbaseExtra) reject('bad-cb-extra', 'coinbase extra too long');
  const seen = new HashSet();
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    if (i > 0) {
      if (tx.kind === 'coinbase') reject('bad-cb-multiple');
      checkTransferSanity(tx, params);
    }
    // Also closes the merkle duplicate-leaf mutation (CVE-2012-2459).
    if (!seen.add(txHash(tx))) reject('bad-txns-duplicate');
  }
  if (!equalBytes(computeMerkleRoot(txs), block.header.merkleRoot)) reject('bad-merkle-root');
}
