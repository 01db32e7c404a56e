/** One check: sha256d digest, compact signature, compressed public key, packed back to back. */
export const DIGEST_SIZE = 32;
export const SIG_SIZE = 64;
export const PUB_SIZE = 33;
export const ITEM_SIZE = DIGEST_SIZE + SIG_SIZE + PUB_SIZE;
/** One answer: signature verdict, then (for jobs that ask for addresses) key validity and the key's 20-byte address. */
export const RESULT_SIZE = 22;
/** An answer's key byte: not a point, a point (its address follows), or no answer (see checkWith). */
export const KEY_INVALID = 0;
export const KEY_VALID = 1;
export const KEY_UNANSWERED = 2;

const NEXT = 0;
const DONE = 1;
const COUNT = 2;
const CHUNK = 3;
const ADDRESSES = 4;
const HEADER_WORDS = 5;

/** Checks packed items into `out` (RESULT_SIZE bytes per item), with the keys' addresses or without. */
export type CheckItems = (items: Uint8Array, out: Uint8Array, addresses: boolean) => void;

/**
 * A batch of checks in one SharedArrayBuffer that every verify worker and the
 * main thread work on together, Bitcoin Core's CCheckQueue style: each claims
 * the next chunk with an atomic add, so nobody waits for a dispatcher and the
 * main thread can join in when it has nothing else to do. A chunk counts as
 * done once, whoever finishes it (a compare-and-swap on its flag), so exactly
 * one caller learns it finished the job.
 *
 * Layout: header words (next chunk, chunks done, items, chunk size, addresses wanted), one flag
 * word per chunk, the items, then the results.
 */
export class SharedJob {
  readonly count: number;
  readonly chunk: number;
  readonly chunks: number;
  /** Whether answers carry key validity and address (a block's do not: the main thread has those already). */
  readonly addresses: boolean;
  readonly items: Uint8Array;
  readonly results: Uint8Array;
  private readonly header: Int32Array;
  private readonly flags: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.count = this.header[COUNT]!;
    this.chunk = this.header[CHUNK]!;
    this.chunks = Math.ceil(this.count / this.chunk);
    this.addresses = this.header[ADDRESSES] === 1;
    this.flags = new Int32Array(buffer, HEADER_WORDS * 4, this.chunks);
    const itemsAt = (HEADER_WORDS + this.chunks) * 4;
    this.items = new Uint8Array(buffer, itemsAt, this.count * ITEM_SIZE);
    this.results = new Uint8Array(buffer, itemsAt + this.count * ITEM_SIZE, this.count * RESULT_SIZE);
  }

  static create(items: Uint8Array, chunk: number, addresses: boolean): SharedJob {
    const count = items.length / ITEM_SIZE;
    if (!Number.isInteger(count)) throw new RangeError('packed items must be a multiple of ITEM_SIZE bytes');
    if (!Number.isInteger(chunk) || chunk < 1) throw new RangeError('chunk size must be a positive integer');
    const chunks = Math.ceil(count / chunk);
    const buffer = new SharedArrayBuffer((HEADER_WORDS + chunks) * 4 + count * (ITEM_SIZE + RESULT_SIZE));
    const header = new Int32Array(buffer, 0, HEADER_WORDS);
    header[COUNT] = count;
    header[CHUNK] = chunk;
    header[ADDRESSES] = addresses ? 1 : 0;
    const job = new SharedJob(buffer);
    job.items.set(items);
    return job;
  }

  get done(): boolean {
    return Atomics.load(this.header, DONE) === this.chunks;
  }

  /** Checks unclaimed chunks until none is left; true if this call completed the job. */
  work(check: CheckItems): boolean {
    let completed = false;
    for (let c = Atomics.add(this.header, NEXT, 1); c < this.chunks; c = Atomics.add(this.header, NEXT, 1)) {
      completed = this.run(c, check) || completed;
    }
    return completed;
  }

  /**
   * Checks every chunk not yet done, claimed or not: after a worker died, its
   * claimed chunk would otherwise never finish. A live worker may check the
   * same chunk meanwhile; it writes the same bytes and the flag counts it once.
   */
  finish(check: CheckItems): boolean {
    let completed = false;
    for (let c = 0; c < this.chunks; c++) if (Atomics.load(this.flags, c) === 0) completed = this.run(c, check) || completed;
    return completed;
  }

  private run(c: number, check: CheckItems): boolean {
    const from = c * this.chunk;
    const to = Math.min(this.count, from + this.chunk);
    check(this.items.subarray(from * ITEM_SIZE, to * ITEM_SIZE), this.results.subarray(from * RESULT_SIZE, to * RESULT_SIZE), this.addresses);
    if (Atomics.compareExchange(this.flags, c, 0, 1) !== 0) return false;
    return Atomics.add(this.header, DONE, 1) + 1 === this.chunks;
  }
}
