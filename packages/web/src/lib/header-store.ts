import type { SavedHeaders } from '@hackcoin/core';

/**
 * The light client's header window (HeaderChain.saved), kept in IndexedDB per
 * network so a reload takes it up (HeaderChain.restore) instead of syncing
 * from genesis again. Bounded like the window: 80 bytes a header, about
 * 160 KB at the default confirmations. Once the window has slid, its work and
 * first few headers are taken as stored; every header after them is checked anew.
 */
const DB_NAME = 'hackcoin-headers';
const STORE = 'headers';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

/** The window saved for `network`, if any. */
export async function loadHeaders(network: string): Promise<SavedHeaders | undefined> {
  const db = await open();
  try {
    const stored = await new Promise<unknown>((resolve, reject) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(network);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB read failed'));
    });
    return asSavedHeaders(stored);
  } finally {
    db.close();
  }
}

/** A stored value in SavedHeaders' shape; anything else (an older wallet's list keyed by height) is left for a sync from genesis to replace. */
export function asSavedHeaders(stored: unknown): SavedHeaders | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { height, chainWork, headers } = stored as Partial<SavedHeaders>;
  if (!Number.isSafeInteger(height) || height! < 1 || typeof chainWork !== 'bigint' || !Array.isArray(headers)) return undefined;
  if (!headers.every((h) => h instanceof Uint8Array)) return undefined;
  return { height: height!, chainWork, headers };
}

/** Replaces the window stored for `network`. */
export async function saveHeaders(network: string, saved: SavedHeaders): Promise<void> {
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(saved, network);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    });
  } finally {
    db.close();
  }
}
