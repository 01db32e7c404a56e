import type { ContractExecutor, ContractPayload } from '@hackcoin/core';
import type { QuickJsExecutor } from '../contracts/executor.js';

/**
 * The real VM, counting the static checks it is asked for (for a deploy: parsing and
 * instrumenting its source; for every contract transaction: once at admission and once per
 * assembly that considers it).
 */
export class CountingExecutor implements ContractExecutor {
  checks = 0;
  constructor(private readonly vm: QuickJsExecutor) {}
  checkPayload(payload: ContractPayload): void {
    this.checks++;
    this.vm.checkPayload(payload);
  }
  execute(...a: Parameters<ContractExecutor['execute']>): ReturnType<ContractExecutor['execute']> {
    return this.vm.execute(...a);
  }
}
