import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, EXIT } from './errors.js';
import { parseCli } from './options.js';
import { runCli } from './run.js';
import { existingPassword, newPassword } from './secrets.js';

const WORDS = 'abandon ability able about above absent absorb abstract absurd abuse access accident';

const dirs: string[] = [];
const tmp = (): string => (dirs.push(mkdtempSync(join(tmpdir(), 'hackcoin-cli-secrets-'))), dirs.at(-1)!);
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const options = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCli(['wallet', 'address', ...argv], env, process.cwd());
const refusal = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'resolved', (e: unknown) => e);

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (stdout.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
  const code = await runCli(argv, { DATA_DIR: tmp() });
  vi.restoreAllMocks();
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('--password-file', () => {
  it('is read to its first line, as documented', async () => {
    const file = join(tmp(), 'pw');
    writeFileSync(file, 'two  spaces inside \r\nnotes on the second line\n');
    expect(await existingPassword(options(['--password-file', file]), 'w')).toBe('two  spaces inside ');
    expect(await newPassword(options(['--password-file', file]), 'w')).toBe('two  spaces inside ');
  });

  it('refuses a new password with control characters, which no prompt could take later', async () => {
    const file = join(tmp(), 'pw');
    writeFileSync(file, 'tab\tin the password\n');
    for (const opts of [options(['--password-file', file]), options([], { HACKCOIN_PASSWORD: 'escape\u001b[2J password' })]) {
      const e = await refusal(newPassword(opts, 'w'));
      expect(e).toBeInstanceOf(CliError);
      expect([(e as CliError).message, (e as CliError).exitCode]).toEqual(['the password must not contain control characters (tab, escape, a second line…)', EXIT.usage]);
    }
  });
});

describe('secrets typed where they do not belong are not echoed', () => {
  it('refuses recovery words given as arguments to import without repeating them', async () => {
    const r = await run(['wallet', 'import', ...WORDS.split(' ')]);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      EXIT.usage,
      '',
      'error: wallet import takes no arguments (not shown: they may be your secret); give the secret with --secret-file, at the prompt, or on stdin\n',
    ]);
  });

  it('names the flag, not the value, when the file of --secret-file or --password-file cannot be read', async () => {
    for (const [argv, flag, secret] of [
      [['wallet', 'import', '--secret-file', WORDS], 'secret-file', 'abandon'],
      [['wallet', 'create', '--yes-i-saved-it', '--password-file', 'MyS3cretPass'], 'password-file', 'MyS3cretPass'],
    ] as const) {
      const r = await run([...argv]);
      expect([r.code, r.stdout, r.stderr]).toEqual([EXIT.usage, '', `error: cannot read the file given to --${flag} (ENOENT); the path is not shown, in case it is the secret itself\n`]);
      expect(r.stderr).not.toContain(secret);
    }
  });
});
