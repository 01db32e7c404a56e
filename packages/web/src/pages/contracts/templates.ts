/**
 * The four example contracts, imported as text straight from
 * packages/node/src/contracts/examples/*.js (Vite `?raw`), so the IDE always
 * offers exactly what the node ships and tests. They load with the contract
 * page only.
 */
import token from '../../../../node/src/contracts/examples/token.js?raw';
import voting from '../../../../node/src/contracts/examples/voting.js?raw';
import auction from '../../../../node/src/contracts/examples/auction.js?raw';
import multisig from '../../../../node/src/contracts/examples/multisig.js?raw';

export interface Template {
  id: string;
  name: string;
  /** Suggested init arguments, as a JSON array. */
  initArgs: string;
  source: string;
}

export const TEMPLATES: Template[] = [
  { id: 'token', name: 'Token', initArgs: '["HackToken", "HACK", 2, 1000000]', source: token },
  { id: 'voting', name: 'Voting', initArgs: '[["Tabs", "Spaces"], 100]', source: voting },
  { id: 'auction', name: 'Auction', initArgs: '["0x0000000000000000000000000000000000000001", 100]', source: auction },
  {
    id: 'multisig',
    name: 'Multi-signature wallet',
    initArgs: '[["0x0000000000000000000000000000000000000001", "0x0000000000000000000000000000000000000002"], 2]',
    source: multisig,
  },
];
