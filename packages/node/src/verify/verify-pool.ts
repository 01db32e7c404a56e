import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../util/logger.js';
import { ITEM_SIZE, RESULT_SIZE, createVerifyJob } from './verify-job.js';

// Compiled (dist/) the job module is .js like this file; run from source both are .ts.
const SOURCE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const WORKER_FILE = fileURLToPath(new URL('./verify-worker.mjs', import.meta.url));
const JOB_URL = new URL(`./verify-job${SOURCE_EXT}`, import.meta.url).href;

/** Chunks small enough to balance the threads, large enough that a message costs little beside its checks. */
const MIN_CHUNK = 16;
const CHUNKS_PER_THREAD = 4;
/** Workers start on the first check and stop after this long without one: an idle node keeps no isolates. */
const IDLE_STOP_MS = 60_000;

interface Chunk {
  items: Uint8Array;
  done: (results: Uint8Array) => void;
}

interface Slot {
  worker: Worker;
  /** Loaded its backend: a starting worker (seconds through tsx on a busy machine) gets no work. */
  ready: boolean;
  busy: Chunk | undefined;
}

/**
 * A fixed set of worker threads checking packed signatures (Bitcoin Core's
 * CCheckQueue, bcoin's worker pool). A batch is cut into chunks that idle
 * workers take in turn. If a worker dies, its chunk and everything after are
 * checked on the calling thread with the same backend: slower, never a
 * different answer. Workers start with the first check and stop when idle;
 * until one is ready, checks run on the calling thread, so starting costs no
 * latency.
 */
export class VerifyPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Chunk[] = [];
  private inline: ReturnType<typeof createVerifyJob> | undefined;
  private closed = false;
  private running = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readyWaiters: (() => void)[] = [];
  /** The signature backend the workers loaded, once the first one reported. */
  backend: string | undefined;

  constructor(readonly threads: number, private readonly log?: Logger) {}

  private start(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.running || this.closed) return;
    this.running = true;
    for (let i = 0; i < this.threads; i++) this.spawn();
  }

  private stopWhenIdle(): void {
    if (this.idleTimer || !this.running) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.waiting.length > 0 || this.slots.some((s) => s.busy)) return;
      this.running = false;
      for (const s of this.slots.splice(0)) void s.worker.terminate();
    }, IDLE_STOP_MS);
    this.idleTimer.unref();
  }

  private spawn(): void {
    const worker = new Worker(WORKER_FILE, { workerData: { jobModuleUrl: JOB_URL } });
    const slot: Slot = { worker, ready: false, busy: undefined };
    worker.unref();
    worker.on('message', (m: { ready?: boolean; backend?: string; results?: Uint8Array }) => {
      if (m.ready) {
        this.backend ??= m.backend;
        slot.ready = true;
        this.notifyReady();
        this.dispatch();
        return;
      }
      const chunk = slot.busy;
      if (!chunk) return;
      slot.busy = undefined;
      chunk.done(m.results!);
      this.dispatch();
    });
    worker.on('error', (e) => {
      this.log?.error(`verify worker failed: ${e.message}; its checks continue on the main thread`);
      this.retire(slot);
    });
    worker.on('exit', () => this.retire(slot));
    this.slots.push(slot);
  }

  /** Starts the workers and resolves once each has loaded (or failed): a warm pool for benchmarks and tests. */
  whenReady(): Promise<void> {
    this.start();
    return new Promise((resolve) => {
      this.readyWaiters.push(resolve);
      this.notifyReady();
      this.updateRefs();
    });
  }

  private notifyReady(): void {
    if (this.slots.some((s) => !s.ready)) return;
    for (const w of this.readyWaiters.splice(0)) w();
  }

  /**
   * Busy workers keep the process alive (a pending check must finish), and so do starting ones
   * while someone awaits whenReady(); idle ones do not.
   */
  private updateRefs(): void {
    const awaited = this.readyWaiters.length > 0;
    for (const slot of this.slots) {
      if (slot.busy || (awaited && !slot.ready)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private retire(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    this.notifyReady();
    if (slot.busy) this.waiting.unshift(slot.busy);
    slot.busy = undefined;
    this.dispatch();
  }

  /** Checks packed items (ITEM_SIZE bytes each); resolves to RESULT_SIZE bytes per item, in order. */
  check(items: Uint8Array): Promise<Uint8Array> {
    const n = items.length / ITEM_SIZE;
    if (!Number.isInteger(n)) throw new RangeError('packed items must be a multiple of ITEM_SIZE bytes');
    const out = new Uint8Array(n * RESULT_SIZE);
    this.start();
    if (n === 0) {
      this.dispatch();
      return Promise.resolve(out);
    }
    const per = Math.max(MIN_CHUNK, Math.ceil(n / (Math.max(1, this.slots.length) * CHUNKS_PER_THREAD)));
    const chunks = Math.ceil(n / per);
    return new Promise((resolve) => {
      let left = chunks;
      for (let c = 0; c < chunks; c++) {
        const from = c * per;
        const to = Math.min(n, from + per);
        // A copy, so its buffer can be transferred without detaching the caller's.
        this.waiting.push({
          items: items.slice(from * ITEM_SIZE, to * ITEM_SIZE),
          done: (results) => {
            out.set(results, from * RESULT_SIZE);
            if (--left === 0) resolve(out);
          },
        });
      }
      this.dispatch();
    });
  }

  private dispatch(): void {
    if (this.closed || !this.slots.some((s) => s.ready)) {
      if (this.waiting.length === 0) return;
      this.inline ??= createVerifyJob();
      for (let c = this.waiting.shift(); c; c = this.waiting.shift()) c.done(this.inline.run(c.items));
      return;
    }
    for (const slot of this.slots) {
      if (slot.busy || !slot.ready) continue;
      const chunk = this.waiting.shift();
      if (!chunk) break;
      slot.busy = chunk;
      slot.worker.postMessage({ items: chunk.items }, [chunk.items.buffer as ArrayBuffer]);
    }
    this.updateRefs();
    if (this.waiting.length === 0 && this.slots.every((s) => !s.busy)) this.stopWhenIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const slots = this.slots.splice(0);
    for (const s of slots) {
      if (s.busy) this.waiting.unshift(s.busy);
      s.busy = undefined;
    }
    this.dispatch();
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
