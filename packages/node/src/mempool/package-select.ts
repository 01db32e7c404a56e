import type { TransferTx } from '@hackcoin/core';
import { MaxHeap } from '../util/heap.js';
import type { MempoolEntry } from './entry.js';

export interface SelectBudget {
  maxTxs: number;
  maxBytes: number;
  maxGas: number;
  /** Left out by assembly (they no longer apply): passed over, and the sender goes on after them. */
  skip: ReadonlySet<string>;
}

/** The next nonces of one sender to take together, as Core takes a transaction with its ancestors. */
interface Package {
  run: readonly MempoolEntry[];
  from: number;
  /** Inclusive. */
  to: number;
  feeRate: number;
}

/**
 * The prefix of `run` from `from` with the highest total fee over total virtual size (the longest
 * among equals, for the block's sake), stopping before a skipped entry: Core's ancestor score, where a
 * nonce's ancestors are the earlier nonces still waiting. At most the per-sender bound long.
 */
function bestPrefix(run: readonly MempoolEntry[], from: number, skip: ReadonlySet<string>): Package {
  let fee = 0;
  let vsize = 0;
  let best: Package = { run, from, to: from, feeRate: run[from]!.feeRate };
  for (let j = from; j < run.length; j++) {
    const e = run[j]!;
    if (j > from && skip.has(e.id)) break;
    fee += Number(e.fee);
    vsize += e.vsize;
    if (fee / vsize >= best.feeRate) best = { run, from, to: j, feeRate: fee / vsize };
  }
  return best;
}

/**
 * Transactions for a block template by package: each sender's next nonces are taken together when
 * their total pays the most per byte, so a transaction paying well pulls in the cheaper earlier
 * nonces it needs (child pays for parent). By single transactions, a tail paying 55× sat behind its
 * own head paying 1× until everything above 1× was mined. A package that does not fit is tried as
 * its first transaction alone; one transaction that does not fit holds back its sender's later
 * nonces. Each sender's candidate is recomputed only when it is taken, one pass of its run.
 */
export function selectPackages(runs: Iterable<readonly MempoolEntry[]>, budget: SelectBudget): TransferTx[] {
  const heap = new MaxHeap<Package>((a, b) => a.feeRate > b.feeRate);
  for (const run of runs) if (run.length > 0) heap.push(bestPrefix(run, 0, budget.skip));
  const out: TransferTx[] = [];
  let bytes = 0;
  let gas = 0;
  while (heap.size > 0 && out.length < budget.maxTxs) {
    const p = heap.pop()!;
    const { run, from, to } = p;
    if (budget.skip.has(run[from]!.id)) {
      if (from + 1 < run.length) heap.push(bestPrefix(run, from + 1, budget.skip));
      continue;
    }
    let pBytes = 0;
    let pGas = 0;
    for (let j = from; j <= to; j++) {
      pBytes += run[j]!.size;
      pGas += run[j]!.gasLimit;
    }
    if (bytes + pBytes > budget.maxBytes || gas + pGas > budget.maxGas || out.length + (to - from + 1) > budget.maxTxs) {
      if (to > from) heap.push({ run, from, to: from, feeRate: run[from]!.feeRate });
      continue;
    }
    for (let j = from; j <= to; j++) out.push(run[j]!.tx);
    bytes += pBytes;
    gas += pGas;
    if (to + 1 < run.length) heap.push(bestPrefix(run, to + 1, budget.skip));
  }
  return out;
}
