/** What inbound eviction knows of a connected inbound peer. */
export interface EvictionCandidate {
  peerId: string;
  group: string;
  latencyMs: number | undefined;
  connectedAt: number;
  lastBlockAt: number;
  lastTxAt: number;
  /** Its address is discouraged (a peer behind it misbehaved). */
  discouraged: boolean;
}

/**
 * Inbound limits. `perIp` counts every open connection; `perGroup` counts peers past the status
 * handshake, and `pendingPerGroup` and `pendingTotal` the connections not yet past it (a newcomer beyond
 * them drops the oldest, so sockets that never finish cannot hold a netgroup shut). A netgroup at its cap
 * gives up a peer to a newcomer at most once per `tenureMs`, and never one connected for less than that:
 * however many connections the group sends, it turns over one slot a minute.
 */
export const INBOUND = { perIp: 4, perGroup: 8, pendingPerGroup: 4, pendingTotal: 32, tenureMs: 60_000 } as const;

/** How many peers each of Core's rules protects: by netgroup, latency, new transactions and new blocks. */
export interface Protection {
  groups: number;
  latency: number;
  tx: number;
  block: number;
}

/** Core's numbers, for the whole inbound table. */
export const TABLE_PROTECTION: Protection = { groups: 4, latency: 8, tx: 4, block: 4 };

/** Within one netgroup at its cap: Core's scaled to its 8 peers, or they would all be protected, idle or not. */
export const GROUP_PROTECTION: Protection = { groups: 0, latency: 1, tx: 1, block: 1 };

function protect(list: EvictionCandidate[], n: number, better: (a: EvictionCandidate, b: EvictionCandidate) => number, keep?: (c: EvictionCandidate) => boolean): EvictionCandidate[] {
  const ranked = [...list].filter((c) => !keep || keep(c)).sort(better);
  const saved = new Set(ranked.slice(0, n));
  return list.filter((c) => !saved.has(c));
}

/**
 * Bitcoin Core's inbound eviction: when the inbound slots are full, protect
 * the peers an attacker cannot cheaply imitate — 4 from distinct netgroups
 * (by a keyed hash the attacker cannot aim at), the 8 with the lowest
 * latency, the 4 that most recently sent a new transaction and the 4 that
 * most recently sent a new block, then the older half of the rest — and
 * evict the newest peer of the netgroup with the most connections among
 * what remains (discouraged peers first). Undefined when all are protected.
 * `evictable` is asked only after the protections: peers it spares still
 * count toward the older half, or a group that keeps its own connections
 * fresh would leave its one long-connected peer unprotected.
 */
export function selectEviction(
  candidates: EvictionCandidate[],
  groupRank: (group: string) => number,
  keep: Protection = TABLE_PROTECTION,
  evictable: (c: EvictionCandidate) => boolean = () => true,
): string | undefined {
  let rest = protect(candidates, keep.groups, (a, b) => groupRank(a.group) - groupRank(b.group));
  rest = protect(rest, keep.latency, (a, b) => (a.latencyMs ?? Infinity) - (b.latencyMs ?? Infinity), (c) => c.latencyMs !== undefined);
  rest = protect(rest, keep.tx, (a, b) => b.lastTxAt - a.lastTxAt, (c) => c.lastTxAt > 0);
  rest = protect(rest, keep.block, (a, b) => b.lastBlockAt - a.lastBlockAt, (c) => c.lastBlockAt > 0);
  rest = protect(rest, Math.floor(rest.length / 2), (a, b) => a.connectedAt - b.connectedAt).filter(evictable);
  if (rest.length === 0) return undefined;
  if (rest.some((c) => c.discouraged)) rest = rest.filter((c) => c.discouraged);
  const byGroup = new Map<string, EvictionCandidate[]>();
  for (const c of rest) byGroup.set(c.group, [...(byGroup.get(c.group) ?? []), c]);
  let worst: EvictionCandidate[] = [];
  for (const g of byGroup.values()) {
    const newest = (l: EvictionCandidate[]) => Math.max(...l.map((c) => c.connectedAt));
    if (g.length > worst.length || (g.length === worst.length && newest(g) > newest(worst))) worst = g;
  }
  return worst.reduce((a, b) => (b.connectedAt > a.connectedAt ? b : a)).peerId;
}
