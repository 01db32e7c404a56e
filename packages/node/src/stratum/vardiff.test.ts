import { describe, expect, it } from 'vitest';
import { VarDiff } from './vardiff.js';

/**
 * Drives a VarDiff with a simulated miner of fixed hash rate: at difficulty d
 * a miner hashing H/s finds H / (d·2^32) shares per second.
 */
function simulate(v: VarDiff, o: { hashrate: number; ceiling: (t: number) => number; seconds: number; start?: number }): { t: number; d: number }[] {
  const trace: { t: number; d: number }[] = [];
  let t = o.start ?? 0;
  let credit = 0;
  const end = t + o.seconds * 1000;
  while (t < end) {
    t += 100;
    const ceiling = o.ceiling(t);
    v.clamp(ceiling);
    credit += (o.hashrate * 0.1) / (v.difficulty * 2 ** 32);
    while (credit >= 1) {
      credit -= 1;
      v.onShare(v.difficulty, ceiling, t);
    }
    v.review(ceiling, t);
    trace.push({ t, d: v.difficulty });
  }
  return trace;
}

const opts = { min: 1e-12, targetSeconds: 5, reviewSeconds: 15 };

describe('VarDiff', () => {
  it('climbs from a far too easy start to about one share per target interval, and comes back down when the miner slows', () => {
    const v = new VarDiff(1e-6, opts, 0);
    const hashrate = 10e6; // a cpuminer thread
    const ideal = hashrate * 5 / 2 ** 32;
    simulate(v, { hashrate, ceiling: () => 1e6, seconds: 300 });
    expect(v.difficulty).toBeGreaterThan(ideal / 2);
    expect(v.difficulty).toBeLessThan(ideal * 2);
    simulate(v, { hashrate: hashrate / 100, ceiling: () => 1e6, seconds: 300, start: 300_000 });
    expect(v.difficulty).toBeGreaterThan(ideal / 200);
    expect(v.difficulty).toBeLessThan(ideal / 50);
  });

  it('never exceeds the block difficulty, even when the miner would need a harder share', () => {
    const v = new VarDiff(1e-9, opts, 0);
    const trace = simulate(v, { hashrate: 1e5, ceiling: () => 4.7e-10, seconds: 20 });
    expect(Math.max(...trace.map((p) => p.d))).toBeLessThanOrEqual(4.7e-10);
    expect(v.difficulty).toBe(4.7e-10);
  });

  it('stays within the block difficulty across retargets down and up, and re-converges', () => {
    const v = new VarDiff(1e-6, opts, 0);
    const hashrate = 10e6;
    const ideal = hashrate * 5 / 2 ** 32;
    // The network difficulty starts above the ideal share difficulty, drops below it at t=120 s, and recovers at t=240 s.
    const ceiling = (t: number) => (t < 120_000 ? ideal * 4 : t < 240_000 ? ideal / 8 : ideal * 16);
    const trace = simulate(v, { hashrate, ceiling, seconds: 480 });
    for (const p of trace) expect(p.d).toBeLessThanOrEqual(ceiling(p.t));
    const at = (t: number) => trace.find((p) => p.t >= t)!.d;
    expect(at(119_000)).toBeGreaterThan(ideal / 2);
    expect(at(120_000)).toBe(ideal / 8);
    expect(at(239_000)).toBe(ideal / 8);
    expect(at(479_000)).toBeGreaterThan(ideal / 2);
    expect(at(479_000)).toBeLessThan(ideal * 2);
  });

  it('keeps the floor unless the block difficulty is lower', () => {
    const v = new VarDiff(1e-3, { ...opts, min: 1e-4 }, 0);
    simulate(v, { hashrate: 1, ceiling: () => 1, seconds: 600 });
    expect(v.difficulty).toBe(1e-4);
    expect(v.clamp(1e-5)).toBe(1e-5);
  });

  it('rates a miner by the work it was credited: shares still at the difficulty before a raise do not raise it again', () => {
    const v = new VarDiff(1, opts, 0);
    // One share at difficulty 1 every 1.25 s is 0.8 difficulty per second: 4 gives a share every 5 s.
    const changes: (number | null)[] = [];
    let t = 0;
    for (let i = 0; i < 12; i++) changes.push(v.onShare(1, 1e6, (t += 1250)));
    expect(changes.filter((c) => c !== null)).toEqual([4]);
    // The miner applies the raise late and goes on sending shares credited at 1, at the same rate of work.
    changes.length = 0;
    for (let i = 0; i < 24; i++) changes.push(v.onShare(1, 1e6, (t += 1250)));
    expect(changes.filter((c) => c !== null)).toEqual([]);
    expect(v.difficulty).toBe(4);
  });

  it('mostly leaves a steady miner alone: shares arrive at random, and an hour of them moves its difficulty tens of times, not hundreds', () => {
    // mulberry32: a seeded generator, so the hour is the same on every run.
    let seed = 0x9e3779b9;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
      return ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
    };
    const hashrate = 10e6;
    const ideal = (hashrate * 5) / 2 ** 32;
    const v = new VarDiff(ideal, opts, 0);
    let t = 0;
    let changes = 0;
    let offBand = 0;
    let next = 0;
    for (let tick = 0; tick < 36_000; tick++) {
      t += 100;
      // Poisson arrivals at the current difficulty: exponential gaps with mean d·2^32 / H seconds.
      while (next <= t) {
        if (v.onShare(v.difficulty, 1e6, next) !== null) changes++;
        next += -Math.log(1 - random()) * ((v.difficulty * 2 ** 32) / hashrate) * 1000;
      }
      if (v.review(1e6, t) !== null) changes++;
      if (v.difficulty > 2 * ideal || v.difficulty < ideal / 2) offBand++;
    }
    // The window of ~3 shares it had judged by made ~200 changes an hour and left the difficulty beyond 2× of ideal 20–35 % of it.
    expect(changes).toBeLessThanOrEqual(50);
    expect(offBand / 36_000).toBeLessThan(0.2);
  });
});
