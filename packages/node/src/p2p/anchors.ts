import { existsSync, rmSync, statSync } from 'node:fs';
import { readJson, writeJson } from './json-file.js';
import { isPeerId } from './libp2p.js';
import { validAddrs } from './addrman.js';
import type { PeerState } from './peer-state.js';

/** An outbound peer we were connected to at shutdown, dialled first at the next start (Core's anchors.dat). */
export interface Anchor {
  peerId: string;
  addr: string;
}

/** Core keeps 2 anchors: enough to rejoin our part of the network, too few to pin us to an attacker's. */
export const MAX_ANCHORS = 2;
/** Two entries take a few hundred bytes; anything far larger is not a file we wrote. */
const MAX_FILE_BYTES = 4_096;

/**
 * Outbound peers that finished the handshake, have no ban score and claim at least our tip's
 * work; those that delivered a block first, then the longest-connected (Core saves its
 * block-relay-only peers). Without the work and delivery tests an idle peer that won one slot
 * would be the longest-connected at every shutdown, dialled first at every start, and saved again.
 */
export function chooseAnchors(peers: readonly PeerState[], tipWork: bigint): Anchor[] {
  return peers
    .filter((p) => p.direction === 'outbound' && p.ready && p.score.value === 0 && p.status!.chainWork >= tipWork)
    .sort((a, b) => Number(b.lastBlockAt > 0) - Number(a.lastBlockAt > 0) || a.connectedAt - b.connectedAt)
    .slice(0, MAX_ANCHORS)
    .map((p) => ({ peerId: p.peerId, addr: p.address.replace(/\/p2p\/[^/]+$/, '') }));
}

export function saveAnchors(path: string, anchors: readonly Anchor[]): void {
  writeJson(path, anchors.slice(0, MAX_ANCHORS));
}

/**
 * Reads the anchors and deletes the file, so an anchor that no longer
 * answers is tried once, not at every start. The file is treated as
 * untrusted: a large one is ignored, at most MAX_ANCHORS entries are read,
 * and each address must pass the address book's rules for its own entries.
 */
export function loadAnchors(path: string, self: string): Anchor[] {
  let raw: unknown;
  try {
    if (!existsSync(path)) return [];
    const st = statSync(path);
    // Only a file is ours to read and remove: whatever else sits at the path is left alone.
    if (!st.isFile()) return [];
    raw = st.size <= MAX_FILE_BYTES ? readJson<unknown>(path, []) : [];
    rmSync(path, { force: true });
  } catch {
    // Whatever is at that path, it is not a file we can use: the node starts from its address book.
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const out: Anchor[] = [];
  for (const a of raw.slice(0, MAX_ANCHORS) as { peerId?: unknown; addr?: unknown }[]) {
    if (typeof a?.peerId !== 'string' || typeof a.addr !== 'string' || a.peerId === self || !isPeerId(a.peerId)) continue;
    const [addr] = validAddrs(a.peerId, [a.addr], { names: false, publicOnly: false });
    if (addr !== undefined && !out.some((o) => o.peerId === a.peerId)) out.push({ peerId: a.peerId, addr });
  }
  return out;
}
