import { Worker } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../util/logger.js';
import { ITEM_SIZE, SharedJob, type CheckItems } from './shared-job.js';
import { createVerifyJob, type VerifyJob } from './verify-job.js';

// Compiled (dist/) the job module is .js like this file; run from source both are .ts.
const SOURCE_EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const WORKER_FILE = fileURLToPath(new URL('./verify-worker.mjs', import.meta.url));
const JOB_URL = new URL(`./verify-job${SOURCE_EXT}`, import.meta.url).href;

/**
 * Chunks small enough that the last one to finish keeps nobody waiting long
 * (32 checks ≈ 1.5 ms), and there are enough for the main thread to join in;
 * claiming one is a single atomic add, so small costs little.
 */
const MIN_CHUNK = 16;
const CHUNKS_PER_THREAD = 8;
/** Workers start on the first check and stop after this long without one: an idle node keeps no isolates. */
const IDLE_STOP_MS = 60_000;

/** A batch of checks under way. */
export interface CheckJob {
  /** RESULT_SIZE bytes per item, in order, once every item is checked. */
  readonly results: Promise<Uint8Array>;
  /** Checks the job's unclaimed chunks on the calling thread, as Core's master thread joins its check queue. */
  help(): void;
}

/**
 * Jobs and signatures since start: jobs sent to the workers or checked wholly on the calling
 * (the node's main) thread, and where each signature of them was checked.
 */
export interface VerifyPoolStats {
  jobs: { workers: number; main: number };
  signatures: { workers: number; main: number };
  /** Messages sent to workers: each costs the main thread about as much as one check. */
  posts: number;
}

interface Active {
  job: SharedJob;
  resolve: (results: Uint8Array) => void;
  sentTo: Set<Worker>;
  /** Items the calling thread checked (helping, or finishing after a worker died); the workers checked the rest. */
  onMain: number;
}

interface Slot {
  worker: Worker;
  /** Loaded its backend: a starting worker (seconds through tsx on a busy machine) gets no work. */
  ready: boolean;
}

/**
 * A fixed set of worker threads checking packed signatures (Bitcoin Core's
 * CCheckQueue, bcoin's worker pool). Every ready worker is sent each batch at
 * once, as one SharedArrayBuffer, and they claim its chunks themselves, so a
 * main thread busy with a block's state transition never holds them up. If a
 * worker dies, the jobs it was sent are finished on the calling thread with
 * the same backend: slower, never a different answer. Workers start with the
 * first check and stop when idle; until one is ready, checks run on the
 * calling thread, so starting costs no latency.
 */
export class VerifyPool {
  private readonly slots: Slot[] = [];
  private readonly active = new Map<number, Active>();
  private nextId = 0;
  /** Where the next job's first worker is taken from, so jobs of one chunk take turns among the workers. */
  private nextSlot = 0;
  private inline: VerifyJob | undefined;
  private closed = false;
  private running = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readyWaiters: (() => void)[] = [];
  private readonly counts: VerifyPoolStats = { jobs: { workers: 0, main: 0 }, signatures: { workers: 0, main: 0 }, posts: 0 };
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
      if (this.active.size > 0) return;
      this.running = false;
      for (const s of this.slots.splice(0)) void s.worker.terminate();
    }, IDLE_STOP_MS);
    this.idleTimer.unref();
  }

  private spawn(): void {
    const worker = new Worker(WORKER_FILE, { workerData: { jobModuleUrl: JOB_URL } });
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on('message', (m: { ready?: boolean; backend?: string; id?: number }) => {
      if (m.ready) {
        this.backend ??= m.backend;
        slot.ready = true;
        for (const [id, a] of this.active) this.send(slot, id, a);
        this.notifyReady();
        this.updateRefs();
        return;
      }
      const a = m.id === undefined ? undefined : this.active.get(m.id);
      if (a) this.complete(m.id!, a);
    });
    worker.on('error', (e) => {
      this.log?.error(`verify worker failed: ${e.message}; its checks continue on the main thread`);
      this.retire(slot);
    });
    worker.on('exit', () => this.retire(slot));
    this.slots.push(slot);
  }

  private send(slot: Slot, id: number, a: Active): void {
    a.sentTo.add(slot.worker);
    this.counts.posts++;
    slot.worker.postMessage({ id, buffer: a.job.buffer });
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
   * Workers keep the process alive while a job is under way (it must finish),
   * and starting ones while someone awaits whenReady(); idle ones do not.
   */
  private updateRefs(): void {
    const busy = this.active.size > 0;
    const awaited = this.readyWaiters.length > 0;
    for (const slot of this.slots) {
      if ((busy && slot.ready) || (awaited && !slot.ready)) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private retire(slot: Slot): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    this.notifyReady();
    for (const [id, a] of this.active) {
      if (a.sentTo.has(slot.worker)) this.finishHere(id, a);
    }
  }

  private finishHere(id: number, a: Active): void {
    a.job.finish(this.checkHere(a));
    this.complete(id, a);
  }

  /** The calling thread's check for a job's chunks, counting them (once a chunk, never per signature). */
  private checkHere(a: Active): CheckItems {
    const check = (this.inline ??= createVerifyJob()).check;
    return (items, out, addresses) => {
      a.onMain += items.length / ITEM_SIZE;
      check(items, out, addresses);
    };
  }

  private complete(id: number, a: Active): void {
    if (!this.active.delete(id)) return;
    this.counts.signatures.main += a.onMain;
    this.counts.signatures.workers += a.job.count - a.onMain;
    a.resolve(a.job.results);
    this.updateRefs();
    if (this.active.size === 0) this.stopWhenIdle();
  }

  /** Starts checking packed items (ITEM_SIZE bytes each), with their keys' addresses unless told not to. */
  check(items: Uint8Array, addresses = true): CheckJob {
    const n = items.length / ITEM_SIZE;
    if (!Number.isInteger(n)) throw new RangeError('packed items must be a multiple of ITEM_SIZE bytes');
    this.start();
    const ready = this.slots.filter((s) => s.ready);
    const job = SharedJob.create(items, Math.max(MIN_CHUNK, Math.ceil(n / ((ready.length + 1) * CHUNKS_PER_THREAD))), addresses);
    const inline = (this.inline ??= createVerifyJob());
    if (this.closed || ready.length === 0 || n === 0) {
      job.work(inline.check);
      this.counts.jobs.main++;
      this.counts.signatures.main += n;
      this.stopWhenIdle();
      return { results: Promise.resolve(job.results), help: () => undefined };
    }
    const id = this.nextId++;
    let resolve!: (r: Uint8Array) => void;
    const results = new Promise<Uint8Array>((r) => (resolve = r));
    const a: Active = { job, resolve, sentTo: new Set(), onMain: 0 };
    this.active.set(id, a);
    this.counts.jobs.workers++;
    // A worker with no chunk to claim would only wake to find the job taken: a small job (a
    // relayed transaction's) goes to as many workers as it has chunks, and waking an idle worker costs the main thread one to several checks.
    const start = this.nextSlot++ % ready.length;
    for (let k = 0; k < Math.min(ready.length, job.chunks); k++) this.send(ready[(start + k) % ready.length]!, id, a);
    this.updateRefs();
    return {
      results,
      help: () => {
        if (job.work(this.checkHere(a))) this.complete(id, a);
      },
    };
  }

  stats(): VerifyPoolStats {
    const { jobs, signatures, posts } = this.counts;
    return { jobs: { ...jobs }, signatures: { ...signatures }, posts };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const slots = this.slots.splice(0);
    for (const [id, a] of this.active) this.finishHere(id, a);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
