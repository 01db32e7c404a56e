import { parentPort } from 'node:worker_threads';
import { createHash } from 'node:crypto';

/**
 * Proof-of-work scanner. Works in chunks so a new job or a stop message is
 * seen within one chunk (a few milliseconds), never blocking the node's
 * event loop, which lives on the main thread.
 */
export interface JobMessage {
  type: 'job';
  jobId: number;
  header: Uint8Array;
  /** 32-byte little-endian target. */
  target: Uint8Array;
}
export type ToWorker = JobMessage | { type: 'stop' };
export type FromWorker =
  | { type: 'found'; jobId: number; nonce: number }
  | { type: 'exhausted'; jobId: number }
  | { type: 'hashes'; count: number };

const CHUNK = 20_000;
let job: JobMessage | null = null;
let nonce = 0;
let counted = 0;
let lastReport = Date.now();

function meetsTarget(hash: Buffer, target: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    if (hash[i]! < target[i]!) return true;
    if (hash[i]! > target[i]!) return false;
  }
  return true;
}

function work(): void {
  if (!job) return;
  const header = Buffer.from(job.header);
  const end = Math.min(nonce + CHUNK, 0x1_0000_0000);
  for (; nonce < end; nonce++) {
    header.writeUInt32LE(nonce, 76);
    const h = createHash('sha256').update(createHash('sha256').update(header).digest()).digest();
    if (meetsTarget(h, job.target)) {
      counted += nonce - (end - CHUNK) + 1;
      parentPort!.postMessage({ type: 'found', jobId: job.jobId, nonce } satisfies FromWorker);
      job = null;
      return;
    }
  }
  counted += CHUNK;
  const now = Date.now();
  if (now - lastReport >= 500) {
    parentPort!.postMessage({ type: 'hashes', count: counted } satisfies FromWorker);
    counted = 0;
    lastReport = now;
  }
  if (nonce >= 0x1_0000_0000) {
    parentPort!.postMessage({ type: 'exhausted', jobId: job.jobId } satisfies FromWorker);
    job = null;
    return;
  }
  setImmediate(work);
}

parentPort!.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    job = null;
    return;
  }
  const idle = job === null;
  job = msg;
  nonce = 0;
  if (idle) setImmediate(work);
});
