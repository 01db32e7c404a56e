import { auction } from './auction.js';
import { multisig } from './multisig.js';
import { token } from './token.js';
import { voting } from './voting.js';

/**
 * The example contracts as source text, here in core so the node's tests and
 * the web IDE's templates share one copy without the web app importing node.
 */
export const CONTRACT_EXAMPLES = { token, voting, auction, multisig } as const;

export type ContractExampleName = keyof typeof CONTRACT_EXAMPLES;
