/**
 * Why this page no longer shows the node's own figures: it was caught lying
 * (sticky until the page is reloaded) or it claims another network than the
 * wallet's (until the user resets the pin). Module state, like the shared
 * light client, because every wallet card must hide the same node's figures.
 */
export type Distrust = { kind: 'lied' | 'network'; message: string } | null;

let current: Distrust = null;
const listeners = new Set<() => void>();

export function nodeDistrust(): Distrust {
  return current;
}

export function flagNode(kind: 'lied' | 'network', message: string): void {
  if (current?.kind === 'lied') return;
  if (current?.kind === kind && current.message === message) return;
  current = { kind, message };
  listeners.forEach((l) => l());
}

/** Clears a network-change flag once the user chose to trust the node's network; a node caught lying stays flagged. */
export function clearNetworkFlag(): void {
  if (current?.kind !== 'network') return;
  current = null;
  listeners.forEach((l) => l());
}

export function subscribeDistrust(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
