/**
 * The four example contracts, from core (packages/core/src/contract-examples),
 * so the IDE always offers exactly what the node tests. They load with the
 * contract page only.
 */
import { CONTRACT_EXAMPLES } from '@hackcoin/core';

const { token, voting, auction, multisig } = CONTRACT_EXAMPLES;

/** What template defaults are computed from: the chain and wallet as they are when a template is picked. */
export interface TemplateContext {
  /** Height of the node's tip. */
  height: number;
  /** The wallet's own addresses (stored metadata when locked), first first. */
  addresses: string[];
}

export interface Template {
  id: string;
  name: string;
  /** Suggested init arguments that work on this chain now. */
  initArgs: (c: TemplateContext) => unknown[];
  /** How the defaults were chosen, shown beside them. */
  hint: (c: TemplateContext) => string;
  source: string;
}

/** Blocks ahead of the tip for default deadlines: well ahead of regtest's instant blocks, minutes on a live chain. */
export const DEADLINE_BLOCKS = 100;
/** Stands in for an address only when there is no wallet yet; the hint says to replace it. */
const PLACEHOLDER = '0x0000000000000000000000000000000000000001';

const deadline = (c: TemplateContext) => c.height + DEADLINE_BLOCKS;
const own = (c: TemplateContext, n: number) => (c.addresses.length > 0 ? c.addresses.slice(0, n) : [PLACEHOLDER]);
const deadlineHint = (c: TemplateContext) => `Deadline: tip #${c.height} + ${DEADLINE_BLOCKS} blocks.`;
const ownerHint = (c: TemplateContext) => (c.addresses.length > 0 ? '' : ' Create or unlock a wallet to use your own addresses.');

export const TEMPLATES: Template[] = [
  { id: 'token', name: 'Token', initArgs: () => ['HackToken', 'HACK', 2, 1000000], hint: () => 'The whole supply goes to the deployer.', source: token },
  { id: 'voting', name: 'Voting', initArgs: (c) => [['Tabs', 'Spaces'], deadline(c)], hint: deadlineHint, source: voting },
  {
    id: 'auction',
    name: 'Auction',
    initArgs: (c) => [own(c, 1)[0], deadline(c)],
    hint: (c) => `Beneficiary: your first address. ${deadlineHint(c)}${ownerHint(c)}`,
    source: auction,
  },
  {
    id: 'multisig',
    name: 'Multi-signature wallet',
    initArgs: (c) => {
      const owners = own(c, 2);
      return [owners, owners.length];
    },
    hint: (c) => `Owners: your wallet's first ${Math.min(2, Math.max(1, c.addresses.length))} address(es), all of them needed to execute.${ownerHint(c)}`,
    source: multisig,
  },
];
