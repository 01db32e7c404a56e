import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_ENTRY } from './node-process.js';

const BIN = resolve(fileURLToPath(import.meta.url), '../../../bin/hackcoin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json: () => any;
}

/** Runs `hackcoin` as a real process with a piped (non-TTY) stdin, as a script would. */
export function runCli(args: string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> {
  return new Promise((res, rej) => {
    // The same entry as the node processes (see node-process.ts): compiled unless HACKCOIN_NODE_ENTRY=src.
    const env: Record<string, string | undefined> = { ...process.env, HACKCOIN_NODE_ENTRY: NODE_ENTRY, ...opts.env };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const p = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', rej);
    p.on('close', (code) => res({ code, stdout, stderr, json: () => JSON.parse(stdout) }));
    p.stdin.end(opts.input ?? '');
  });
}
