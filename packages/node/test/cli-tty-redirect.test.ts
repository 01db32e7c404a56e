import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir } from './helpers/node-process.js';
import { atTerminal } from './helpers/terminal.js';

/**
 * `hackcoin <args>` typed at a real terminal (util-linux `script` gives it a pseudo-terminal) with the
 * shell redirections `redirect`, e.g. `2>err.txt`: what the terminal showed is recorded.
 */
function atTerminalIn(dir: string, args: string, redirect: string, env: Record<string, string> = {}) {
  return atTerminal(args, { DATA_DIR: join(dir, 'data'), HACKCOIN_PASSWORD: '', ...env }, `cd ${dir} && {} ${redirect}`);
}

const file = (dir: string, name: string): string => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8') : '');

describe('a terminal user who redirected stdout or stderr', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const tmp = (): string => (dirs.push(mkdtempSync(join(tmpdir(), 'hackcoin-tty-redirect-'))), dirs.at(-1)!);
  afterAll(() => dirs.forEach(removeDir));

  it.each(['>words.txt', '>words.txt 2>log.txt'])('`wallet create %s` shows the words and the check on the terminal, and files neither', async (redirect) => {
    const dir = tmp();
    const term = atTerminalIn(dir, 'wallet create --wallet w --words 12', redirect, { HACKCOIN_PASSWORD: 'correct horse battery staple' });
    try {
      await term.shows(/Press Enter when you have written them down.*/);
      const words = [...term.screen().matchAll(/\d+\. ([a-z]+)/g)].map((m) => m[1]!);
      expect(words).toHaveLength(12);
      term.type('');
      for (let i = 0; i < 3; i++) term.type(words[Number((await term.shows(/Word #(\d+): /))[1]) - 1]!);
      expect(await term.exited).toBe(0);
      expect(file(dir, 'words.txt')).toMatch(/^Wallet "w" saved to \S+\nFirst address: 0x[0-9a-fA-F]{40} \([^)]*\)\n$/);
      expect(file(dir, 'log.txt')).toBe('');
    } finally {
      term.kill();
    }
  });

  it('`wallet create 2> log.txt` asks for the password on the terminal, not in the log', async () => {
    const dir = tmp();
    const term = atTerminalIn(dir, 'wallet create --wallet w --words 12 --yes-i-saved-it', '2>log.txt');
    try {
      await term.shows(/New password for wallet "w" \(min 8 characters\): /);
      term.type('correct horse battery staple');
      await term.shows(/Repeat the password: /);
      term.type('correct horse battery staple');
      expect(await term.exited).toBe(0);
      expect(term.screen()).toMatch(/Wallet "w" saved to /);
      expect(file(dir, 'log.txt')).toBe('');
    } finally {
      term.kill();
    }
  });
});
