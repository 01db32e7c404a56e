import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ScanResult } from '../mining/hasher/types.js';

type NativeScan = (header: Uint8Array, target: Uint8Array, startNonce: number, count: number) => ScanResult;

/** The packages/node/native/sha256d addon: the miner's nonce scanners, and SHA-256 of whole messages on CPUs with SHA-NI. */
export interface Sha256Addon {
  backend: 'shani' | 'portable';
  scan: NativeScan;
  scanPortable: NativeScan;
  scanShani?: NativeScan;
  /** SHA-256 of `data` into out[offset, offset + 32); present only when the CPU has SHA-NI. */
  hashInto?: (data: Uint8Array, out: Uint8Array, offset: number) => void;
}

/** Where node-gyp puts the addon (`node-gyp rebuild` in packages/node/native/sha256d). */
export const nativeAddonPath = fileURLToPath(new URL('../../native/sha256d/build/Release/sha256d.node', import.meta.url));

let loaded: { addon: Sha256Addon | null; error?: string } | undefined;

/** Loads the addon once; null with the reason when it is not built (its users then fall back). */
export function loadSha256Addon(): { addon: Sha256Addon | null; error?: string } {
  if (loaded) return loaded;
  try {
    loaded = { addon: createRequire(import.meta.url)(nativeAddonPath) as Sha256Addon };
  } catch (err) {
    // First line only: "Cannot find module ..." is followed by a require stack.
    const message = err instanceof Error ? err.message : String(err);
    loaded = { addon: null, error: message.split('\n')[0] ?? message };
  }
  return loaded;
}
