import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';
import { ContractError } from './errors.js';

/**
 * sha256 of @jitl/quickjs-wasmfile-release-sync@0.32.0's emscripten-module.wasm
 * (QuickJS 2025-09-13+f1139494). Gas figures, stack-overflow depths and the
 * interrupt poll counts that meter regexes all depend on this exact binary,
 * so a different one must never run silently.
 */
export const QUICKJS_WASM_SHA256 = '105c3bed22d457e43e3d1c3c1c6959fda62a8fe06f0fc8a985303c3a2be72232';

let loading: Promise<QuickJSWASMModule> | undefined;

function wasmPath(): string {
  const fromQuickjs = createRequire(createRequire(import.meta.url).resolve('quickjs-emscripten'));
  return fromQuickjs.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
}

async function load(): Promise<QuickJSWASMModule> {
  const path = wasmPath();
  const bytes = readFileSync(path);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== QUICKJS_WASM_SHA256) {
    throw new ContractError(
      `quickjs-wasm-mismatch: ${path} has sha256 ${digest}, expected ${QUICKJS_WASM_SHA256}; ` +
        'reinstall quickjs-emscripten 0.32.0 exactly',
    );
  }
  // Hand Emscripten the very bytes that were hashed, so nothing is re-read.
  const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmBinary }));
}

/** The process-wide QuickJS module (synchronous release build), loaded and verified once. */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  loading ??= load();
  return loading;
}
