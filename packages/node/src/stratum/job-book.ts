import type { ChainEntry } from '../chain/entry.js';
import type { StratumJob } from './job.js';

const MAX_JOBS = 64;
const MAX_SEEN_PER_JOB = 100_000;

export type JobLookup = { job: StratumJob } | { stale: string };

interface Live {
  job: StratumJob;
  /** When a newer template on the same tip replaced this job's template; 0 while current. */
  replacedAt: number;
  seen: Set<string>;
}

/**
 * The jobs a miner may still submit for. A tip change retires them all at
 * once (their blocks could only be orphans); a template refresh on the same
 * tip leaves the older jobs valid for `graceMs`, since their blocks are still
 * good and miners finish the work already in flight.
 */
export class JobBook {
  private readonly jobs = new Map<string, Live>();

  constructor(private readonly graceMs: number) {}

  /** `sameTemplate`: a re-issue of the current template (a new difficulty), which replaces nothing. */
  add(job: StratumJob, clean: boolean, sameTemplate = false, now = Date.now()): void {
    if (clean) this.jobs.clear();
    else if (!sameTemplate) for (const l of this.jobs.values()) if (l.replacedAt === 0 && l.job.template !== job.template) l.replacedAt = now;
    this.jobs.set(job.id, { job, replacedAt: 0, seen: new Set() });
    while (this.jobs.size > MAX_JOBS) this.jobs.delete(this.jobs.keys().next().value as string);
  }

  lookup(id: string, tip: ChainEntry, now = Date.now()): JobLookup {
    const l = this.jobs.get(id);
    if (!l) return { stale: 'job not found (stale)' };
    if (l.job.template.parent !== tip) return { stale: 'stale job (the chain tip has moved)' };
    if (l.replacedAt !== 0 && now - l.replacedAt > this.graceMs) return { stale: 'stale job (replaced by a newer template)' };
    return { job: l.job };
  }

  /** Records a share key for its job; false when the same share was already submitted. */
  markSeen(id: string, shareKey: string): boolean {
    const l = this.jobs.get(id);
    if (!l) return false;
    if (l.seen.has(shareKey)) return false;
    if (l.seen.size >= MAX_SEEN_PER_JOB) l.seen.clear();
    l.seen.add(shareKey);
    return true;
  }

  hasSeen(id: string, shareKey: string): boolean {
    return this.jobs.get(id)?.seen.has(shareKey) ?? false;
  }
}
