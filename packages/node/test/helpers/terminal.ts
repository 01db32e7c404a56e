import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_ENTRY, waitFor } from './node-process.js';

const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/hackcoin.js');

/**
 * `hackcoin <args>` typed at a real terminal: util-linux `script` runs the shell command on a
 * pseudo-terminal (stdin, stdout and stderr all TTYs, as for a user, unless `shell` redirects them)
 * and records everything the terminal showed. `shell` wraps the command: e.g. `cd dir && {} 2>log`.
 */
export function atTerminal(args: string, env: Record<string, string>, shell = '{}') {
  const command = shell.replace('{}', `${process.execPath} ${BIN} ${args}`);
  const p = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, HACKCOIN_NODE_ENTRY: NODE_ENTRY, ...env },
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
