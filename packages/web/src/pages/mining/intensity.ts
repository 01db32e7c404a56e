import { INTENSITY_PERCENT } from '@hackcoin/core';
import type { Intensity, MiningStatus } from '../../lib/types';

/** The node's presets (core's INTENSITY_PERCENT): a duty cycle per thread. */
export const PRESETS = (['low', 'medium', 'high'] as const).map((value) => {
  const percent = INTENSITY_PERCENT[value];
  return { value, label: `${value[0]!.toUpperCase()}${value.slice(1)} (${percent} %)`, percent };
});

export const CUSTOM = '__custom';

export type Preset = (typeof PRESETS)[number]['value'] | typeof CUSTOM;

/** Form state: strings as typed. */
export interface Draft {
  threads: string;
  preset: Preset;
  percent: string;
}

export function toDraft(s: Pick<MiningStatus, 'threads' | 'intensity'>): Draft {
  if (typeof s.intensity === 'number') return { threads: String(s.threads), preset: CUSTOM, percent: String(s.intensity) };
  const p = PRESETS.find((x) => x.value === s.intensity);
  return { threads: String(s.threads), preset: p?.value ?? 'high', percent: String(p?.percent ?? 100) };
}

export type Checked = { ok: true; threads: number; intensity: Intensity } | { ok: false; field: 'threads' | 'percent'; message: string };

export function validate(d: Draft): Checked {
  const threads = Number(d.threads);
  if (d.threads.trim() === '' || !Number.isInteger(threads) || threads < 1 || threads > 256) return { ok: false, field: 'threads', message: 'A whole number from 1 to 256.' };
  if (d.preset !== CUSTOM) return { ok: true, threads, intensity: d.preset };
  const percent = Number(d.percent);
  if (d.percent.trim() === '' || !Number.isInteger(percent) || percent < 1 || percent > 100) return { ok: false, field: 'percent', message: 'A whole percentage from 1 to 100.' };
  return { ok: true, threads, intensity: percent };
}

export function describeIntensity(i: Intensity): string {
  if (typeof i === 'number') return `${i} %`;
  const p = PRESETS.find((x) => x.value === i);
  return p ? `${i} (${p.percent} %)` : String(i);
}
