/**
 * Picks the fastest available proof-of-work scanner: the native addon
 * (packages/node/native/sha256d, SHA-NI or portable C, chosen by CPUID inside
 * the addon) or the pure-JS fallback. The backend name is part of the result
 * so the node can log it: a silent fallback is 10x slower.
 *
 * HACKCOIN_HASHER=js|native-portable forces a slower backend (tests, benchmarks).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { GENESIS, genesisHeader, targetFromBits } from './header-vectors.js';
import { createJsHasher, jsHasher } from './js-hasher.js';
import type { Hasher, HasherBackend, ScanResult } from './types.js';

export type { Hasher, HasherBackend, ScanResult } from './types.js';
export { jsHasher, createJsHasher } from './js-hasher.js';
export { targetFromBits, genesisHeader, serializeHeader, GENESIS } from './header-vectors.js';

type NativeScan = (header: Uint8Array, target: Uint8Array, startNonce: number, count: number) => ScanResult;

export interface NativeAddon {
  backend: 'shani' | 'portable';
  scan: NativeScan;
  scanPortable: NativeScan;
  scanShani?: NativeScan;
}

export interface LoadedHasher extends Hasher {
  /** Why the native addon is not used, when it is not. */
  readonly fallbackReason?: string;
}

/** Where node-gyp puts the addon (`node-gyp rebuild` in packages/node/native/sha256d). */
export const nativeAddonPath = fileURLToPath(
  new URL('../../../native/sha256d/build/Release/sha256d.node', import.meta.url),
);

let addonCache: { addon: NativeAddon | null; error?: string } | undefined;

/** Loads the addon once; null (with the reason) if it is not built or fails its self-check. */
export function loadNativeAddon(): { addon: NativeAddon | null; error?: string } {
  if (addonCache) return addonCache;
  try {
    const addon = createRequire(import.meta.url)(nativeAddonPath) as NativeAddon;
    selfCheck(addon.scan);
    selfCheck(addon.scanPortable);
    addonCache = { addon };
  } catch (err) {
    // First line only: "Cannot find module ..." is followed by a require stack.
    const message = err instanceof Error ? err.message : String(err);
    addonCache = { addon: null, error: message.split('\n')[0] ?? message };
  }
  return addonCache;
}

// A miscompiled scanner would mine nothing valid for hours before anyone noticed.
function selfCheck(scan: NativeScan): void {
  const target = targetFromBits(GENESIS.fields.bits);
  const r = scan(genesisHeader(), target, GENESIS.fields.nonce - 9, 16);
  if (r.nonce !== GENESIS.fields.nonce || r.hashes !== 10) {
    throw new Error(`sha256d addon failed its genesis self-check (got nonce ${r.nonce})`);
  }
}

function nativeHasher(backend: HasherBackend, scan: NativeScan): Hasher {
  return { backend, scan: (header, target, startNonce, count) => scan(header, target, startNonce, count) };
}

let chosen: LoadedHasher | undefined;

/** The best available hasher for this thread (cached). */
export function loadHasher(): LoadedHasher {
  if (chosen) return chosen;
  const forced = process.env['HACKCOIN_HASHER'];
  if (forced === 'js') {
    chosen = { ...jsHasher, fallbackReason: 'HACKCOIN_HASHER=js' };
    return chosen;
  }
  const { addon, error } = loadNativeAddon();
  if (!addon) {
    chosen = { ...createJsHasher(), fallbackReason: `native sha256d addon unavailable: ${error ?? 'unknown'}` };
  } else if (addon.backend === 'shani' && addon.scanShani && forced !== 'native-portable') {
    chosen = nativeHasher('native-shani', addon.scanShani);
  } else {
    chosen = nativeHasher('native-portable', addon.scanPortable);
  }
  return chosen;
}
