/**
 * Raw 80-byte headers the wallet already verified, kept in IndexedDB per
 * network so a reload re-checks them locally (cheap) instead of downloading
 * them again. They are never trusted as stored: HeaderChain checks them anew.
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

/** Headers from height 1 up, for `network` (a gap ends the list). */
export async function loadHeaders(network: string): Promise<Uint8Array[]> {
  const db = await open();
  try {
    const all = await new Promise<Record<number, Uint8Array> | undefined>((resolve, reject) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(network);
      req.onsuccess = () => resolve(req.result as Record<number, Uint8Array> | undefined);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB read failed'));
    });
    const out: Uint8Array[] = [];
    for (let h = 1; all?.[h] instanceof Uint8Array && all[h]!.length === 80; h++) out.push(all[h]!);
    return out;
  } finally {
    db.close();
  }
}

/** Replaces the stored chain for `network` with `headers` (heights 1…n). */
export async function saveHeaders(network: string, headers: readonly Uint8Array[]): Promise<void> {
  const db = await open();
  try {
    const record: Record<number, Uint8Array> = {};
    headers.forEach((h, i) => (record[i + 1] = h));
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(record, network);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    });
  } finally {
    db.close();
  }
}
