import { NETWORKS, genesisBlock, headerId, nodeInfoSchema, type ConsensusParams, type NetworkName } from '@hackcoin/core';

/**
 * The network this wallet verifies against is fixed the first time it is
 * used, per origin (localStorage is origin-scoped). A node that later claims
 * another network would otherwise choose the genesis, proof-of-work limit and
 * confirmation count its forged proofs are checked against.
 */
const PIN_KEY = 'hackcoin:wallet-network';

/** The node's /api/node/info does not describe one of the networks this app knows. */
export class NodeInfoRejected extends Error {
  override name = 'NodeInfoRejected';
}

/** The node claims a network other than the one this wallet was set up for. */
export class NetworkChanged extends Error {
  override name = 'NetworkChanged';
  constructor(
    readonly claimed: NetworkName,
    readonly pinned: NetworkName,
  ) {
    super(`this node now claims network ${claimed}; this wallet was set up for ${pinned}`);
  }
}

const genesisIds = new Map<NetworkName, string>();
function genesisId(network: NetworkName): string {
  let id = genesisIds.get(network);
  if (id === undefined) genesisIds.set(network, (id = headerId(genesisBlock(NETWORKS[network]).header)));
  return id;
}

/**
 * The network a node info answer names, checked against core's schema and
 * against that network's own chain id and genesis (a name alone is a claim).
 */
export function claimedNetwork(info: unknown): NetworkName {
  const r = nodeInfoSchema.safeParse(info);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new NodeInfoRejected(`node info is malformed: ${issue.path.join('.') || 'body'} ${issue.message}`);
  }
  const { network, chainId, genesis } = r.data;
  if (chainId !== NETWORKS[network].chainId) throw new NodeInfoRejected(`node info names network ${network} with chain id ${chainId}, not ${NETWORKS[network].chainId}`);
  if (genesis !== genesisId(network)) throw new NodeInfoRejected(`node info names network ${network} with another genesis block (${genesis})`);
  return network;
}

function isNetwork(v: unknown): v is NetworkName {
  return typeof v === 'string' && Object.hasOwn(NETWORKS, v);
}

/** The network this wallet was set up for, or null before its first use. */
export function pinnedNetwork(): NetworkName | null {
  const v = globalThis.localStorage?.getItem(PIN_KEY);
  return isNetwork(v) ? v : null;
}

/** Pins `claimed` on first use; afterwards throws NetworkChanged unless it is the pinned network. */
export function pinNetwork(claimed: NetworkName): NetworkName {
  const pinned = pinnedNetwork();
  if (pinned === null) {
    globalThis.localStorage?.setItem(PIN_KEY, claimed);
    return claimed;
  }
  if (pinned !== claimed) throw new NetworkChanged(claimed, pinned);
  return pinned;
}

/** Forgets the pin, at the user's explicit request: the next verification pins the node's network again. */
export function resetNetworkPin(): void {
  globalThis.localStorage?.removeItem(PIN_KEY);
}

/** The consensus parameters (chain id) to sign for: only the pinned network's; another throws NetworkChanged. */
export function signingParams(network: NetworkName): ConsensusParams {
  return NETWORKS[pinNetwork(network)];
}
