// Proof-of-work scanner (message types in worker-protocol.ts). Plain JavaScript
// so the worker starts without a TypeScript loader. It works in chunks so a
// new job or a stop message is seen within a few milliseconds.
import { parentPort } from 'node:worker_threads';
import { createHash } from 'node:crypto';

const CHUNK = 20_000;
const NONCE_SPACE = 0x1_0000_0000;
let job = null;
let nonce = 0;
let counted = 0;
let lastReport = Date.now();

function meetsTarget(hash, target) {
  for (let i = 31; i >= 0; i--) {
    if (hash[i] < target[i]) return true;
    if (hash[i] > target[i]) return false;
  }
  return true;
}

function work() {
  if (!job) return;
  const header = Buffer.from(job.header);
  const start = nonce;
  const end = Math.min(nonce + CHUNK, NONCE_SPACE);
  for (; nonce < end; nonce++) {
    header.writeUInt32LE(nonce, 76);
    const h = createHash('sha256').update(createHash('sha256').update(header).digest()).digest();
    if (meetsTarget(h, job.target)) {
      counted += nonce - start + 1;
      parentPort.postMessage({ type: 'found', jobId: job.jobId, nonce });
      job = null;
      return;
    }
  }
  counted += end - start;
  const now = Date.now();
  if (now - lastReport >= 500) {
    parentPort.postMessage({ type: 'hashes', count: counted });
    counted = 0;
    lastReport = now;
  }
  if (nonce >= NONCE_SPACE) {
    parentPort.postMessage({ type: 'exhausted', jobId: job.jobId });
    job = null;
    return;
  }
  setImmediate(work);
}

parentPort.on('message', (msg) => {
  if (msg.type === 'stop') {
    job = null;
    return;
  }
  const idle = job === null;
  job = msg;
  nonce = 0;
  if (idle) setImmediate(work);
});
