import type { ConsensusParams } from '../consensus/params.js';

/**
 * The relay minimum of HackCoin, shared by the node's mempool and every wallet
 * so that what a wallet builds is what a node relays. Policy, not consensus.
 *
 * A contract transaction is sure to pay only its intrinsic gas × gas price (its
 * `fee` field is a maximum), yet its declared gas limit holds that much of a
 * block's gas budget and is run by every node that assembles a template with
 * it. So the minimum is charged on its virtual size, which counts the declared
 * gas as the block bytes it stands for: a call declaring 50M gas at gas price 1
 * was relayed for ~21,600 units, and four of them filled a block's gas.
 */

type BlockShape = Pick<ConsensusParams, 'maxBlockSize' | 'maxBlockGas'>;

/**
 * The larger of a transaction's encoded size and the block bytes its declared gas stands for
 * (gasLimit × maxBlockSize / maxBlockGas), as Core weighs sigops into a virtual size: four calls
 * declaring 50M gas each fill a block's gas, so they compete for it as if they filled its bytes.
 * A plain transfer declares no gas (0). Policy, never consensus, so a float is fine.
 */
export function txVsize(size: number, gasLimit: number, params: BlockShape): number {
  return Math.max(size, (gasLimit * params.maxBlockSize) / params.maxBlockGas);
}

/** The least fee a transaction must be sure to pay to be relayed: `minFeeRate` base units per (started) byte of its vsize. */
export function minRelayFee(minFeeRate: bigint, size: number, gasLimit: number, params: BlockShape): bigint {
  return minFeeRate * BigInt(Math.ceil(txVsize(size, gasLimit, params)));
}

/** A contract transaction as the relay minimum sees it: its encoded size, declared gas limit and intrinsic gas. */
export interface ContractTxShape {
  size: number;
  gasLimit: number;
  intrinsicGas: number;
}

/**
 * The lowest gas price at which a contract transaction of this shape is sure to pay the relay
 * minimum (intrinsic gas × gas price ≥ minRelayFee). The shape is the transaction's at the price it
 * is built with, and the price is written in its payload: a price with more digits makes it larger.
 * A wallet wants core's minContractGasPrice (wallet/contract.ts), which settles that.
 */
export function minGasPriceForShape(minFeeRate: bigint, tx: ContractTxShape, params: BlockShape): bigint {
  const fee = minRelayFee(minFeeRate, tx.size, tx.gasLimit, params);
  // Every valid contract transaction has intrinsic gas (a base and a price per payload byte); 1 only keeps odd params from dividing by 0.
  const gas = BigInt(Math.max(1, tx.intrinsicGas));
  return (fee + gas - 1n) / gas;
}
