// Worker thread for signature checks. Plain .mjs so it starts without a TypeScript loader when
// the node runs compiled; workerData.jobModuleUrl names verify-job (.ts from sources goes through
// tsx's tsImport, as in mining/hasher/scan-worker.mjs).
// Messages in: { id, items: Uint8Array }; out: { id, results: Uint8Array } (buffers transferred).
import { parentPort, workerData } from 'node:worker_threads';

const url = workerData.jobModuleUrl;
const mod = url.endsWith('.ts')
  ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
  : await import(url);
const job = mod.createVerifyJob();

parentPort.on('message', ({ id, items }) => {
  const results = job.run(items);
  parentPort.postMessage({ id, results }, [results.buffer]);
});
parentPort.postMessage({ ready: true, backend: job.backendName });
