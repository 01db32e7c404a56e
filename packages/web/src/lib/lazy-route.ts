import { lazy, type ComponentType } from 'react';

/** A page's code chunk could not be fetched (node down or restarted, or a newer build replaced it). */
export class ChunkLoadError extends Error {
  override name = 'ChunkLoadError';
}

const RETRY_DELAYS_MS = [300, 1000];
const RELOAD_KEY = 'hackcoin.chunkReloadAt';
/** At most one automatic reload in this window, so a chunk that is really gone cannot loop the tab. */
const RELOAD_GUARD_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function importWithRetry<T>(factory: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await factory();
    } catch (e) {
      if (i >= RETRY_DELAYS_MS.length) throw new ChunkLoadError((e as Error).message);
      await sleep(RETRY_DELAYS_MS[i]!);
    }
  }
}

/**
 * Reloads the tab to fetch the app's chunks afresh (the browser remembers a
 * failed module import for the life of the document). Returns false, doing
 * nothing, when it already reloaded for this reason moments ago.
 */
export function reloadForChunks(): boolean {
  try {
    const last = Number(sessionStorage.getItem(RELOAD_KEY) ?? 0);
    if (Date.now() - last < RELOAD_GUARD_MS) return false;
    sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
  } catch {
    // No session storage: reload anyway, the guard is only a convenience.
  }
  window.location.reload();
  return true;
}

/** React.lazy with a few quick retries; a chunk still missing after them throws ChunkLoadError for the route's boundary. */
export function lazyRoute<T extends ComponentType<any>>(factory: () => Promise<{ default: T }>) {
  return lazy(() => importWithRetry(factory));
}
