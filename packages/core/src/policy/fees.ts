import { isContractTx } from '../consensus/contracts.js';
import { txSize, type TransferTx } from '../primitives/transaction.js';
import type { FeeEstimate } from '../wallet/builder.js';

/**
 * The one fee policy of HackCoin, used by the node's GET /api/fees/estimate,
 * the CLI and the web wallet (both read the node's answer through
 * parseFeeEstimate). Policy, not consensus: nodes may disagree about it.
 *
 * Plain transfers and contract transactions are priced in different units.
 * A transfer pays fee / size per byte. A contract transaction's `fee` is only
 * its maximum (gasLimit × gasPrice); what it pays is gasUsed × gasPrice, so
 * it is measured per gas used. Mixing the two would let a burst of contract
 * calls, whose maximum fee per byte is huge, raise every transfer's estimate.
 */

/** What one confirmed transaction paid. */
export type PaidRate = { unit: 'byte'; rate: number } | { unit: 'gas'; rate: number };

/** The rate a confirmed transaction actually paid; a contract transaction needs its receipt's gas figures. */
export function paidRate(tx: TransferTx, receipt?: { gasUsed: number; gasPrice: bigint }): PaidRate | null {
  if (!isContractTx(tx)) return { unit: 'byte', rate: Number(tx.fee) / txSize(tx) };
  if (!receipt || receipt.gasUsed <= 0) return null;
  // fee paid / gas used is exactly the gas price: said the long way so the unit is plain.
  return { unit: 'gas', rate: Number(BigInt(receipt.gasUsed) * receipt.gasPrice) / receipt.gasUsed };
}

/** A waiting transaction as the fee policy sees it. */
export interface PendingRate {
  /** Maximum fee per byte (the order in which templates take transactions). */
  feeRate: number;
  size: number;
  /** Contract transactions take block space but never set the transfer rate. */
  contract: boolean;
}

export interface FeeInput {
  /** Per-byte rates paid by the plain transfers of the last few main-chain blocks. */
  byteRates: number[];
  /** Gas prices paid by the contract transactions of the same blocks. */
  gasPrices: number[];
  /** The mempool, highest fee rate first. */
  mempool: PendingRate[];
  /** Transfer bytes and count one block can take. */
  blockBytes: number;
  blockTxs: number;
  /** Relay floor, base units per byte (of vsize: see policy/relay-fee.ts). */
  minFeeRate: bigint;
  /**
   * Lowest gas price worth quoting: what pays the relay floor for a contract transaction whose
   * declared gas does not outweigh its bytes (gasLimit ≤ size × maxBlockGas / maxBlockSize, ~25,000
   * gas for a short call), wallet/contract.ts's gasPriceForFeeRate. The presets stay prices per gas
   * used, as a market figure; one declaring more gas needs more, which only its own gas limit can
   * say: wallets raise the price to minContractGasPrice of `minFeeRate` for what they send.
   */
  minGasPrice: bigint;
}

export interface FeePolicyEstimate {
  /** Base units per byte of a signed plain transfer. */
  perByte: FeeEstimate;
  /** Base units per gas of a contract transaction. */
  gasPrice: FeeEstimate;
}

/** Percentiles of recently confirmed rates: what got into blocks lately at each urgency. */
const PERCENTILE = { slow: 0.25, normal: 0.5, fast: 0.9 } as const;
/** Blocks within which each preset aims to confirm when the mempool is congested. */
export const TARGET_BLOCKS = { slow: 4, normal: 2, fast: 1 } as const;
const PRESETS = ['slow', 'normal', 'fast'] as const;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  // Nearest-rank: always an observed rate, never an interpolation between two.
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * The per-byte rate needed to be among the first `blocks` blocks' worth of
 * the mempool: just above the rate of the first plain transfer that would not
 * fit. Contract transactions ahead of it count for the space they take, but
 * their nominal (maximum) rate is never quoted. 0 when everything fits.
 */
function congestionRate(mempool: PendingRate[], blocks: number, blockBytes: number, blockTxs: number): number {
  const maxBytes = blocks * blockBytes;
  const maxTxs = blocks * blockTxs;
  let bytes = 0;
  for (let i = 0; i < mempool.length; i++) {
    const e = mempool[i]!;
    bytes += e.size;
    if ((bytes > maxBytes || i + 1 > maxTxs) && !e.contract) return Math.floor(e.feeRate) + 1;
  }
  return 0;
}

const sortedRates = (rates: number[]): number[] => rates.filter((r) => Number.isFinite(r) && r >= 0).sort((a, b) => a - b);
const ceil = (rate: number): bigint => BigInt(Math.ceil(rate));
const atLeast = (r: bigint, floor: bigint): bigint => (r < floor ? floor : r);

/** A more urgent preset must never be cheaper than a less urgent one. */
function monotone(e: FeeEstimate): FeeEstimate {
  const normal = atLeast(e.normal, e.slow);
  return { slow: e.slow, normal, fast: atLeast(e.fast, normal) };
}

/** estimatesmartfee in spirit: what recent blocks paid, raised to what the mempool backlog demands. */
export function estimateFees(input: FeeInput): FeePolicyEstimate {
  const bytes = sortedRates(input.byteRates);
  const gas = sortedRates(input.gasPrices);
  const perByte = {} as FeeEstimate;
  const gasPrice = {} as FeeEstimate;
  for (const p of PRESETS) {
    const fromBlocks = ceil(percentile(bytes, PERCENTILE[p]));
    const fromMempool = ceil(congestionRate(input.mempool, TARGET_BLOCKS[p], input.blockBytes, input.blockTxs));
    perByte[p] = atLeast(fromBlocks > fromMempool ? fromBlocks : fromMempool, input.minFeeRate);
    gasPrice[p] = atLeast(ceil(percentile(gas, PERCENTILE[p])), input.minGasPrice);
  }
  return { perByte: monotone(perByte), gasPrice: monotone(gasPrice) };
}

/** The JSON shape of GET /api/fees/estimate (amounts as decimal strings). */
export interface FeeEstimateJson {
  unit: string;
  slow: string;
  normal: string;
  fast: string;
  minFeeRate: string;
  gasPrice: { slow: string; normal: string; fast: string };
  basis: { blocks: number; samples: number; contractSamples: number; mempoolTxs: number; mempoolBytes: number };
}

export function feeEstimateJson(e: FeePolicyEstimate, minFeeRate: bigint, basis: FeeEstimateJson['basis']): FeeEstimateJson {
  const str = (f: FeeEstimate) => ({ slow: f.slow.toString(), normal: f.normal.toString(), fast: f.fast.toString() });
  return { unit: 'base units per byte', ...str(e.perByte), minFeeRate: minFeeRate.toString(), gasPrice: str(e.gasPrice), basis };
}

function units(v: unknown, what: string): bigint {
  if (typeof v !== 'string' || !/^\d{1,20}$/.test(v)) throw new Error(`fee estimate: ${what} is not an amount`);
  return BigInt(v);
}

/** A node's fee estimate as a wallet reads it: the presets, and the relay floor its contract transactions are priced up to. */
export interface ParsedFeeEstimate extends FeePolicyEstimate {
  /** Base units per byte of vsize (policy/relay-fee.ts): the input of wallet/contract.ts's minContractGasPrice. */
  minFeeRate: bigint;
}

/** Reads a node's fee estimate; throws on a malformed answer rather than pricing a send on it. */
export function parseFeeEstimate(json: unknown): ParsedFeeEstimate {
  const j = (json ?? {}) as Partial<FeeEstimateJson>;
  const g = (j.gasPrice ?? {}) as Partial<FeeEstimateJson['gasPrice']>;
  return {
    perByte: { slow: units(j.slow, 'slow'), normal: units(j.normal, 'normal'), fast: units(j.fast, 'fast') },
    gasPrice: { slow: units(g.slow, 'gasPrice.slow'), normal: units(g.normal, 'gasPrice.normal'), fast: units(g.fast, 'gasPrice.fast') },
    minFeeRate: units(j.minFeeRate, 'minFeeRate'),
  };
}
