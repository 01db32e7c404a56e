import type { ChainEntry } from '../chain/entry.js';
import type { StratumJob } from './job.js';

const MAX_JOBS = 64;
/**
 * How long a job a same-tip template refresh replaced still earns shares. cpuminer moves to new
 * work only on a clean notify, after finding a share, or after scanning for 60 s, so its threads
 * keep submitting for a refreshed job for up to a minute: with a 10 s grace 10–40 % of their
 * shares came back stale (2 to 8 threads at a share per 5 s). Their blocks are as good as the
 * newer template's; only the tip moving makes them worthless.
 */
export const REFRESH_GRACE_MS = 120_000;
/**
 * Shares remembered for duplicate checks on one tip (about 60 bytes each). At
 * the cap the pool refuses further shares on that tip instead of forgetting
 * old ones, which would let them be credited again.
 */
export const MAX_SHARES_PER_TIP = 500_000;

/**
 * `retired`: a job the book still holds, on the tip, that no longer takes shares. Its blocks are as
 * good as the current job's (a refresh on a quiet tip is the same work), so a block found on it is
 * still worth taking.
 */
export type JobLookup = { job: StratumJob } | { stale: string; retired?: StratumJob };
export type SeenResult = 'new' | 'duplicate' | 'full';

interface Live {
  job: StratumJob;
  /** The last moment it takes shares: Infinity while its template is current. */
  until: number;
}

/**
 * The jobs a miner may still submit for. A tip change forgets them all at
 * once (their blocks could only be orphans); a template refresh on the same
 * tip leaves the older jobs valid for `graceMs`, since their blocks are still
 * good and miners finish the work already in flight, and retired after it.
 */
export class JobBook {
  private readonly jobs = new Map<string, Live>();
  /**
   * Header hashes of the shares credited on `seenTip`. One set for every job of
   * the tip: the same work submitted under another job id of the same template
   * (or an identical refreshed one) is the same header, and is credited once.
   */
  private readonly seen = new Set<string>();
  private seenTip: ChainEntry | null = null;

  constructor(
    private readonly graceMs: number,
    private readonly maxSeen = MAX_SHARES_PER_TIP,
  ) {}

  add(job: StratumJob, clean: boolean, now = Date.now()): void {
    const parent = job.template.parent;
    for (const [id, l] of this.jobs) {
      if (clean && l.job.template.parent !== parent) this.jobs.delete(id);
      // A clean re-issue on the same tip (a held-back retry) tells miners to drop the older work at once.
      else if (clean) l.until = -Infinity;
      else if (l.until === Infinity && l.job.template !== job.template) l.until = now + this.graceMs;
    }
    // Work on another parent can never be resubmitted here (lookup answers stale), so its record can go.
    if (job.template.parent !== this.seenTip) {
      this.seen.clear();
      this.seenTip = job.template.parent;
    }
    this.jobs.set(job.id, { job, until: Infinity });
    while (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
  }

  lookup(id: string, tip: ChainEntry, now = Date.now()): JobLookup {
    const l = this.jobs.get(id);
    if (!l) return { stale: 'job not found (stale)' };
    if (l.job.template.parent !== tip) return { stale: 'stale job (the chain tip has moved)' };
    if (now > l.until) return { stale: 'stale job (replaced by a newer template)', retired: l.job };
    return { job: l.job };
  }

  /** Records a share of the current tip by its header hash. */
  markSeen(hash: Uint8Array): SeenResult {
    const key = shareKey(hash);
    if (this.seen.has(key)) return 'duplicate';
    if (this.seen.size >= this.maxSeen) return 'full';
    this.seen.add(key);
    return 'new';
  }
}

/**
 * The low 16 bytes of the hash (its first bytes: the hash is a little-endian
 * number, and a share's high bytes are zeros), as a compact one-byte string.
 */
function shareKey(hash: Uint8Array): string {
  return Buffer.from(hash.buffer, hash.byteOffset, 16).toString('latin1');
}
