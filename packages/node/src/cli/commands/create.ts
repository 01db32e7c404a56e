import { randomInt } from 'node:crypto';
import { Wallet, generateMnemonic, type MnemonicWordCount } from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { takeArgs } from '../options.js';
import { interactive, promptLine, terminal } from '../prompt.js';
import { bip39Passphrase, newPassword } from '../secrets.js';
import { walletExists, walletPath, writeKeystore } from '../store.js';

/** Words asked back before anything is saved: enough to catch a skipped backup, few enough to be bearable. */
const QUIZ_WORDS = 3;
const ATTEMPTS = 3;

export async function createCommand(ctx: CommandContext): Promise<void> {
  const { opts, out } = ctx;
  takeArgs(opts, 2, []);
  const words = opts.flags.words ?? '24';
  if (words !== '12' && words !== '24') throw usageError('--words must be 12 or 24');
  const skipQuiz = opts.flags['yes-i-saved-it'] === true || opts.env.HACKCOIN_YES_I_SAVED_IT === '1';
  // Checked before any secret exists so a refused run leaves nothing behind.
  if (walletExists(opts.dataDir, opts.walletName)) {
    throw usageError(`wallet "${opts.walletName}" already exists (${walletPath(opts.dataDir, opts.walletName)}); pick another --wallet name`);
  }
  if (!skipQuiz && (opts.json || !interactive())) {
    throw usageError('confirming the recovery words needs a terminal; scripts pass --yes-i-saved-it (and must store the printed mnemonic themselves)');
  }
  // Words to be checked are for the user's eyes: on the terminal, not in a file stdout was sent to
  // (`create > words.txt`). A script that skips the check reads them from stdout, as it asked to.
  const wordsTo = opts.json ? undefined : skipQuiz ? process.stdout : terminal();
  const password = await newPassword(opts, opts.walletName);
  const passphrase = await bip39Passphrase(opts);
  const mnemonic = generateMnemonic(Number(words) as MnemonicWordCount);
  const wallet = await Wallet.fromMnemonic(mnemonic, passphrase);
  try {
    const first = wallet.newAddress('');
    if (wordsTo) showMnemonic(mnemonic, wordsTo);
    if (!skipQuiz) await quiz(mnemonic.split(' '));
    const path = writeKeystore(opts.dataDir, opts.walletName, await wallet.toKeystore(password), { create: true });
    const result = { wallet: opts.walletName, file: path, address: first.address, path: first.path, words: Number(words), mnemonic };
    if (opts.json) out.result(result, '');
    else out.result(result, [`Wallet "${opts.walletName}" saved to ${path}`, `First address: ${first.address} (${first.path})`]);
  } finally {
    wallet.wipe();
  }
}

function showMnemonic(mnemonic: string, to: NodeJS.WritableStream): void {
  const words = mnemonic.split(' ');
  const cols = 4;
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += cols) {
    lines.push(words.slice(i, i + cols).map((w, j) => `${String(i + j + 1).padStart(2)}. ${w.padEnd(9)}`).join(' '));
  }
  to.write(
    [
      '',
      'Your recovery words. Write them down on paper, in order, and keep them offline.',
      'They are shown ONCE; anyone who has them controls the funds.',
      '',
      ...lines,
      '',
      '',
    ].join('\n'),
  );
}

/** Erases the screen and the scrollback of the terminal. */
const CLEAR_SCREEN = '\x1b[2J\x1b[3J\x1b[H';

async function quiz(words: string[]): Promise<void> {
  await promptLine('Press Enter when you have written them down (the screen will be cleared). ');
  // Clear screen and scrollback so the answers come from the paper, not the terminal.
  terminal().write(CLEAR_SCREEN);
  try {
    await askWords(words);
  } finally {
    // The typed answers are recovery words too, echoed where the prompts are: confirmed, refused or
    // cancelled, none stays on screen.
    terminal().write(CLEAR_SCREEN);
  }
}

async function askWords(words: string[]): Promise<void> {
  const positions = new Set<number>();
  while (positions.size < QUIZ_WORDS) positions.add(randomInt(words.length));
  for (const p of [...positions].sort((a, b) => a - b)) {
    let ok = false;
    for (let attempt = 0; attempt < ATTEMPTS && !ok; attempt++) {
      ok = (await promptLine(`Word #${p + 1}: `)).trim().toLowerCase() === words[p];
      if (!ok) terminal().write('That does not match.\n');
    }
    if (!ok) throw new CliError('the recovery words were not confirmed; nothing was saved (run create again for new words)', EXIT.usage);
  }
}
