import { describe, expect, it } from 'vitest';
import { COMBINING_MARKS } from './prelude/strings.js';
import { loadQuickJS } from './quickjs-module.js';

/**
 * Runs in the pinned QuickJS itself, whose Unicode tables decide what normalize() reorders: for every code
 * point, its canonical and compatibility decompositions, each part tested for a non-starter by whether
 * normalize reorders it against U+0345 (class 240) or U+0334 (class 1). Blocks in which nothing
 * decomposes and nothing reorders are passed over in a few native calls.
 */
const DERIVE = `(function () {
  const nfd = (s) => s.normalize('NFD'), nfkd = (s) => s.normalize('NFKD');
  const isNonStarter = (d) => {
    const a = String.fromCodePoint(0x345, d), b = String.fromCodePoint(d, 0x334);
    return nfd(a) !== a || nfd(b) !== b;
  };
  const out = { nonStarters: [], doubleMarks: [], trailing: [[], [], [], []], problems: [] };
  const BLOCK = 256;
  for (let base = 0; base < 0x110000; base += BLOCK) {
    const cps = [];
    for (let c = base; c < base + BLOCK; c++) cps.push(c);
    const alone = cps.map((c) => '\\0' + String.fromCodePoint(c)).join('');
    const before = cps.map((c) => '\\0\\u0345' + String.fromCodePoint(c)).join('');
    const after = cps.map((c) => '\\0' + String.fromCodePoint(c) + '\\u0334').join('');
    if (nfd(alone) === alone && nfkd(alone) === alone && nfd(before) === before && nfd(after) === after) continue;
    for (const c of cps) {
      const forms = [nfd, nfkd].map((f) => {
        const marks = Array.from(f(String.fromCodePoint(c)), (x) => isNonStarter(x.codePointAt(0)));
        let lead = 0, trail = 0, inner = 0, run = 0;
        while (lead < marks.length && marks[lead]) lead++;
        while (trail < marks.length && marks[marks.length - 1 - trail]) trail++;
        for (let i = lead; i < marks.length - trail; i++) { run = marks[i] ? run + 1 : 0; if (run > inner) inner = run; }
        return { length: marks.length, all: lead === marks.length, any: marks.some(Boolean), lead, trail, inner };
      });
      if (!forms[0].any && !forms[1].any) continue;
      if (forms[0].all || forms[1].all) {
        const weight = Math.max(...forms.map((f) => (f.all ? f.length : f.lead + f.trail)));
        out.nonStarters.push(c);
        if (weight === 2) out.doubleMarks.push(c);
        else if (weight !== 1) out.problems.push(c);
      } else {
        const trail = Math.max(forms[0].trail, forms[1].trail);
        if (forms[0].lead + forms[1].lead > 0 || forms[0].inner > 1 || forms[1].inner > 1 || trail > 3) out.problems.push(c);
        else if (trail > 0) out.trailing[trail].push(c);
      }
    }
  }
  return JSON.stringify(out);
})()`;

function ranges(cps: number[]): string {
  const out: [number, number][] = [];
  for (const c of cps) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === c - 1) last[1] = c;
    else out.push([c, c]);
  }
  return out.map(([a, b]) => (a === b ? a.toString(16) : `${a.toString(16)}-${b.toString(16)}`)).join(' ');
}

describe('combining marks', () => {
  // The prelude finds the runs normalize() sorts from these tables: a non-starter they missed would let a
  // run go unpaid (overcounting is safe, undercounting is the bug). They must be QuickJS's own, exactly.
  it('are the pinned QuickJS tables, derived again from every code point', async () => {
    const qjs = await loadQuickJS();
    const vm = qjs.newContext();
    try {
      const derived = JSON.parse(vm.dump(vm.unwrapResult(vm.evalCode(DERIVE))) as string) as {
        nonStarters: number[]; doubleMarks: number[]; trailing: number[][]; problems: number[];
      };
      expect(derived.problems).toEqual([]);
      expect(ranges(derived.nonStarters)).toBe(COMBINING_MARKS.nonStarters);
      expect(ranges(derived.doubleMarks)).toBe(COMBINING_MARKS.doubleMarks);
      expect(ranges(derived.trailing[1]!)).toBe(COMBINING_MARKS.oneTrailing);
      expect(ranges(derived.trailing[2]!)).toBe(COMBINING_MARKS.twoTrailing);
      expect(ranges(derived.trailing[3]!)).toBe(COMBINING_MARKS.threeTrailing);
    } finally {
      vm.dispose();
    }
  }, 120_000);
});
