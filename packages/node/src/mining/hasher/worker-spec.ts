import { fileURLToPath } from 'node:url';
import { loadHasher, nativeAddonPath } from './index.js';
import type { HasherBackend } from './types.js';

// Compiled (dist/) this file is .js and so is its sibling; run from source both are .ts.
const SOURCE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export const scanWorkerFile = fileURLToPath(new URL('./scan-worker.mjs', import.meta.url));

/** workerData that makes scan-worker.mjs use the same backend this thread would. */
export function scanWorkerSpec(): { backend: HasherBackend; fallbackReason?: string; workerData: Record<string, unknown> } {
  const h = loadHasher();
  if (h.backend === 'js') {
    return { backend: h.backend, fallbackReason: h.fallbackReason, workerData: { jsModuleUrl: new URL(`./js-hasher${SOURCE_EXT}`, import.meta.url).href } };
  }
  return { backend: h.backend, workerData: { addonPath: nativeAddonPath, portable: h.backend === 'native-portable' } };
}
