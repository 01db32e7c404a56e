import { CONTRACT_EXAMPLES, type ContractExampleName } from '@hackcoin/core';

/** Source text of one of the example contracts (kept in core, shared with the web IDE). */
export function exampleSource(name: ContractExampleName): string {
  return CONTRACT_EXAMPLES[name];
}
