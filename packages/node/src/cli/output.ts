/** Results go to stdout (text or one JSON document); notes and warnings to stderr so pipes stay clean. */
export class Output {
  constructor(readonly json: boolean) {}

  /**
   * `text` is the human form: one line, or an array of lines. Each line passes through terminalSafe, as
   * commands fill them with strings from the node (revert reasons, event names, peer addresses...); the
   * --json document is written by jsonSafe (JSON.stringify leaves C1 controls and bidi marks raw).
   */
  result(value: unknown, text: string | string[]): void {
    if (this.json) process.stdout.write(`${jsonSafe(value)}\n`);
    else process.stdout.write(`${(Array.isArray(text) ? text : [text]).map((l) => terminalSafe(l)).join('\n')}\n`);
  }

  /** A human note; --json output stays a single parseable document, so notes still go to stderr there. */
  note(text: string): void {
    process.stderr.write(`${terminalSafe(text)}\n`);
  }
}

/**
 * Characters JSON.stringify writes raw that a terminal acts on or that reorder the text around them: C1
 * controls (U+009B is CSI), bidi marks, embeddings, overrides and isolates, and the line and paragraph
 * separators. Escaped as \uXXXX, the document parses to the same value.
 */
const JSON_UNSAFE = /[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `value` as an indented JSON document whose text is inert on a terminal. */
export function jsonSafe(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** The most of one node-supplied string (an error's code or message) shown in an error line. */
export const NODE_TEXT_MAX = 300;

/**
 * A run of spaces pads a line past the terminal's width, so node text could wrap a line of its own making
 * onto the screen under the real ones: a run is written out as its length.
 */
const SPACE_RUN = / {2,}/g;

/** A string from the node for one human line: runs of spaces written out, terminalSafe, capped at NODE_TEXT_MAX. */
export function nodeLine(s: string): string {
  return terminalSafe(s.replace(SPACE_RUN, (run) => `⟨${run.length} spaces⟩`), { max: NODE_TEXT_MAX });
}

/**
 * A value from the node or a contract (revert reason, return value, event name or data) for a human line:
 * as JSON, so a string shows quoted and its newlines and ESCs as escapes, then through nodeLine.
 */
export function nodeText(value: unknown): string {
  const json = JSON.stringify(value) ?? 'undefined';
  // The cap goes inside the quotes, so a cut string still ends in one.
  return typeof value === 'string' ? `"${nodeLine(json.slice(1, -1))}"` : nodeLine(json);
}

/** What stands in for a character that would act on the terminal instead of being shown. */
const REPLACEMENT = '\uFFFD';

// ESC sequences, removed whole. String sequences (OSC `ESC ]`, DCS `ESC P`, SOS `ESC X`, PM `ESC ^`,
// APC `ESC _`) run to BEL or ST (`ESC \`); without a terminator only the ESC goes (below), leaving the
// rest as inert text. CSI `ESC [` params intermediates final; any other `ESC` intermediates final.
const ESC_SEQUENCE = /\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]|\x1b[\x20-\x2f]*(?![[\]PX^_])[\x30-\x7e]/g;
// C0 controls but \t and \n, DEL, C1 controls, bidi embeddings/overrides/isolates and marks
// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
const CONTROL_MULTILINE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// The same plus \n and the Unicode line and paragraph separators: one line stays one line.
const CONTROL_LINE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
// What is left that draws nothing, as the web app's visible-text helper catches it: format characters
// (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+00AD, U+180E, tags…), default-ignorables (variation
// selectors, Hangul fillers…), lone surrogates, line separators kept by `multiline`, the blank braille
// pattern and every space but the ASCII one. Tab and \n, the only controls left by then, stay.
const INVISIBLE = /(?![ \t\n])[\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Zs}\p{Default_Ignorable_Code_Point}\u2065\u2800]/gu;

/** An invisible character written out, e.g. ⟨U+200B⟩: a name that differs from another by one must not look the same. */
const codePoint = (c: string): string => `⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;

/**
 * `s` made inert for a terminal: ESC sequences are dropped; every other control character (C0 but tab,
 * DEL, C1) and bidi control becomes U+FFFD, and any other character that shows nothing (a zero-width
 * space or joiner, U+2060, U+FEFF…) is written out as ⟨U+200B⟩. A single line (the default) also loses
 * its line breaks, so node data cannot forge an extra line; `multiline` keeps \n. `max` caps the result
 * (in code points) with an ellipsis. Text without such characters comes back unchanged.
 */
export function terminalSafe(s: string, opts: { multiline?: boolean; max?: number } = {}): string {
  let out = s
    .replace(ESC_SEQUENCE, '')
    .replace(opts.multiline ? CONTROL_MULTILINE : CONTROL_LINE, REPLACEMENT)
    .replace(INVISIBLE, codePoint);
  if (opts.max !== undefined && out.length > opts.max) {
    const chars = Array.from(out);
    if (chars.length > opts.max) out = `${chars.slice(0, opts.max - 1).join('')}…`;
  }
  return out;
}
