import { withoutHidden } from './visible-text';

/**
 * A token's symbol is whatever its deployer chose, and the shipped token
 * deployed with "HCK" made a wallet's Tokens card read "50,000,000 HCK" for an
 * address holding no coin at all. A symbol that is, or looks like, the native
 * ticker is therefore marked wherever it is shown (components/TokenSymbol).
 */
export const NATIVE_TICKER = 'HCK';

/** The most of a symbol shown, in code points (a cut never splits a surrogate pair). */
export const SYMBOL_MAX = 16;

/** A symbol as a contract returned it, cut to SYMBOL_MAX; '' when it is no string or empty. */
export function tokenSymbol(value: unknown): string {
  return typeof value === 'string' ? Array.from(value).slice(0, SYMBOL_MAX).join('') : '';
}

/**
 * Letters of other scripts and Latin forms that NFKD leaves alone but that
 * read as H, C or K, by what they look like in upper case (lower-case ones
 * that upper-case to something else are listed themselves). Fullwidth,
 * mathematical, circled, Roman-numeral and Kelvin-sign forms need no entry:
 * NFKD turns them into the Latin letter.
 */
const LOOKS_LIKE: Readonly<Record<string, string>> = Object.fromEntries(
  (
    [
      ['H', 'НΗᎻʜҢӇӉҺһⲎⱧᕼհ'],
      ['C', 'СϹϲᏟᴄⲤⲥҪς'],
      ['K', 'КΚᏦᴋⲔⲕҚҜҞҠϏⱩĸ'],
    ] as const
  ).flatMap(([latin, lookalikes]) => Array.from(lookalikes, (c) => [c, latin])),
);

const MARK = /\p{M}/u;
const NOT_LETTER_OR_DIGIT = /[^\p{L}\p{N}]/gu;

/** One character as the Latin capital it reads as, if any; otherwise its upper case. */
function latinCapital(c: string): string {
  const upper = c.toUpperCase();
  return LOOKS_LIKE[c] ?? LOOKS_LIKE[upper] ?? upper;
}

/** Any character outside ASCII. */
const NON_ASCII = /[^\u0000-\u007f]/u;

/**
 * Whether a symbol reads as the native ticker: compared without its hidden
 * characters, accents, spaces and punctuation, with compatibility forms and
 * look-alike letters of other scripts taken as the Latin ones, in any case.
 * Three characters that are not all ASCII are taken to as well: no list of
 * look-alikes is whole (Lisu ꓧꓚꓗ, Carian and Deseret letters passed the one above).
 */
export function resemblesNativeTicker(symbol: string): boolean {
  // Looked up before NFKD too, which takes the lunate sigma Ϲ to Σ.
  const decomposed = Array.from(withoutHidden(symbol), (c) => LOOKS_LIKE[c] ?? c)
    .join('')
    .normalize('NFKD');
  const letters = Array.from(decomposed)
    .filter((c) => !MARK.test(c))
    .map(latinCapital)
    .join('')
    .replace(NOT_LETTER_OR_DIGIT, '');
  return letters === NATIVE_TICKER || (Array.from(letters).length === NATIVE_TICKER.length && NON_ASCII.test(letters));
}
