import { describe, expect, it } from 'vitest';
import { coalescer } from './coalesce';

function deferred() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return { gate, release };
}

describe('coalescer', () => {
  it('runs a burst of N requests for one key twice: the one in flight and one after it, shared by all', async () => {
    const runs = coalescer<number>();
    const { gate, release } = deferred();
    let started = 0;
    const work = async () => {
      const n = ++started;
      await gate;
      return n;
    };
    const first = runs('main:0xa', work);
    const burst = Array.from({ length: 200 }, () => runs('main:0xa', work));
    expect(started).toBe(1);
    release();
    expect(await first).toBe(1);
    expect(new Set(await Promise.all(burst))).toEqual(new Set([2]));
    expect(started).toBe(2);
    // Idle again: the next request is a fresh run.
    expect(await runs('main:0xa', work)).toBe(3);
  });

  it('keeps keys apart and survives a failed run', async () => {
    const runs = coalescer<string>();
    let calls = 0;
    const fail = async (): Promise<string> => {
      calls++;
      throw new Error('node down');
    };
    const a = runs('main:0xa', fail);
    const again = runs('main:0xa', async () => 'proven');
    const b = runs('main:0xb', async () => 'other');
    await expect(a).rejects.toThrow('node down');
    expect(await again).toBe('proven');
    expect(await b).toBe('other');
    expect(calls).toBe(1);
  });
});
