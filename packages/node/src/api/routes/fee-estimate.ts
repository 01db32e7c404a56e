import type { FastifyInstance } from 'fastify';
import { type ApiResponse, estimateFees, feeEstimateJson, gasPriceForFeeRate, paidRate, txHash, isContractTx } from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { TEMPLATE_RESERVED_BYTES } from '../../mining/template.js';
import type { SortedMempool } from '../mempool-view.js';
import { PoolConfirmed } from '../pool-confirmed.js';

/** Blocks whose transactions feed the fee estimate: recent enough to track demand, enough to smooth one odd block. */
export const FEE_WINDOW_BLOCKS = 20;

interface Samples {
  byteRates: number[];
  gasPrices: number[];
}

/**
 * GET /api/fees/estimate: core's fee policy (packages/core/src/policy/fees.ts)
 * fed with what the transactions of the last FEE_WINDOW_BLOCKS main-chain
 * blocks that this node held in its mempool first paid (PoolConfirmed), and
 * with the live mempool. Transfers are measured per byte, contract transactions
 * per gas used (from their receipts).
 */
export function feeEstimateRoutes(app: FastifyInstance, ctx: ApiContext, sorted: SortedMempool): void {
  const { chain, mempool, params } = ctx;
  const seen = new PoolConfirmed(mempool, FEE_WINDOW_BLOCKS * params.maxBlockTxs);
  let cached: { tip: string; samples: Promise<Samples> } | undefined;

  /**
   * Confirmed rates change only with the tip, so they are kept per tip; the mempool part is always
   * live. Kept as the promise: requests arriving together at a new tip share one read of the window
   * (each read and decoded up to FEE_WINDOW_BLOCKS whole blocks).
   */
  const recent = (): Promise<Samples> => {
    if (cached?.tip !== chain.tip.id) {
      const tip = chain.tip.id;
      const samples = collect();
      cached = { tip, samples };
      // A failed read is not kept: the next request tries again.
      samples.catch(() => {
        if (cached?.samples === samples) cached = undefined;
      });
    }
    return cached.samples;
  };

  const collect = async (): Promise<Samples> => {
    const samples: Samples = { byteRates: [], gasPrices: [] };
    const top = chain.height;
    for (let h = top; h > 0 && h > top - FEE_WINDOW_BLOCKS; h--) {
      const e = chain.getEntryByHeight(h);
      const block = e ? await chain.getBlock(e) : null;
      for (const tx of block?.txs ?? []) {
        // Only what others could have mined too: see PoolConfirmed.
        if (tx.kind !== 'transfer' || !seen.has(txHash(tx))) continue;
        const r = isContractTx(tx) ? await chain.contracts.receipt(txHash(tx)) : undefined;
        const paid = paidRate(tx, r && { gasUsed: r.gasUsed, gasPrice: BigInt(r.gasPrice) });
        if (paid?.unit === 'byte') samples.byteRates.push(paid.rate);
        else if (paid) samples.gasPrices.push(paid.rate);
      }
    }
    return samples;
  };

  /**
   * The last answer and what it was worked out from: the pool's sorted list is a new array after
   * any change, so the same array is the same pool. Working it out walks the whole pool (~5 ms at
   * 50,000 entries), which every request repeated.
   */
  let answered: { pool: readonly unknown[]; samples: Samples; minFeeRate: bigint; json: ApiResponse<'GET /api/fees/estimate'> } | undefined;

  app.get('/api/fees/estimate', async () => {
    const pool = sorted.entries();
    const samples = await recent();
    // Never below what the pool takes now: after evictions its floor is above the configured minimum.
    const minFeeRate = BigInt(Math.ceil(Math.max(Number(ctx.minFeeRate), mempool.minFeeRate())));
    if (answered && answered.pool === pool && answered.samples === samples && answered.minFeeRate === minFeeRate) return answered.json;
    const est = estimateFees({
      ...samples,
      mempool: pool.map((e) => ({ feeRate: e.feeRate, size: e.size, contract: isContractTx(e.tx) })),
      blockBytes: params.maxBlockSize - TEMPLATE_RESERVED_BYTES,
      blockTxs: params.maxBlockTxs - 1,
      minFeeRate,
      // The floor of a contract transaction whose declared gas does not outweigh its bytes: the
      // presets are per gas used, blind to gas limits, and wallets raise the price they sign with to
      // what `minFeeRate` asks of their own gas limit (core's minContractGasPrice).
      minGasPrice: gasPriceForFeeRate(minFeeRate, params),
    });
    const json = feeEstimateJson(est, minFeeRate, {
      blocks: Math.min(FEE_WINDOW_BLOCKS, chain.height),
      samples: samples.byteRates.length,
      contractSamples: samples.gasPrices.length,
      mempoolTxs: pool.length,
      mempoolBytes: mempool.bytes,
    }) satisfies ApiResponse<'GET /api/fees/estimate'>;
    answered = { pool, samples, minFeeRate, json };
    return json;
  });
}
