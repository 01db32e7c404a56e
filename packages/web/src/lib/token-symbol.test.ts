import { describe, expect, it } from 'vitest';
import { resemblesNativeTicker, SYMBOL_MAX, tokenSymbol } from './token-symbol';

describe('a token symbol', () => {
  it('is marked when it reads as the native ticker, however it is disguised', () => {
    const fakes = [
      'HCK', 'hck', 'Hck', ' HCK ', 'H.C.K', '$HCK', 'H-C-K', // case, spaces, punctuation
      'H\u200bCK', 'HC\u2060K', '\u202eHCK', 'HCK\ufeff', 'H\u00adCK', // invisible and bidi characters
      'НСК', 'нск', 'ΗϹΚ', 'Ηϲκ', 'ᎻᏟᏦ', 'ʜᴄᴋ', 'ҺСҚ', // Cyrillic, Greek, Cherokee, small capitals
      'ＨＣＫ', '𝐇𝐂𝐊', 'ⒽⒸⓀ', 'HCK', 'HⅭK', // fullwidth, mathematical, circled, Kelvin sign, Roman numeral
      'HĈK', 'HC\u0336K', // accents and overlays
      'ꓧꓚꓗ', '𐊢𐐕ꓗ', 'ＨꓚＫ', // letters no list held: three characters, not all ASCII
    ];
    for (const s of fakes) expect(resemblesNativeTicker(s), JSON.stringify(s)).toBe(true);
  });

  it('is left alone when it names something else', () => {
    for (const s of ['HACK', 'HCKX', 'WHCK', 'HCK2', 'HC', 'HKC', 'BTC', 'DMO', '?', '', 'ÜSD', 'Ünion', 'ꓧꓚ']) expect(resemblesNativeTicker(s), JSON.stringify(s)).toBe(false);
  });

  it('is cut to its first code points, never inside a surrogate pair', () => {
    expect(tokenSymbol('TOKEN')).toBe('TOKEN');
    expect(tokenSymbol('😀'.repeat(20))).toBe('😀'.repeat(SYMBOL_MAX));
    expect(tokenSymbol(42)).toBe('');
    expect(tokenSymbol(undefined)).toBe('');
  });
});
