import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContractEngine } from './engine.js';
import { prepareContract } from './instrument.js';
import { MemoryChain } from './memory-chain.js';
import type { ExecutionRequest } from './types.js';
import { VmPool } from './vm-pool.js';

/**
 * A host-side exception that quickjs-emscripten would itself swallow (in its interrupt callback,
 * or on the way into a host function) is a host fault: execute throws, and nothing is judged.
 * The overflow is simulated where a real one lands only at one exact host stack depth.
 */

const overflow = (): RangeError => new RangeError('Maximum call stack size exceeded');

afterEach(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  // quickjs-emscripten reports what it swallows on the console (and vitest's console is not inert).
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});

async function setup(): Promise<{ pool: VmPool; engine: ContractEngine; request: (fn: string) => ExecutionRequest }> {
  const pool = await VmPool.create();
  const engine = new ContractEngine(pool);
  const code = prepareContract(`
    export function spin() { let s = 0; for (let i = 0; i < 200000; i++) s += i; return s; }
    export function read() { try { return 'read ' + storage.get('k'); } catch (e) { return 'caught ' + e.message; } }
  `).code;
  const host = new MemoryChain(engine);
  const request = (fn: string): ExecutionRequest => ({
    code, fn, args: [], sender: 'a', value: 0n, contractAddress: 'c', block: { height: 1, time: 1 }, gasLimit: 20_000_000,
    readOnly: true, host, deadline: Date.now() + 600_000,
  });
  return { pool, engine, request };
}

/** The status and value of a call, or the host error it threw. */
function outcome(engine: ContractEngine, req: ExecutionRequest): string {
  try {
    const r = engine.execute(req);
    return `${r.status} ${JSON.stringify(r.returnValue ?? r.revertReason)}`;
  } catch (e) {
    return `host fault ${(e as Error).name}: ${(e as Error).message}`;
  }
}

/** Private parts of quickjs-emscripten's context that the faults are injected into. */
interface ContextInternals {
  getFunction(fnId: number): (...args: unknown[]) => unknown;
}

describe('host faults that quickjs-emscripten would swallow', () => {
  it('the interrupt handler throwing a RangeError is a host fault, not out of gas', async () => {
    const { pool, engine, request } = await setup();
    const baseline = outcome(engine, request('spin'));
    expect(baseline).toBe('success 19999900000');
    // The deadline check reads the clock at every interrupt poll: the first read during the call throws.
    const now = Date.now;
    let thrown = false;
    vi.spyOn(Date, 'now').mockImplementation(() => {
      if (pool.slot(0).frame !== undefined && !thrown) {
        thrown = true;
        throw overflow();
      }
      return now();
    });
    expect(outcome(engine, request('spin'))).toBe('host fault RangeError: Maximum call stack size exceeded');
    vi.mocked(Date.now).mockRestore();
    expect(outcome(engine, request('spin'))).toBe(baseline);
  });

  it('a RangeError on the way into a host function (before its body runs) is a host fault, not a catchable error', async () => {
    const { pool, engine, request } = await setup();
    const baseline = outcome(engine, request('read'));
    expect(baseline).toBe('success "read undefined"');
    const ctx = pool.slot(0).ctx as unknown as ContextInternals;
    // The function quickjs-emscripten calls for the host function throws at once, as an overflow on entry would.
    vi.spyOn(ctx, 'getFunction').mockImplementationOnce(() => () => {
      throw overflow();
    });
    expect(outcome(engine, request('read'))).toBe('host fault RangeError: Maximum call stack size exceeded');
    expect(outcome(engine, request('read'))).toBe(baseline);
  });

  it('a RangeError in quickjs-emscripten before the context is reached is a host fault, not a null reply', async () => {
    const { pool, engine, request } = await setup();
    const baseline = outcome(engine, request('read'));
    const ctx = pool.slot(0).ctx as unknown as ContextInternals;
    vi.spyOn(ctx, 'getFunction').mockImplementationOnce(() => {
      throw overflow();
    });
    expect(outcome(engine, request('read'))).toBe('host fault RangeError: Maximum call stack size exceeded');
    expect(outcome(engine, request('read'))).toBe(baseline);
  });
});
