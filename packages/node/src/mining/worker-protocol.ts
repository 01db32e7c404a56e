/** Messages between the miner and its proof-of-work worker (pow-worker.mjs). */
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
