import { blockSize, blockSubsidy, encodeTx, isContractTx, txHash, type Block, type BlockStats, type ConsensusParams, type TransferTx } from '@hackcoin/core';
import { checksummed } from './address-format.js';

/** A contract transaction's receipt as the contract store keeps it: what its fee was charged from. */
export interface ChargedGas {
  gasUsed: number;
  gasPrice: string | bigint;
}

/**
 * The figures an explorer heads a block with: size, miner, reward against subsidy and fees, gas,
 * and the spread of what its plain transfers paid per byte. A contract transaction's fee is what
 * its receipt says it was charged, not its declared limit. Receipts are kept for main-chain blocks
 * only (a side block's contract transaction may sit in a main-chain block too, with other gas), so
 * off the main chain, or if a receipt is missing, fees and gas are null when there are contract
 * transactions.
 */
export async function blockStats(
  block: Block,
  height: number,
  params: ConsensusParams,
  receipt: ((id: Uint8Array) => Promise<ChargedGas | undefined>) | undefined,
): Promise<BlockStats> {
  const coinbase = block.txs[0]!;
  let fees = 0n;
  let gasUsed = 0;
  let receiptsComplete = true;
  const rates: number[] = [];
  for (let i = 1; i < block.txs.length; i++) {
    const tx = block.txs[i] as TransferTx;
    if (!isContractTx(tx)) {
      fees += tx.fee;
      rates.push(Number(tx.fee) / encodeTx(tx).length);
      continue;
    }
    const r = receiptsComplete ? await receipt?.(txHash(tx)) : undefined;
    if (!r) {
      receiptsComplete = false;
      continue;
    }
    gasUsed += r.gasUsed;
    fees += BigInt(r.gasUsed) * BigInt(r.gasPrice);
  }
  rates.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    size: blockSize(block),
    miner: checksummed(coinbase.to),
    reward: coinbase.amount.toString(),
    subsidy: blockSubsidy(height, params).toString(),
    fees: receiptsComplete ? fees.toString() : null,
    gasUsed: receiptsComplete ? gasUsed : null,
    feeRate: rates.length === 0 ? null : { min: round(rates[0]!), median: round(rates[rates.length >> 1]!), max: round(rates[rates.length - 1]!) },
  };
}
