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
import { patchQuickJSHash, processHashKey } from './wasm-hash-patch.js';
import { LebCursor } from '../util/leb128.js';

/**
 * sha256 of @jitl/quickjs-wasmfile-release-sync@0.32.0's emscripten-module.wasm
 * (QuickJS 2025-09-13+f1139494). Gas figures, stack-overflow depths and the
 * interrupt poll counts that meter regexes all depend on this exact binary,
 * so a different one must never run silently.
 */
export const QUICKJS_WASM_SHA256 = '105c3bed22d457e43e3d1c3c1c6959fda62a8fe06f0fc8a985303c3a2be72232';

let loading: Promise<QuickJSWASMModule> | undefined;
let verified: Promise<Uint8Array<ArrayBuffer>> | undefined;
let compiled: Promise<WebAssembly.Module> | undefined;

function wasmPath(): string {
  const fromQuickjs = createRequire(createRequire(import.meta.url).resolve('quickjs-emscripten'));
  return fromQuickjs.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
}

/**
 * The wasm bytes, read once, checked against the pinned sha256, then given this process's string
 * hash key (see wasm-hash-patch.ts). Both load() and newQuickJSInstance() run these bytes, so every
 * module and instance of the process hashes alike and snapshots move between instances safely.
 */
function verifiedBytes(): Promise<Uint8Array<ArrayBuffer>> {
  verified ??= Promise.resolve().then(() => {
    const path = wasmPath();
    const bytes = readFileSync(path);
    const digest = createHash('sha256').update(bytes).digest('hex');
    if (digest !== QUICKJS_WASM_SHA256) {
      throw new ContractError(
        `quickjs-wasm-mismatch: ${path} has sha256 ${digest}, expected ${QUICKJS_WASM_SHA256}; ` +
          'reinstall quickjs-emscripten 0.32.0 exactly',
      );
    }
    try {
      return patchQuickJSHash(bytes, processHashKey());
    } catch (error) {
      throw new ContractError(error instanceof Error ? error.message : String(error));
    }
  });
  return verified;
}

/** The bytes this process runs: the pinned build with this process's hash key (for tests). */
export function quickJSWasmBytes(): Promise<Uint8Array<ArrayBuffer>> {
  return verifiedBytes();
}

/** The verified, salted bytes compiled once per process (every instance of the process runs this module). */
async function compiledModule(): Promise<WebAssembly.Module> {
  compiled ??= verifiedBytes().then((bytes) => WebAssembly.compile(bytes));
  return compiled;
}

/** A QuickJS module on a new instance of the compiled module; `onExports` sees the raw wasm exports. */
async function instantiate(onExports?: (exports: WebAssembly.Exports) => void): Promise<QuickJSWASMModule> {
  const wasmModule = await compiledModule();
  return newQuickJSWASMModuleFromVariant(
    newVariant(RELEASE_SYNC, {
      emscriptenModule: {
        instantiateWasm: (imports: WebAssembly.Imports, onSuccess: (instance: WebAssembly.Instance) => void) => {
          const instance = new WebAssembly.Instance(wasmModule, imports);
          onExports?.(instance.exports);
          onSuccess(instance);
          return instance.exports;
        },
      },
    } as Parameters<typeof newVariant>[1]),
  );
}

function load(): Promise<QuickJSWASMModule> {
  return instantiate();
}

/**
 * Memory layout of the pinned build, read from the verified binary: one
 * mutable global (`__stack_pointer`, whose initial value is the top of the
 * 5 MiB downward-growing stack); static data and bss below the stack; the
 * malloc heap (grown with sbrk) above it.
 */
export interface QuickJSLayout {
  /** Initial stack pointer: stack top, and start of the heap. */
  readonly stackTop: number;
  /** Lowest stack address; [0, staticEnd) is static data and bss. */
  readonly staticEnd: number;
}

/** A QuickJS wasm instance of its own (own linear memory and stack). */
export interface QuickJSInstance {
  readonly quickjs: QuickJSWASMModule;
  readonly memory: WebAssembly.Memory;
  readonly layout: QuickJSLayout;
  /** Emscripten's stackSave/stackRestore exports (to repair the stack pointer after a trap). */
  readonly stackSave: () => number;
  readonly stackRestore: (sp: number) => void;
  /** Emscripten's malloc/free exports (used once, to locate the sbrk pointer). */
  readonly malloc: (size: number) => number;
  readonly free: (ptr: number) => void;
}

const STACK_BYTES = 5 * 1024 * 1024;

function readLayout(bytes: Uint8Array): QuickJSLayout {
  const cursor = new LebCursor(bytes, 8);
  while (cursor.at < bytes.length) {
    const id = bytes[cursor.at++];
    const size = cursor.uleb();
    const end = cursor.at + size;
    if (id === 6) {
      const count = cursor.uleb();
      const at = cursor.at;
      // i32, mutable, i32.const <sp>, end
      if (count !== 1 || bytes[at] !== 0x7f || bytes[at + 1] !== 1 || bytes[at + 2] !== 0x41) break;
      cursor.at += 3;
      const stackTop = cursor.uleb();
      return { stackTop, staticEnd: stackTop - STACK_BYTES };
    }
    cursor.at = end;
  }
  throw new ContractError('quickjs-wasm-mismatch: unexpected global section');
}

/**
 * A fresh, separate instance of the verified wasm (compiled once per process).
 * Each has its own memory, so the engine can snapshot and restore it.
 */
export async function newQuickJSInstance(): Promise<QuickJSInstance> {
  const bytes = await verifiedBytes();
  let exports: WebAssembly.Exports | undefined;
  const quickjs = await instantiate((e) => {
    exports = e;
  });
  const layout = readLayout(bytes);
  // Minified export names of the pinned build (emscripten-module.mjs: _malloc = b.v, _free = b.M,
  // stackRestore = b.Ma, stackSave = b.Oa).
  const stackRestore = exports?.['Ma'];
  const stackSave = exports?.['Oa'];
  const malloc = exports?.['v'];
  const free = exports?.['M'];
  if (typeof stackSave !== 'function' || typeof stackRestore !== 'function' || typeof malloc !== 'function' ||
    typeof free !== 'function') {
    throw new ContractError('quickjs-wasm-mismatch: stack exports not found');
  }
  const save = stackSave as () => number;
  if (save() !== layout.stackTop) throw new ContractError('quickjs-wasm-mismatch: unexpected stack pointer');
  return {
    quickjs,
    memory: quickjs.getWasmMemory(),
    layout,
    stackSave: save,
    stackRestore: stackRestore as (sp: number) => void,
    malloc: malloc as (size: number) => number,
    free: free as (ptr: number) => void,
  };
}

/** The process-wide QuickJS module (synchronous release build), loaded and verified once. */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  loading ??= load();
  return loading;
}
