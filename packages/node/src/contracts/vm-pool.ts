import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import { ContractError, HostFailure } from './errors.js';
import { LIMITS } from './gas-schedule.js';
import { guardHostCallbacks } from './host-callbacks.js';
import { newQuickJSInstance, type QuickJSInstance } from './quickjs-module.js';
import { contractScript, preludeScript } from './sandbox-prelude.js';

/**
 * Snapshot/restore of whole QuickJS wasm instances.
 *
 * Parsing and running the sandbox prelude costs milliseconds, so it runs once
 * per pool, into the base snapshot (runtime, context, host functions, prelude
 * setup done, its runtime object on the host-only holder). Each contract's
 * "ready" VM (the contract's script bound to that runtime and its factory
 * created, no call made) is built once from the base and snapshotted. Every call restores that snapshot's
 * bytes into an instance first, so it starts from exactly the same memory,
 * whatever earlier calls did: globals, prototypes and module variables written
 * by one call are gone for the next.
 *
 * The state of an instance is its linear memory, its one mutable global (the
 * stack pointer, always back at the stack top between top-level calls, and
 * reset after a trap) and the JS-side wrapper objects of quickjs-emscripten.
 * Those wrappers (runtime, context, host object, entry holder and the host
 * functions' ids) are created once per instance, by the same allocation
 * sequence in every instance, and are checked to have the same pointers, so a
 * snapshot taken in one instance is valid in any other. Handles created during
 * a call are never disposed: the restore discards them with the memory.
 *
 * What a snapshot holds (layout of the pinned build, see quickjs-module.ts):
 * - [0, staticEnd): static data and bss (includes malloc's and sbrk's state);
 * - [stackTop - STACK_WINDOW, brk): the top of the stack and the whole heap.
 * Memory above brk is kept zero (restores zero whatever a call allocated past
 * the snapshot's brk; sbrk never shrinks). The deep stack below the window is
 * never touched: QuickJS's own stack limit (LIMITS.maxStackBytes, checked
 * before every recursion and alloca) keeps calls far inside the window. A
 * guard band below the window is checked after every call and, should it ever
 * be dirty, the whole deep stack is zeroed again, so the restore stays exact.
 */

/** Stack bytes restored below the stack top: 8x QuickJS's own stack limit. */
const STACK_WINDOW = 1024 * 1024;
/** Checked to be zero after each call: proof the deep stack was not used. */
const STACK_GUARD = 16 * 1024;
/** Default memory bound for cached snapshots. */
export const DEFAULT_SNAPSHOT_BYTES = 256 * 1024 * 1024;

type HostFunction = (...args: QuickJSHandle[]) => QuickJSHandle | undefined;

/** Host functions the prelude calls through `__hc_host`, in creation order. */
export const HOST_FUNCTION_NAMES = [
  'sget', 'sset', 'sdel', 'balance', 'transfer', 'emit', 'call', 'rxBegin', 'rxEnd',
] as const;
export type HostFunctionName = (typeof HOST_FUNCTION_NAMES)[number];

/** What the instance talks to during one call. */
export interface CallFrame {
  readonly fns: Record<HostFunctionName, HostFunction>;
  readonly interrupt: () => boolean;
}

export interface Snapshot {
  /** Bytes [0, staticEnd). */
  readonly low: Uint8Array;
  /** Bytes [windowStart + zeroPrefix, brk); [windowStart, windowStart + zeroPrefix) is zero. */
  readonly high: Uint8Array;
  readonly zeroPrefix: number;
  readonly brk: number;
  readonly bytes: number;
  /**
   * Interrupt polls QuickJS made while the prelude set up. The engine that
   * parsed everything per call counted them towards the kill switch, so each
   * call starts its count there.
   */
  readonly setupPolls: number;
}

/**
 * A failure of the host itself during a call: any exception a host function
 * (or the interrupt handler, or quickjs-emscripten on the way into either)
 * throws other than a deliberate guest error (errors.ts guestError): its
 * native stack ran out under QuickJS, chain state could not be read, a bug.
 * quickjs-emscripten would hand it to the guest, which could catch it and
 * carry on, or stop the call as out of gas, so the verdict would depend on the
 * host. Recorded here instead, as thrown (see host-callbacks.ts); the guest is
 * interrupted and the engine rethrows it (no verdict).
 */
export interface HostFaults {
  error: unknown;
}

/** The host's own stack overflow stays a RangeError (the chain treats it as a non-rule failure); anything else becomes a HostFailure. */
function asHostFailure(e: unknown): unknown {
  if (e instanceof HostFailure || (e instanceof RangeError && /call stack/i.test(e.message))) return e;
  return new HostFailure(`contract host function failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

let sbrkAddress: number | undefined;

/**
 * Address of emscripten's `sbrk_val` (the heap's end) in the static data, found
 * by watching which word moves when a fresh instance first grows its heap. A
 * constant of the pinned binary; re-checked for every instance.
 */
function locateSbrk(instance: QuickJSInstance): number {
  const { memory, layout } = instance;
  const words = (): Uint32Array => new Uint32Array(memory.buffer.slice(0, layout.staticEnd));
  const before = words();
  // Larger than dlmalloc's default trim threshold (2 MiB): the free must not shrink the heap.
  const size = 4 << 20;
  const ptr = instance.malloc(size);
  const grown = words();
  instance.free(ptr);
  const freed = words();
  const found: number[] = [];
  for (let i = 0; i < before.length; i++) {
    const old = before[i] as number;
    const now = grown[i] as number;
    // sbrk's value: a heap address that moved past the new block and stays there.
    if (old >= layout.stackTop && now > old && now >= ptr + size && freed[i] === now) found.push(i * 4);
  }
  const address = found[0];
  if (found.length !== 1 || address === undefined) throw new ContractError('quickjs-wasm-mismatch: cannot locate sbrk');
  if (sbrkAddress !== undefined && sbrkAddress !== address) throw new ContractError('quickjs-wasm-mismatch: sbrk moved');
  sbrkAddress = address;
  return address;
}

/** One wasm instance with its QuickJS runtime, context and host wiring. */
export class Slot {
  readonly runtime: QuickJSRuntime;
  readonly ctx: QuickJSContext;
  /** `__hc_host`: the raw host functions, reachable only from the prelude. */
  readonly host: QuickJSHandle;
  /** Host-only object whose `entry` property is the per-call entry function. */
  readonly holder: QuickJSHandle;
  frame: CallFrame | undefined;
  /** The snapshot the memory currently equals, or undefined once a call ran. */
  clean: Snapshot | undefined;
  /** The snapshot the current call started from. */
  ready: Snapshot | undefined;
  /** Interrupt polls while no call is in progress (prelude setup). */
  private idlePolls = 0;
  readonly signature: string;

  constructor(
    readonly instance: QuickJSInstance,
    private readonly sbrk: number,
    faults: HostFaults,
  ) {
    const runtime = instance.quickjs.newRuntime();
    runtime.setMemoryLimit(LIMITS.memoryBytes);
    runtime.setMaxStackSize(LIMITS.maxStackBytes);
    runtime.setInterruptHandler(() => {
      if (faults.error !== undefined) return true;
      if (this.frame !== undefined) return this.frame.interrupt();
      this.idlePolls++;
      return false;
    });
    const ctx = runtime.newContext();
    guardHostCallbacks(instance.quickjs, runtime, ctx, faults);
    const host = ctx.newObject();
    for (const name of HOST_FUNCTION_NAMES) {
      // Whatever this throws, other than a guest error, is recorded as a host fault (host-callbacks.ts).
      const handle = ctx.newFunction(name, (...args) => {
        const frame = this.frame;
        if (frame === undefined) throw new Error('no call in progress');
        return frame.fns[name](...args);
      });
      ctx.setProp(host, name, handle);
      handle.dispose();
    }
    const holder = ctx.newObject();
    // Static handles are cached lazily by quickjs-emscripten: create them now.
    void ctx.undefined;
    this.runtime = runtime;
    this.ctx = ctx;
    this.host = host;
    this.holder = holder;
    const pointers = ctx as unknown as { ctx: { value: number }; rt: { value: number } };
    this.signature = [pointers.rt.value, pointers.ctx.value, host.value, holder.value, this.brk()].join(',');
  }

  /** Evaluates the sandbox prelude and keeps its runtime object on the holder (once, before the base snapshot). */
  runPrelude(): void {
    const { ctx } = this;
    const setup = ctx.evalCode(preludeScript(), 'prelude.js');
    if (setup.error) throw new ContractError(`sandbox prelude failed: ${JSON.stringify(ctx.dump(setup.error))}`);
    const rt = ctx.callFunction(setup.value, ctx.undefined, this.host);
    setup.value.dispose();
    if (rt.error) throw new ContractError(`sandbox prelude setup failed: ${JSON.stringify(ctx.dump(rt.error))}`);
    ctx.setProp(this.holder, 'rt', rt.value);
    rt.value.dispose();
  }

  polls(): number {
    return this.idlePolls;
  }

  heap(): Uint8Array {
    return new Uint8Array(this.instance.memory.buffer);
  }

  brk(): number {
    return new Uint32Array(this.instance.memory.buffer, this.sbrk, 1)[0] as number;
  }

  windowStart(): number {
    return this.instance.layout.stackTop - STACK_WINDOW;
  }

  take(setupPolls = 0): Snapshot {
    const heap = this.heap();
    const { staticEnd } = this.instance.layout;
    const start = this.windowStart();
    const brk = this.brk();
    const zeroPrefix = zeroRun(heap, start, STACK_WINDOW);
    const low = heap.slice(0, staticEnd);
    const high = heap.slice(start + zeroPrefix, brk);
    return { low, high, zeroPrefix, brk, bytes: low.byteLength + high.byteLength, setupPolls };
  }

  /** Make memory (and the stack pointer) exactly what they were when `snap` was taken. */
  restore(snap: Snapshot): void {
    const { stackTop, staticEnd } = this.instance.layout;
    if (this.instance.stackSave() !== stackTop) this.instance.stackRestore(stackTop);
    const heap = this.heap();
    const current = this.brk();
    const start = this.windowStart();
    if (!isZero(heap, start - STACK_GUARD, start)) heap.fill(0, staticEnd, start);
    heap.set(snap.low, 0);
    heap.fill(0, start, start + snap.zeroPrefix);
    heap.set(snap.high, start + snap.zeroPrefix);
    if (current > snap.brk) heap.fill(0, snap.brk, current);
    this.clean = snap;
  }

  /** Test hook: true when every byte of memory is what restoring `snap` produces. */
  matches(snap: Snapshot): boolean {
    const heap = this.heap();
    const { staticEnd } = this.instance.layout;
    const start = this.windowStart();
    return (
      this.instance.stackSave() === this.instance.layout.stackTop &&
      equal(heap.subarray(0, staticEnd), snap.low) &&
      isZero(heap, staticEnd, start + snap.zeroPrefix) &&
      equal(heap.subarray(start + snap.zeroPrefix, snap.brk), snap.high) &&
      isZero(heap, snap.brk, heap.byteLength)
    );
  }
}

const ZERO_PAGE = Buffer.alloc(4096);

/** Bytes from `from` (4-aligned) that are zero, a multiple of 4, at most `length`: whole pages compared natively first. */
function zeroRun(heap: Uint8Array, from: number, length: number): number {
  const bytes = Buffer.from(heap.buffer, from, length);
  let run = 0;
  while (run + ZERO_PAGE.length <= length && bytes.compare(ZERO_PAGE, 0, ZERO_PAGE.length, run, run + ZERO_PAGE.length) === 0) {
    run += ZERO_PAGE.length;
  }
  const words = new Int32Array(heap.buffer, from + run, (length - run) >>> 2);
  let i = 0;
  while (i < words.length && words[i] === 0) i++;
  return run + i * 4;
}

function isZero(heap: Uint8Array, from: number, to: number): boolean {
  const words = new Int32Array(heap.buffer, from, (to - from) >>> 2);
  let acc = 0;
  for (let i = 0; i < words.length; i++) acc |= words[i] as number;
  for (let i = from + words.length * 4; i < to; i++) acc |= heap[i] as number;
  return acc === 0;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

export interface VmPoolOptions {
  /** Upper bound on the bytes of cached per-contract snapshots (LRU); 0 disables the cache. */
  snapshotBytes?: number;
}

/**
 * One instance per call depth (a nested call runs in the next one while its
 * caller's instance is suspended in a host function), one base snapshot and
 * an LRU of per-contract snapshots keyed by the instrumented code.
 */
export class VmPool {
  private readonly snapshots = new Map<string, Snapshot>();
  private snapshotBytes = 0;

  private constructor(
    private readonly slots: Slot[],
    private readonly base: Snapshot,
    private readonly maxSnapshotBytes: number,
    private readonly faults: HostFaults,
  ) {}

  /** Throws (and clears) a host failure recorded during the last call, if any. */
  rethrowHostFault(): void {
    const { error } = this.faults;
    if (error === undefined) return;
    this.faults.error = undefined;
    throw asHostFailure(error);
  }

  static async create(options: VmPoolOptions = {}): Promise<VmPool> {
    const slots: Slot[] = [];
    const faults: HostFaults = { error: undefined };
    // Locate sbrk on a throwaway instance, so the probe's block is not in every snapshot.
    const sbrk = sbrkAddress ?? locateSbrk(await newQuickJSInstance());
    for (let depth = 0; depth <= LIMITS.maxCallDepth; depth++) {
      const instance = await newQuickJSInstance();
      const slot = new Slot(instance, sbrk, faults);
      const brk = slot.brk();
      if (brk < instance.layout.stackTop || brk > instance.memory.buffer.byteLength) {
        throw new ContractError('quickjs-wasm-mismatch: implausible sbrk');
      }
      if (slots.length > 0 && slot.signature !== slots[0]?.signature) {
        throw new ContractError('quickjs-wasm-mismatch: instances are not laid out identically');
      }
      const { staticEnd } = instance.layout;
      if (!isZero(slot.heap(), staticEnd, slot.windowStart())) {
        throw new ContractError('quickjs-wasm-mismatch: deep stack in use');
      }
      slots.push(slot);
    }
    const first = slots[0] as Slot;
    first.runPrelude();
    const base = first.take(first.polls());
    first.clean = base;
    return new VmPool(slots, base, options.snapshotBytes ?? DEFAULT_SNAPSHOT_BYTES, faults);
  }

  /** Cached snapshots and their total bytes (for tests and monitoring). */
  stats(): { snapshots: number; bytes: number } {
    return { snapshots: this.snapshots.size, bytes: this.snapshotBytes };
  }

  /** The cached ready snapshot of `code`, if any (test hook). */
  snapshotOf(code: string): Snapshot | undefined {
    return this.snapshots.get(code);
  }

  slot(depth: number): Slot {
    const slot = this.slots[depth];
    if (slot === undefined) throw new Error(`no instance for call depth ${depth}`);
    return slot;
  }

  /**
   * The instance for a call at `depth`, restored to `code`'s ready snapshot
   * (built on a miss). Undefined when the prelude or the contract's top level
   * could not even be evaluated (then the call is out of gas, as before).
   */
  enter(depth: number, code: string): Slot | undefined {
    const slot = this.slot(depth);
    // Only a ContractHost calling back into the engine could get here mid-call.
    if (slot.frame !== undefined) throw new Error('contract engine re-entered from a host callback');
    let snap = this.snapshots.get(code);
    if (snap !== undefined) {
      this.snapshots.delete(code);
      this.snapshots.set(code, snap);
      if (slot.clean !== snap) slot.restore(snap);
      slot.ready = snap;
      return slot;
    }
    snap = this.build(slot, code);
    if (snap === undefined) return undefined;
    slot.ready = snap;
    if (snap.bytes <= this.maxSnapshotBytes) {
      this.snapshots.set(code, snap);
      this.snapshotBytes += snap.bytes;
      for (const [key, old] of this.snapshots) {
        if (this.snapshotBytes <= this.maxSnapshotBytes) break;
        this.snapshots.delete(key);
        this.snapshotBytes -= old.bytes;
      }
    }
    return slot;
  }

  private build(slot: Slot, code: string): Snapshot | undefined {
    if (slot.clean !== this.base) slot.restore(this.base);
    slot.clean = undefined;
    slot.frame = undefined;
    const { ctx } = slot;
    const pollsBefore = slot.polls();
    const setup = ctx.evalCode(contractScript(code), 'contract.js');
    if (setup.error) return undefined;
    const rt = ctx.getProp(slot.holder, 'rt');
    const entry = ctx.callFunction(setup.value, ctx.undefined, rt);
    if (entry.error) return undefined;
    rt.dispose();
    setup.value.dispose();
    ctx.setProp(slot.holder, 'entry', entry.value);
    entry.value.dispose();
    const snap = slot.take(this.base.setupPolls + slot.polls() - pollsBefore);
    slot.clean = snap;
    return snap;
  }
}
