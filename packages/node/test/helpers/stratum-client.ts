import { createConnection, type Socket } from 'node:net';
import { createHash } from 'node:crypto';

/**
 * A Stratum v1 miner written from the public protocol description (not from
 * the pool's code): it rebuilds coinbase, merkle root and header exactly as
 * cpuminer/cgminer do and checks the share target with difficulty 1 =
 * 0xffff·2^208.
 */
const sha256d = (b: Buffer) => createHash('sha256').update(createHash('sha256').update(b).digest()).digest();

export interface Notify {
  jobId: string;
  prevhash: string;
  coinb1: string;
  coinb2: string;
  branch: string[];
  version: string;
  nbits: string;
  ntime: string;
  clean: boolean;
}

export class StratumTestClient {
  private socket!: Socket;
  private buf = '';
  private nextId = 1;
  private pending = new Map<number, (msg: any) => void>();
  extranonce1 = '';
  extranonce2Size = 0;
  difficulty = 1;
  jobs: Notify[] = [];
  closed = false;
  /** Answers received, including to requests written raw. */
  responses = 0;
  /** Called on every notify with the share difficulty in force for it (set_difficulty precedes notify). */
  onNotify: ((job: Notify, difficulty: number) => void) | undefined;

  async connect(port: number): Promise<void> {
    this.socket = createConnection({ host: '127.0.0.1', port });
    this.socket.setEncoding('utf8');
    this.socket.on('data', (d: string) => this.onData(d));
    this.socket.on('close', () => (this.closed = true));
    this.socket.on('error', () => (this.closed = true));
    await new Promise<void>((res) => this.socket.once('connect', () => res()));
  }

  private onData(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const msg = JSON.parse(this.buf.slice(0, i));
      this.buf = this.buf.slice(i + 1);
      if (msg.method === 'mining.set_difficulty') this.difficulty = msg.params[0];
      else if (msg.method === 'mining.notify') {
        const [jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean] = msg.params;
        this.jobs.push({ jobId, prevhash, coinb1, coinb2, branch, version, nbits, ntime, clean });
        if (this.jobs.length > 64) this.jobs.shift();
        this.onNotify?.(this.job, this.difficulty);
      } else if (msg.id !== null) this.responses++;
      if (msg.id !== null && this.pending.has(msg.id)) {
        this.pending.get(msg.id)!(msg);
        this.pending.delete(msg.id);
      }
    }
  }

  call(method: string, params: unknown[]): Promise<{ result: any; error: any }> {
    const id = this.nextId++;
    this.socket.write(`${JSON.stringify({ id, method, params })}\n`);
    return new Promise((res) => this.pending.set(id, res));
  }

  writeRaw(text: string): void {
    this.socket.write(text);
  }

  async subscribe(): Promise<void> {
    const r = await this.call('mining.subscribe', ['hackcoin-test/1.0']);
    this.extranonce1 = r.result[1];
    this.extranonce2Size = r.result[2];
  }

  get job(): Notify {
    return this.jobs[this.jobs.length - 1]!;
  }

  /** The 80-byte header a miner hashes for this job, per the protocol's byte orders; `version` as BIP310 rolling made it. */
  headerFor(job: Notify, extranonce2: string, ntime: string, nonce: number, version = parseInt(job.version, 16)): Buffer {
    const coinbase = Buffer.from(job.coinb1 + this.extranonce1 + extranonce2 + job.coinb2, 'hex');
    let root = sha256d(coinbase);
    for (const b of job.branch) root = sha256d(Buffer.concat([root, Buffer.from(b, 'hex')]));
    const prev = Buffer.from(job.prevhash, 'hex');
    for (let w = 0; w < 8; w++) prev.subarray(w * 4, w * 4 + 4).reverse();
    const header = Buffer.alloc(80);
    header.writeUInt32LE(version >>> 0, 0);
    prev.copy(header, 4);
    root.copy(header, 36);
    header.writeUInt32LE(parseInt(ntime, 16), 68);
    header.writeUInt32LE(parseInt(job.nbits, 16), 72);
    header.writeUInt32LE(nonce, 76);
    return header;
  }

  /** Header hash for a candidate share. */
  hashFor(job: Notify, extranonce2: string, ntime: string, nonce: number, version?: number): Buffer {
    return sha256d(this.headerFor(job, extranonce2, ntime, nonce, version));
  }

  shareTarget(): bigint {
    return shareTargetFor(this.difficulty);
  }

  /** Searches nonces for a hash that meets (or, with `fail`, misses) the share target. */
  findNonce(job: Notify, extranonce2: string, fail = false): number {
    const target = this.shareTarget();
    for (let nonce = 0; ; nonce++) {
      const v = BigInt(`0x${Buffer.from(this.hashFor(job, extranonce2, job.ntime, nonce)).reverse().toString('hex')}`);
      if ((v <= target) !== fail) return nonce;
    }
  }

  /** `versionBits`: BIP310's sixth parameter, sent only when given. */
  submit(worker: string, job: Notify, extranonce2: string, nonce: number, ntime = job.ntime, versionBits?: string) {
    const params = [worker, job.jobId, extranonce2, ntime, nonce.toString(16).padStart(8, '0')];
    return this.call('mining.submit', versionBits === undefined ? params : [...params, versionBits]);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** diff1 / difficulty, computed exactly from the double (regtest difficulties are ~5e-10). */
export function shareTargetFor(difficulty: number): bigint {
  const k = 52 - Math.floor(Math.log2(difficulty));
  const n = BigInt(Math.round(difficulty * 2 ** k));
  const diff1 = 0xffffn << 208n;
  return k >= 0 ? (diff1 << BigInt(k)) / n : diff1 / (n << BigInt(-k));
}
