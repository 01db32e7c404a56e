// Worker thread for parallel nonce scanning. Plain .mjs so it starts without a
// TypeScript loader when it drives the native addon; workerData picks the backend:
//   { addonPath, portable?: boolean }  loads the .node file directly
//   { jsModuleUrl }                    imports js-hasher; a .ts URL goes through tsx's tsImport,
//                                      because on Node 20 execArgv ['--import', 'tsx'] does not
//                                      reach a worker's dynamic import() (measured here)
// Messages in: { header, target, start, count }; out: { nonce, hashes, ms }.
import { parentPort, workerData } from 'node:worker_threads';
import { createRequire } from 'node:module';

let scan;
if (workerData.addonPath) {
  const addon = createRequire(import.meta.url)(workerData.addonPath);
  scan = workerData.portable ? addon.scanPortable : addon.scan;
} else {
  const url = workerData.jsModuleUrl;
  const mod = url.endsWith('.ts')
    ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
    : await import(url);
  scan = mod.createJsHasher().scan;
}

parentPort.on('message', (job) => {
  const t0 = performance.now();
  const r = scan(job.header, job.target, job.start, job.count);
  parentPort.postMessage({ nonce: r.nonce, hashes: r.hashes, ms: performance.now() - t0 });
});
parentPort.postMessage({ ready: true });
