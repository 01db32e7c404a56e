import { ContractError } from './errors.js';

/**
 * Native stack a contract transaction may need at worst, with margin: QuickJS's own
 * deterministic limit stops the worst constructs measured within about 260 KB
 * (docs/consensus.md, "Contract transactions"); the chain's own frames come on top.
 */
export const MIN_HOST_STACK_BYTES = 512 * 1024;

/** Native stack one frame of `descend` takes in Node 20 (measured: 984 KiB, the default, hold about 11,200). */
const DESCEND_FRAME_BYTES = 88;

function descend(n: number): number {
  return n === 0 ? 0 : descend(n - 1) + 1;
}

/**
 * Throws a ContractError when less than `bytes` of native stack is free here, probed by a fixed
 * recursion. A host that runs short mid-call defers the block (a host fault), never judges it,
 * but a node that always runs short could never follow a chain with contracts: refuse instead.
 */
export function checkHostStack(bytes = MIN_HOST_STACK_BYTES): void {
  try {
    descend(Math.ceil(bytes / DESCEND_FRAME_BYTES));
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ContractError(
      `host-stack-too-small: the contract engine needs about ${Math.round(bytes / 1024)} KiB of free native stack and ` +
        'this process has less; start node with a larger --stack-size (the default, 984, is enough) and a thread stack ' +
        '(ulimit -s) at least as large',
    );
  }
}
