import { describe, expect, it } from 'vitest';
import { CUSTOM, describeIntensity, toDraft, validate } from './intensity';

describe('mining intensity form', () => {
  it('mirrors the node status as a draft', () => {
    expect(toDraft({ threads: 3, intensity: 'medium' })).toEqual({ threads: '3', preset: 'medium', percent: '50' });
    expect(toDraft({ threads: 1, intensity: 40 })).toEqual({ threads: '1', preset: CUSTOM, percent: '40' });
  });

  it('validates threads 1–256 and a custom percentage 1–100', () => {
    expect(validate({ threads: '2', preset: 'low', percent: '' })).toEqual({ ok: true, threads: 2, intensity: 'low' });
    expect(validate({ threads: '8', preset: CUSTOM, percent: '75' })).toEqual({ ok: true, threads: 8, intensity: 75 });
    expect(validate({ threads: '0', preset: 'high', percent: '' })).toMatchObject({ ok: false, field: 'threads' });
    expect(validate({ threads: '257', preset: 'high', percent: '' })).toMatchObject({ ok: false, field: 'threads' });
    expect(validate({ threads: '1.5', preset: 'high', percent: '' })).toMatchObject({ ok: false, field: 'threads' });
    expect(validate({ threads: '1', preset: CUSTOM, percent: '101' })).toMatchObject({ ok: false, field: 'percent' });
    expect(validate({ threads: '1', preset: CUSTOM, percent: '' })).toMatchObject({ ok: false, field: 'percent' });
  });

  it('describes presets with their duty cycle', () => {
    expect(describeIntensity('low')).toBe('low (25 %)');
    expect(describeIntensity(40)).toBe('40 %');
  });
});
