import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { CliError, EXIT } from './errors.js';

/** Prompts go to stderr so stdout stays clean for results and --json. */
export const interactive = (): boolean => process.stdin.isTTY === true && process.stderr.isTTY === true;

function ask(question: string, hidden: boolean): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('this needs a terminal (stdin is not a TTY); see --help for the script options', EXIT.usage);
  // A hidden prompt hands readline a sink as output, so typed characters are never echoed anywhere.
  const output = hidden ? new Writable({ write: (_chunk, _enc, cb) => cb() }) : process.stderr;
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  // Only now, with the terminal in raw mode, is a hidden prompt shown: keys typed earlier would be echoed by the TTY itself.
  // A visible prompt goes through readline, which redraws the line and would otherwise erase it.
  if (hidden) process.stderr.write(question);
  return new Promise<string>((resolve, reject) => {
    let done = false;
    rl.on('SIGINT', () => {
      done = true;
      rl.close();
      process.stderr.write('\n');
      reject(new CliError('cancelled', EXIT.cancelled));
    });
    rl.on('close', () => {
      if (!done) reject(new CliError('cancelled (end of input)', EXIT.cancelled));
    });
    rl.question(hidden ? '' : question, (answer) => {
      done = true;
      rl.close();
      if (hidden) process.stderr.write('\n');
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
