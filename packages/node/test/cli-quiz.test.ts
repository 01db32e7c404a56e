import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_ENTRY, removeDir, waitFor } from './helpers/node-process.js';

const BIN = resolve(fileURLToPath(import.meta.url), '../../bin/hackcoin.js');
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

/**
 * `hackcoin wallet create` at a real terminal: util-linux `script` runs it on a pseudo-terminal
 * (stdin, stdout and stderr all TTYs, as for a user) and records everything the terminal showed.
 */
function createAtTerminal(dataDir: string) {
  const cmd = `${process.execPath} ${BIN} wallet create --wallet quiz --words 12`;
  const p = spawn('script', ['-qfec', cmd, '/dev/null'], {
    env: { ...process.env, HACKCOIN_NODE_ENTRY: NODE_ENTRY, DATA_DIR: dataDir, HACKCOIN_PASSWORD: 'correct horse battery staple' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  p.stdout.on('data', (d: Buffer) => (screen += d.toString()));
  p.stderr.on('data', (d: Buffer) => (screen += d.toString()));
  const exited = new Promise<number | null>((res) => p.on('close', (code) => res(code)));
  let seen = 0;
  /** Waits for `text` to appear in what the terminal showed after the previous match; returns its match. */
  const shows = async (text: RegExp): Promise<RegExpExecArray> => {
    const m = await waitFor(async () => text.exec(screen.slice(seen)) ?? undefined, 60_000, `${text} on the terminal`);
    seen += m.index + m[0].length;
    return m;
  };
  const type = (line: string): void => void p.stdin.write(`${line}\r`);
  return { screen: () => screen, shows, type, exited, kill: () => p.kill('SIGKILL') };
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
