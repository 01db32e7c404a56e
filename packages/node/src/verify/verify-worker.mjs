// Worker thread for signature checks. Plain .mjs so it starts without a TypeScript loader when
// the node runs compiled; workerData.jobModuleUrl names verify-job (.ts from sources goes through
// tsx's tsImport, as in mining/hasher/scan-worker.mjs).
// Messages in: { id, buffer: SharedArrayBuffer } (a SharedJob); out: { id } from the worker that
// finished the job's last chunk. Results are in the shared buffer, so nothing else is copied.
import { parentPort, workerData } from 'node:worker_threads';

const url = workerData.jobModuleUrl;
const mod = url.endsWith('.ts')
  ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
  : await import(url);
const job = mod.createVerifyJob();

parentPort.on('message', ({ id, buffer }) => {
  if (job.work(buffer)) parentPort.postMessage({ id });
});
parentPort.postMessage({ ready: true, backend: job.backendName });
