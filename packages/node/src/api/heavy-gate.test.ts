import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { HeavyGate } from './heavy-gate.js';

describe('HeavyGate', () => {
  it('runs at most `concurrent` pieces of work at once, the rest in turn, and refuses past `waiting` with 503 busy', async () => {
    const gate = new HeavyGate({ concurrent: 2, waiting: 3 });
    const release: (() => void)[] = [];
    const started: number[] = [];
    const work = (i: number) => gate.run(() => new Promise<number>((r) => (started.push(i), release.push(() => r(i)))));
    const runs = [0, 1, 2, 3, 4].map(work);
    await Promise.resolve();
    expect([gate.running, gate.waiting, started]).toEqual([2, 3, [0, 1]]);
    const refused = await work(5).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 503, code: 'busy', headers: { 'retry-after': expect.any(String) } });
    while (release.length > 0 || gate.running > 0) {
      release.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(gate.peak).toBe(2);
    // A failure frees its slot too.
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.running).toBe(0);
  });
});
