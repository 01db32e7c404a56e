import { loadHasher } from '../../src/mining/hasher/index.js';
import { StratumTestClient, shareTargetFor, type Notify } from './stratum-client.js';

/** Block target from a notify's nbits (compact encoding, as in Bitcoin). */
export function targetFromNbits(nbits: string): bigint {
  const bits = parseInt(nbits, 16);
  const exp = bits >>> 24;
  const mant = BigInt(bits & 0x007fffff);
  return exp <= 3 ? mant >> BigInt(8 * (3 - exp)) : mant << BigInt(8 * (exp - 3));
}

export function difficultyOfTarget(target: bigint): number {
  return Number(0xffffn << 208n) / Number(target);
}

function toLE32(v: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

export interface MinerReport {
  seconds: number;
  submitted: number;
  accepted: number;
  rejected: Record<string, number>;
  /** Accepted shares that met the block target. */
  blocks: number;
  hashes: number;
  /** Highest share difficulty / block difficulty seen at any notify. */
  maxDifficultyRatio: number;
  jobs: number;
  cleanJobs: number;
  /** Distinct block targets (nbits) seen: more than one means a retarget was crossed. */
  nbits: string[];
  /** Distinct share difficulties the pool set. */
  difficulties: number[];
}

/**
 * A CPU miner as the Stratum v1 description has it: it hashes the current
 * job's header with the native sha256d scanner in short chunks, submits every
 * hash under the share target, switches to a new job as soon as one arrives,
 * and (like solo-aware miners) stops working a job once it has found its
 * block, since every later share on that parent can only be stale.
 */
export class StratumTestMiner {
  readonly client = new StratumTestClient();
  private readonly hasher = loadHasher();
  private running = false;
  private readonly report: MinerReport = { seconds: 0, submitted: 0, accepted: 0, rejected: {}, blocks: 0, hashes: 0, maxDifficultyRatio: 0, jobs: 0, cleanJobs: 0, nbits: [], difficulties: [] };
  private readonly inFlight = new Set<Promise<unknown>>();

  get backend(): string {
    return this.hasher.backend;
  }

  async connect(port: number, worker: string): Promise<void> {
    this.client.onNotify = (job, difficulty) => {
      this.report.jobs++;
      if (job.clean) this.report.cleanJobs++;
      const ratio = difficulty / difficultyOfTarget(targetFromNbits(job.nbits));
      this.report.maxDifficultyRatio = Math.max(this.report.maxDifficultyRatio, ratio);
      if (!this.report.nbits.includes(job.nbits)) this.report.nbits.push(job.nbits);
      if (!this.report.difficulties.includes(difficulty) && this.report.difficulties.length < 1000) this.report.difficulties.push(difficulty);
    };
    await this.client.connect(port);
    await this.client.subscribe();
    const auth = await this.client.call('mining.authorize', [worker, 'x']);
    if (auth.result !== true) throw new Error(`authorize failed: ${JSON.stringify(auth.error)}`);
    this.worker = worker;
  }

  private worker = '';

  async mine(seconds: number, chunk = 1 << 15): Promise<MinerReport> {
    this.running = true;
    const end = Date.now() + seconds * 1000;
    const started = Date.now();
    let job: Notify | undefined;
    let en2 = 0;
    let header: Buffer = Buffer.alloc(80);
    let nonce = 0;
    let done = false;
    let en2Hex = '';
    while (this.running && Date.now() < end) {
      const latest = this.client.jobs[this.client.jobs.length - 1];
      if (latest !== job && latest !== undefined) {
        job = latest;
        en2 = (en2 + 1) >>> 0;
        en2Hex = en2.toString(16).padStart(this.client.extranonce2Size * 2, '0');
        header = this.client.headerFor(job, en2Hex, job.ntime, 0);
        nonce = 0;
        done = false;
      }
      if (!job || done || nonce >= 0x1_0000_0000) {
        await new Promise((r) => setTimeout(r, 1));
        continue;
      }
      const shareTarget = shareTargetFor(this.client.difficulty);
      const blockTarget = targetFromNbits(job.nbits);
      const target = toLE32(shareTarget > (1n << 256n) - 1n ? (1n << 256n) - 1n : shareTarget);
      const r = this.hasher.scan(header, target, nonce, Math.min(chunk, 0x1_0000_0000 - nonce));
      this.report.hashes += r.hashes;
      if (r.nonce >= 0) {
        nonce = r.nonce + 1;
        const hash = this.client.hashFor(job, en2Hex, job.ntime, r.nonce);
        const isBlock = BigInt(`0x${Buffer.from(hash).reverse().toString('hex')}`) <= blockTarget;
        if (isBlock) done = true;
        this.submit(job, en2Hex, r.nonce, isBlock);
      } else {
        nonce += r.hashes;
      }
      // Let notifies and answers in: a real miner's network thread runs beside its hashing threads.
      await new Promise((r2) => setImmediate(r2));
    }
    this.running = false;
    await Promise.all(this.inFlight);
    this.report.seconds = (Date.now() - started) / 1000;
    return this.report;
  }

  private submit(job: Notify, en2Hex: string, nonce: number, isBlock: boolean): void {
    this.report.submitted++;
    const p = this.client.submit(this.worker, job, en2Hex, nonce).then((r) => {
      if (r.result === true) {
        this.report.accepted++;
        if (isBlock) this.report.blocks++;
      } else {
        const code = String(r.error?.[0] ?? 'unknown');
        this.report.rejected[code] = (this.report.rejected[code] ?? 0) + 1;
      }
    });
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  close(): void {
    this.running = false;
    this.client.close();
  }
}
