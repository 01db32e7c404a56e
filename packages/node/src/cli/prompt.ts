import { openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { WriteStream } from 'node:tty';
import { CliError, EXIT } from './errors.js';

/**
 * Whether someone can answer: stdin alone decides. With `2>log` at a terminal the user is still there,
 * so the confirmation is still asked, on the terminal (below), not skipped.
 */
export const interactive = (): boolean => process.stdin.isTTY === true;

let controllingTerminal: WriteStream | undefined;

/**
 * Where prompts, and what only the user may read (recovery words), are written: stderr when it is the
 * terminal, else the terminal itself (/dev/tty), so `2>log` neither hides a question nor files a secret.
 * stdout stays clean for results and --json.
 */
export function terminal(): NodeJS.WritableStream {
  if (process.stderr.isTTY) return process.stderr;
  if (!controllingTerminal) {
    let fd: number;
    try {
      fd = openSync('/dev/tty', 'w');
    } catch {
      throw new CliError('nowhere to ask: stderr is not a terminal and /dev/tty cannot be opened; see --help for the script options (--yes, HACKCOIN_PASSWORD…)', EXIT.usage);
    }
    controllingTerminal = new WriteStream(fd);
    // Held for later prompts, but no reason to keep the process alive.
    controllingTerminal.unref();
  }
  return controllingTerminal;
}

function ask(question: string, hidden: boolean): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('this needs a terminal (stdin is not a TTY); see --help for the script options', EXIT.usage);
  const term = terminal();
  // A hidden prompt hands readline a sink as output, so typed characters are never echoed anywhere.
  const output = hidden ? new Writable({ write: (_chunk, _enc, cb) => cb() }) : term;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Only now, with the terminal in raw mode, is a hidden prompt shown: keys typed earlier would be echoed by the TTY itself.
  // A visible prompt goes through readline, which redraws the line and would otherwise erase it.
  if (hidden) term.write(question);
  return new Promise<string>((resolve, reject) => {
    let done = false;
    rl.on('SIGINT', () => {
      done = true;
      rl.close();
      term.write('\n');
      reject(new CliError('cancelled', EXIT.cancelled));
    });
    rl.on('close', () => {
      if (!done) reject(new CliError('cancelled (end of input)', EXIT.cancelled));
    });
    rl.question(hidden ? '' : question, (answer) => {
      done = true;
      rl.close();
      if (hidden) term.write('\n');
      resolve(answer);
    });
  });
}

export const promptHidden = (question: string): Promise<string> => ask(question, true);
export const promptLine = (question: string): Promise<string> => ask(question, false);

export async function confirm(question: string): Promise<boolean> {
  const a = (await promptLine(`${question} [y/N] `)).trim().toLowerCase();
  return a === 'y' || a === 'yes';
}

/** Reads all of a piped stdin (for `import < phrase.txt`). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
