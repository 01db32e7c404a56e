import type { QuickJSContext, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { ContractError, isGuestError } from './errors.js';

/** Where a host failure during a call is recorded (vm-pool.ts HostFaults). */
export interface FaultRecord {
  error: unknown;
}

type CallFunction = (asyncify: unknown, ctx: number, thisPtr: number, argc: number, argv: number, fnId: number) => number;
type ShouldInterrupt = (asyncify: unknown, rt: number) => number;

/** The parts of quickjs-emscripten-core 0.32's internals replaced here (checked when installed). */
interface ModuleInternals {
  callbacks?: { cToHostCallbacks?: { callFunction?: CallFunction; shouldInterrupt?: ShouldInterrupt } };
}
interface RuntimeInternals {
  cToHostCallbacks?: { shouldInterrupt?: (rt: number) => number };
}
interface ContextInternals {
  cToHostCallbacks?: { callFunction?: (ctx: number, thisPtr: number, argc: number, argv: number, fnId: number) => number };
  errorToHandle?: (error: unknown) => unknown;
}

/**
 * quickjs-emscripten catches every exception on its way back from the host to
 * QuickJS: the module-level interrupt callback answers 1 (the call stops: out
 * of gas), the module-level function callback answers null, and a context
 * turns whatever a host function throws into a guest exception the contract
 * can catch. A host-side exception that is not a deliberate guest error (a
 * RangeError from the host's own stack running out, even on entering the
 * project's host function, before its body runs) would so become a verdict on
 * that host alone. These wrappers record it instead; the engine rethrows it
 * after the call (no verdict). The catch blocks call nothing, so they still run
 * where the exception left almost no stack; should even they fail, the
 * exception unwinds through QuickJS to the engine's caller, again no verdict.
 */
export function guardHostCallbacks(quickjs: QuickJSWASMModule, runtime: QuickJSRuntime, ctx: QuickJSContext, faults: FaultRecord): void {
  const module = (quickjs as unknown as ModuleInternals).callbacks?.cToHostCallbacks;
  const interrupt = (runtime as unknown as RuntimeInternals).cToHostCallbacks?.shouldInterrupt;
  const context = ctx as unknown as ContextInternals;
  const call = context.cToHostCallbacks?.callFunction;
  const errorToHandle = context.errorToHandle;
  if (module === undefined || typeof module.callFunction !== 'function' || typeof module.shouldInterrupt !== 'function' ||
    typeof interrupt !== 'function' || typeof call !== 'function' || typeof errorToHandle !== 'function') {
    throw new ContractError('quickjs-wasm-mismatch: quickjs-emscripten callbacks not found (is quickjs-emscripten-core 0.32.0 installed?)');
  }
  module.shouldInterrupt = (_asyncify, rt) => {
    try {
      return interrupt(rt);
    } catch (e) {
      faults.error ??= e;
      return 1;
    }
  };
  module.callFunction = (_asyncify, ctxPtr, thisPtr, argc, argv, fnId) => {
    try {
      return call(ctxPtr, thisPtr, argc, argv, fnId);
    } catch (e) {
      faults.error ??= e;
      return 0;
    }
  };
  // The context's own catch hands every error thrown by (or on the way into) a host function here.
  context.errorToHandle = function (this: unknown, error: unknown): unknown {
    if (!isGuestError(error)) faults.error ??= error;
    return errorToHandle.call(this, error);
  };
}
