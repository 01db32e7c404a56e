import { EventEmitter } from 'node:events';
import { loadHasher } from '../mining/hasher/index.js';
import type { ScanWorker } from '../mining/miner.js';

/**
 * A mining thread at the edge: the real native scan, run on this thread, whose answer arrives after a
 * delay the test picks. On regtest every chunk holds a block, so every thread finds one for every job.
 */
export class DelayedWorker extends EventEmitter implements ScanWorker {
  private stopped = false;
  private readonly hasher = loadHasher();

  constructor(private readonly delayMs: () => number) {
    super();
    setImmediate(() => this.emit('message', {}));
  }

  postMessage(job: { header: Uint8Array; target: Uint8Array; start: number; count: number }): void {
    const r = this.hasher.scan(job.header, job.target, job.start, job.count);
    setTimeout(() => {
      if (!this.stopped) this.emit('message', { ...r, ms: 1 });
    }, this.delayMs());
  }

  terminate(): Promise<number> {
    this.stopped = true;
    return Promise.resolve(0);
  }
}
