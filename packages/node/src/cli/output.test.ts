import { afterEach, describe, expect, it, vi } from 'vitest';
import { NODE_TEXT_MAX, Output, jsonSafe, nodeLine, nodeText, table, terminalSafe } from './output.js';

const HOSTILE = '\u001b]0;PWNED\u0007\u001b[2K\r\u001b[32mOK: confirmed\u001b[0m';

describe('terminalSafe', () => {
  it('leaves honest text as it is', () => {
    for (const s of ['', 'txid ab12', 'fee rate       slow 1 · normal 2 · fast 3 base units/byte', 'gas 21000 × 1 = 0.00021 HCK', 'ünïcödé ✓ 漢字 😀', 'a\tb'])
      expect(terminalSafe(s)).toBe(s);
    expect(terminalSafe('line one\nline two', { multiline: true })).toBe('line one\nline two');
    for (const line of table([['id', 'address'], ['1', '127.0.0.1:8333']])) expect(terminalSafe(line)).toBe(line);
  });

  it('drops ESC sequences and replaces other controls', () => {
    expect(terminalSafe(HOSTILE)).toBe('\uFFFDOK: confirmed');
    expect(terminalSafe('a\u001b]8;;http://evil/\u001b\\link\u001b]8;;\u001b\\b')).toBe('alinkb'); // OSC 8 hyperlink, ST-terminated
    expect(terminalSafe('a\u001bPq#0;2;0;0;0\u001b\\b')).toBe('ab'); // DCS
    expect(terminalSafe('a\u001b[?1049hb\u001bcc\u001b(0d')).toBe('abcd'); // CSI private, RIS, charset
    expect(terminalSafe('x\u001b]0;no terminator')).toBe('x\uFFFD]0;no terminator'); // unterminated: the ESC goes, the rest is inert
    expect(terminalSafe('a\u001b')).toBe('a\uFFFD');
    expect(terminalSafe('a\u0000b\u0008c\u007fd\u0085e\u009b31mf\u009dg')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD31mf\uFFFDg');
  });

  it('replaces bidi controls', () => {
    const bidi = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'];
    for (const c of bidi) expect(terminalSafe(`pay ${c}1.0 HCK`)).toBe('pay \uFFFD1.0 HCK');
  });

  it('writes out characters that show nothing, so a look-alike name does not pass for another', () => {
    expect(terminalSafe('event Transfer {"to":"0xABaB\u200b","x":"a\u2060b\ufeffc\u200dd"}')).toBe('event Transfer {"to":"0xABaB⟨U+200B⟩","x":"a⟨U+2060⟩b⟨U+FEFF⟩c⟨U+200D⟩d"}');
    for (const c of ['\u200b', '\u200c', '\u200d', '\u00ad', '\u180e', '\u2060', '\u2061', '\u2064', '\u2065', '\ufeff', '\u{e0041}', '\ufe0f', '\u3164', '\u00a0', '\u3000', '\u2800', '\ud800'])
      expect(terminalSafe(`pay${c}`)).toBe(`pay⟨U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
    expect(terminalSafe('a\u2028b\u2029c', { multiline: true })).toBe('a⟨U+2028⟩b⟨U+2029⟩c');
    expect(terminalSafe('a\tb\nc d', { multiline: true })).toBe('a\tb\nc d');
    expect(terminalSafe(`peer ${'\u200b'.repeat(400)}`, { max: NODE_TEXT_MAX })).toBe(`peer ${'⟨U+200B⟩'.repeat(400)}`.slice(0, NODE_TEXT_MAX - 1) + '…');
  });

  it('keeps a single line to one line; multi-line keeps \\n and \\t only', () => {
    expect(terminalSafe('reason\nOK: confirmed\r\u2028x')).toBe('reason\uFFFDOK: confirmed\uFFFD\uFFFDx');
    expect(terminalSafe('a\nb\tc\rd\u000be', { multiline: true })).toBe('a\nb\tc\uFFFDd\uFFFDe');
  });

  it('caps at max code points with an ellipsis', () => {
    expect(terminalSafe('x'.repeat(NODE_TEXT_MAX), { max: NODE_TEXT_MAX })).toBe('x'.repeat(NODE_TEXT_MAX));
    const capped = terminalSafe('y'.repeat(10_000), { max: NODE_TEXT_MAX });
    expect(capped).toBe(`${'y'.repeat(NODE_TEXT_MAX - 1)}…`);
    expect(terminalSafe('😀'.repeat(400), { max: NODE_TEXT_MAX })).toBe(`${'😀'.repeat(NODE_TEXT_MAX - 1)}…`); // no split surrogate
  });
});

describe('nodeText', () => {
  it('quotes a revert reason and writes out its padding, so it cannot wrap a forged line onto the screen', () => {
    expect(nodeText(`no${' '.repeat(200)}Sent 5 HCK to 0xabc`)).toBe('"no⟨200 spaces⟩Sent 5 HCK to 0xabc"');
    expect(nodeText('a b\n\u001b[2Kc "d"')).toBe('"a b\\n\\u001b[2Kc \\"d\\""');
    expect(nodeLine(`node:${' '.repeat(2)}x`)).toBe('node:⟨2 spaces⟩x');
  });

  it('caps a string inside its quotes, and a value as a whole', () => {
    expect(nodeText('r'.repeat(10_000))).toBe(`"${'r'.repeat(NODE_TEXT_MAX - 1)}…"`);
    expect(nodeText({ event: ['e'.repeat(10_000)] })).toBe(`{"event":["${'e'.repeat(NODE_TEXT_MAX - 12)}…`);
    expect(nodeText([1, 'two', null])).toBe('[1,"two",null]');
  });
});

describe('Output', () => {
  afterEach(() => vi.restoreAllMocks());
  const capture = (stream: NodeJS.WriteStream): string[] => {
    const written: string[] = [];
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    return written;
  };

  it('cleans every human line, not the --json document', () => {
    const out = capture(process.stdout);
    new Output(false).result({}, ['reverted: ' + HOSTILE, 'event \u202eevil', 'honest line']);
    new Output(false).result({}, 'peer 1.2.3.4\nOK: forged');
    new Output(true).result({ reason: HOSTILE }, 'unused');
    expect(out).toEqual([
      'reverted: \uFFFDOK: confirmed\nevent \uFFFDevil\nhonest line\n',
      'peer 1.2.3.4\uFFFDOK: forged\n',
      `${JSON.stringify({ reason: HOSTILE }, null, 2)}\n`,
    ]);
    expect(out[2]).not.toContain('\u001b');
  });

  it('cleans notes', () => {
    const err = capture(process.stderr);
    new Output(true).note(`health: ${HOSTILE}`);
    expect(err).toEqual(['health: \uFFFDOK: confirmed\n']);
  });
});

describe('jsonSafe', () => {
  it('escapes what JSON.stringify leaves raw and a terminal acts on, and parses back to the same value', () => {
    const value = { reason: 'a\u202eb\u009b31m\u2028c\u0085', n: 1, list: ['\u2066x\u2069'] };
    const text = jsonSafe(value);
    expect(/[\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(text)).toBe(false);
    expect(text).toContain('a\\u202eb\\u009b31m\\u2028c\\u0085');
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonSafe({ ok: 'ünïcödé ✓ 漢字' })).toBe(JSON.stringify({ ok: 'ünïcödé ✓ 漢字' }, null, 2));
  });
});
