import { describe, expect, it } from 'vitest';
import { RecentSet } from './recent-set.js';

describe('RecentSet', () => {
  it('under a flood of fresh ids keeps only the latest, and an id added again counts as latest', () => {
    const s = new RecentSet<string>(1_000);
    s.add('busy');
    for (let i = 0; i < 50_000; i++) {
      s.add(`flood-${i}`);
      if (i % 500 === 0) s.add('busy');
    }
    expect(s.has('busy')).toBe(true);
    expect(s.has('flood-48999')).toBe(false);
    expect(s.has('flood-49001')).toBe(true);
    s.delete('busy');
    expect(s.has('busy')).toBe(false);
  });
});
