/**
 * Intensity is a duty cycle per mining thread: after each chunk of hashing
 * the thread rests so that it works `duty` of the time, keeping a desktop
 * responsive. The presets are core's INTENSITY_PERCENT, which the web app shows.
 */
import { INTENSITY_PERCENT, type Intensity } from '@hackcoin/core';

export type { Intensity };

export function dutyCycle(intensity: Intensity): number {
  if (typeof intensity === 'string') return INTENSITY_PERCENT[intensity] / 100;
  if (!Number.isFinite(intensity) || intensity < 1 || intensity > 100) throw new RangeError('custom intensity must be a percentage from 1 to 100');
  return intensity / 100;
}

export function parseIntensity(v: string | number): Intensity {
  if (v === 'low' || v === 'medium' || v === 'high') return v;
  const n = typeof v === 'number' ? v : Number(v);
  dutyCycle(n);
  return n;
}

/** Rest after a chunk that took `workMs`, so that work / (work + rest) = duty. */
export function restAfter(workMs: number, duty: number): number {
  return duty >= 1 ? 0 : (workMs * (1 - duty)) / duty;
}
