/**
 * Text chosen by a contract or transaction author (storage keys and values,
 * event names and data, revert reasons, token symbols and names, function
 * names, peer agents) as it may be put on screen. A character that draws
 * nothing or reorders the text around it would let two different strings look
 * the same ("0xABaB…" and "0xABaB…" + U+200B are two storage rows) or make one
 * read as another, so each is written out by code point, e.g. ⟨U+200B⟩.
 *
 * Caught: controls (C0, DEL, C1, line and paragraph separators), format
 * characters (Cf: zero-width spaces and joiners, bidi marks, embeddings,
 * overrides and isolates, U+2060–U+2064 invisible operators, U+FEFF, U+00AD,
 * U+061C, U+180E, tags…), lone surrogates, every default-ignorable code point
 * (variation selectors, Hangul fillers, U+034F…), the unassigned U+2065 among
 * the invisible operators, the blank braille pattern, and every space but the
 * ASCII one (a no-break or ideographic space is one more look-alike). Also every combining mark
 * after the third in a run: written languages stack at most about three on one letter, and a
 * longer stack draws over the rows around it or makes two storage keys look the same.
 */
const HIDDEN = /(?! )[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}\u2065\u2800]|(?<=\p{M}{3})\p{M}/gu;

const codePoint = (c: string): string => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;

/** `s` with every hidden character shown as ⟨U+XXXX⟩; text without one comes back unchanged (and so does its result: it is idempotent). */
export function visibleText(s: string): string {
  return s.replace(HIDDEN, codePoint);
}

/** `s` without its hidden characters: what a reader sees of it, for comparing it with something else. */
export function withoutHidden(s: string): string {
  return s.replace(HIDDEN, '');
}
