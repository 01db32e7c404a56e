/**
 * Picks the fastest available proof-of-work scanner: the native addon
 * (packages/node/native/sha256d, SHA-NI or portable C, chosen by CPUID inside
 * the addon) or the pure-JS fallback. The backend name is part of the result
 * so the node can log it: a silent fallback is 10x slower.
 *
 * HACKCOIN_HASHER=js|native-portable forces a slower backend (tests, benchmarks).
 */
import { loadSha256Addon, nativeAddonPath, type Sha256Addon } from '../../crypto/sha256-addon.js';
import { GENESIS, genesisHeader, targetFromBits } from './header-vectors.js';
import { createJsHasher, jsHasher } from './js-hasher.js';
import type { Hasher, HasherBackend, ScanResult } from './types.js';

export type { Hasher, HasherBackend, ScanResult } from './types.js';
export { jsHasher, createJsHasher } from './js-hasher.js';
export { targetFromBits, genesisHeader, serializeHeader, GENESIS } from './header-vectors.js';

type NativeScan = (header: Uint8Array, target: Uint8Array, startNonce: number, count: number) => ScanResult;

export type NativeAddon = Sha256Addon;
export { nativeAddonPath };

export interface LoadedHasher extends Hasher {
  /** Why the native addon is not used, when it is not. */
  readonly fallbackReason?: string;
}

let addonCache: { addon: NativeAddon | null; error?: string } | undefined;

/** Loads the addon once; null (with the reason) if it is not built or fails its self-check. */
export function loadNativeAddon(): { addon: NativeAddon | null; error?: string } {
  if (addonCache) return addonCache;
  const loaded = loadSha256Addon();
  if (!loaded.addon) return (addonCache = loaded);
  try {
    const addon = loaded.addon;
    selfCheck(addon.scan);
    selfCheck(addon.scanPortable);
    addonCache = { addon };
  } catch (err) {
    addonCache = { addon: null, error: err instanceof Error ? err.message : String(err) };
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
