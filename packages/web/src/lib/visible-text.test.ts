import { describe, expect, it } from 'vitest';
import { visibleText, withoutHidden } from './visible-text';

const marker = (c: string) => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;

describe('visibleText', () => {
  it('leaves ordinary text alone, accents, scripts, emoji and ASCII spaces included', () => {
    for (const s of ['', 'balance:0xABaBabABABabABABABABabABABABABABabABabAB', 'ünïcödé ✓ 漢字 😀 Привет', 'a b  c', 'Transfer {"to":"0x1","amount":5}']) expect(visibleText(s)).toBe(s);
  });

  it('writes out every control, format and invisible character the audit named, and other look-alike makers', () => {
    const hidden = [
      '\u0000', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009b', // C0, DEL, C1
      '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', // zero-width and bidi marks
      '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', // embeddings and overrides
      '\u2060', '\u2061', '\u2062', '\u2063', '\u2064', '\u2065', '\u2066', '\u2067', '\u2068', '\u2069', // invisible operators, isolates
      '\ufeff', '\u00ad', '\u061c', '\u180e', '\u2028', '\u2029', // BOM, soft hyphen, ALM, Mongolian vowel separator, separators
      '\u{e0041}', '\ufe0f', '\u034f', '\u3164', '\uffa0', '\u2800', // tags, variation selectors, fillers, blank braille
      '\u00a0', '\u2007', '\u3000', // spaces other than the ASCII one
      '\ud800', '\udfff', // lone surrogates
    ];
    for (const c of hidden) expect(visibleText(`a${c}b`)).toBe(`a${marker(c)}b`);
  });

  it('tells a look-alike storage key from the real one, and is idempotent', () => {
    const real = 'balance:0xABaBabABABabABABABABabABABABABABabABabAB';
    const fake = `${real}\u200b`;
    expect(visibleText(fake)).toBe(`${real}⟨U+200B⟩`);
    expect(visibleText(fake)).not.toBe(visibleText(real));
    expect(visibleText(visibleText(fake))).toBe(visibleText(fake));
    expect(visibleText('\u202egnp.exe')).toBe('⟨U+202E⟩gnp.exe');
  });

  it('writes out combining marks stacked past the third, once, and keeps short stacks', () => {
    const zalgo = '0xAb' + '\u0336'.repeat(3) + '\u20dd' + '\u0301'.repeat(40);
    const shown = visibleText(zalgo);
    expect(shown).toBe('0xAb' + '\u0336'.repeat(3) + marker('\u20dd') + marker('\u0301').repeat(40));
    expect(visibleText(shown)).toBe(shown);
    expect(withoutHidden(zalgo)).toBe('0xAb' + '\u0336'.repeat(3));
    for (const s of ['Tiếng Việt', 'e\u0301\u0323\u0302', 'नमस्ते', 'བོད་ཡིག']) expect(visibleText(s)).toBe(s);
  });

  it('can drop what it would write out, for comparisons', () => {
    expect(withoutHidden('H\u200bC\u2060K\ufeff')).toBe('HCK');
  });
});
