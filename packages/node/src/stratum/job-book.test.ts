import { describe, expect, it } from 'vitest';
import { decodeCompact, NETWORKS } from '@hackcoin/core';
import type { ChainEntry } from '../chain/entry.js';
import type { BlockTemplate } from '../mining/template.js';
import { JobBook, REFRESH_GRACE_MS } from './job-book.js';
import type { StratumJob } from './job.js';
import { targetForDifficulty } from './protocol.js';
import { difficultyOfTarget } from './server.js';

const tipA = { id: 'a' } as ChainEntry;
const tipB = { id: 'b' } as ChainEntry;
const job = (id: string, parent: ChainEntry, template = { parent } as BlockTemplate) => ({ id, template }) as StratumJob;

describe('JobBook stale-share policy', () => {
  it('retires every job at once on a tip change (clean_jobs=true)', () => {
    const book = new JobBook(10_000);
    book.add(job('1', tipA), true, 0);
    expect(book.lookup('1', tipA, 1)).toHaveProperty('job');
    book.add(job('2', tipB), true, 2);
    expect(book.lookup('1', tipB, 3)).toEqual({ stale: 'job not found (stale)' });
    expect(book.lookup('2', tipB, 3)).toHaveProperty('job');
  });

  it('answers stale for a job whose parent is no longer the tip, before the new job is even built', () => {
    const book = new JobBook(10_000);
    book.add(job('1', tipA), true, 0);
    expect(book.lookup('1', tipB, 1)).toEqual({ stale: 'stale job (the chain tip has moved)' });
  });

  it('keeps a job replaced by a template refresh on the same tip valid for the grace window only', () => {
    const book = new JobBook(10_000);
    book.add(job('1', tipA), true, 0);
    book.add(job('2', tipA), false, 5_000);
    expect(book.lookup('1', tipA, 14_000)).toHaveProperty('job');
    expect(book.lookup('1', tipA, 15_001)).toMatchObject({ stale: 'stale job (replaced by a newer template)' });
    expect(book.lookup('2', tipA, 60_000)).toHaveProperty('job');
  });

  it('by default keeps a refreshed job valid for longer than cpuminer works on a job without a clean notify (60 s)', () => {
    const book = new JobBook(REFRESH_GRACE_MS);
    book.add(job('1', tipA), true, 0);
    book.add(job('2', tipA), false, 30_000);
    book.add(job('3', tipA), false, 60_000);
    expect(book.lookup('1', tipA, 30_000 + 61_000)).toHaveProperty('job');
    expect(book.lookup('1', tipA, 30_000 + REFRESH_GRACE_MS + 1)).toMatchObject({ stale: 'stale job (replaced by a newer template)' });
  });

  it('tells a job past its grace, on the tip, from one that is gone, so that a block on it is still taken', () => {
    const book = new JobBook(10_000);
    const first = job('1', tipA);
    book.add(first, true, 0);
    book.add(job('2', tipA), false, 5_000);
    expect(book.lookup('1', tipA, 15_001)).toEqual({ stale: 'stale job (replaced by a newer template)', retired: first });
    expect(book.lookup('1', tipB, 15_001)).toEqual({ stale: 'stale job (the chain tip has moved)' });
    // A clean re-issue on the same tip (a held-back retry) retires the older jobs at once; a new tip forgets them.
    book.add(job('3', tipA), true, 15_002);
    expect(book.lookup('2', tipA, 15_002)).toMatchObject({ retired: { id: '2' } });
    book.add(job('4', tipB), true, 15_003);
    expect(book.lookup('3', tipB, 15_003)).toEqual({ stale: 'job not found (stale)' });
  });

  it('remembers shares by header hash for the whole tip, refuses new ones at the cap without forgetting old ones, and forgets on a tip change', () => {
    const book = new JobBook(10_000, 3);
    const hash = (n: number) => new Uint8Array(32).fill(n);
    book.add(job('1', tipA), true, 0);
    expect(book.markSeen(hash(1))).toBe('new');
    book.add(job('2', tipA), false, 1);
    expect(book.markSeen(hash(1))).toBe('duplicate');
    expect(book.markSeen(hash(2))).toBe('new');
    expect(book.markSeen(hash(3))).toBe('new');
    expect(book.markSeen(hash(4))).toBe('full');
    expect(book.markSeen(hash(1))).toBe('duplicate');
    // A clean re-issue on the same tip (a held-back retry) keeps the record.
    book.add(job('3', tipA), true, 2);
    expect(book.markSeen(hash(2))).toBe('duplicate');
    book.add(job('4', tipB), true, 3);
    expect(book.markSeen(hash(1))).toBe('new');
  });
});

describe('share targets', () => {
  it('at the block difficulty equal the block target to within float precision (regtest, test and main limits)', () => {
    for (const net of [NETWORKS.regtest, NETWORKS.test, NETWORKS.main]) {
      const blockTarget = decodeCompact(net.powLimitBits).target;
      const share = targetForDifficulty(difficultyOfTarget(blockTarget));
      const diff = share > blockTarget ? share - blockTarget : blockTarget - share;
      expect(Number(diff) / Number(blockTarget)).toBeLessThan(1e-12);
    }
  });
});
