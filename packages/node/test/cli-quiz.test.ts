import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from './helpers/node-process.js';
import { atTerminal } from './helpers/terminal.js';

const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

/**
 * `hackcoin wallet create` at a real terminal: util-linux `script` runs it on a pseudo-terminal
 * (stdin, stdout and stderr all TTYs, as for a user) and records everything the terminal showed.
 */
function createAtTerminal(dataDir: string) {
  return atTerminal('wallet create --wallet quiz --words 12', { DATA_DIR: dataDir, HACKCOIN_PASSWORD: 'correct horse battery staple' });
}

/** What a terminal still shows (screen and scrollback) of a recording: everything after its last full clear. */
const visibleAfterLastClear = (recording: string): string => recording.slice(recording.lastIndexOf(CLEAR_SCREEN) + CLEAR_SCREEN.length);

describe('wallet create word check at a terminal', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-tty-'));
  afterAll(() => removeDir(dataDir));

  it('leaves no recovery word on screen: neither the list shown nor the words typed back', async () => {
    const term = createAtTerminal(dataDir);
    try {
      await term.shows(/Press Enter when you have written them down.*/);
      const words = [...term.screen().matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]!);
      expect(words).toHaveLength(12);
      term.type('');
      const typed: string[] = [];
      for (let i = 0; i < 3; i++) {
        const word = words[Number((await term.shows(/Word #(\d+): /))[1]) - 1]!;
        typed.push(word);
        term.type(word);
        // The next prompt comes only once this answer is echoed.
        await term.shows(new RegExp(`${word}\r*\n`));
      }
      expect(await term.exited).toBe(0);
      const recording = term.screen();
      // The answers were on the terminal (readline echoes them after moving the cursor past the prompt) …
      for (const w of typed) expect(recording).toMatch(new RegExp(`Word #\\d+: (\\x1b\\[\\d+G)?${w}\r`));
      // … and after the last clear only the result is left: no list, no answer.
      expect(visibleAfterLastClear(recording).trim()).toMatch(/^Wallet "quiz" saved to \S+\s+First address: 0x[0-9a-fA-F]{40} \([^)]*\)$/);
    } finally {
      term.kill();
    }
  });
});
