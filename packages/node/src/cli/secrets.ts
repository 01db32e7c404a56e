import { readFileSync } from 'node:fs';
import { CliError, EXIT, usageError } from './errors.js';
import type { CliOptions } from './options.js';
import { promptHidden } from './prompt.js';

/** Short enough to type, long enough that the scrypt cost is not the only defence. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * The text of the file `flag` names. The path is left out of the error: a user who typed the secret
 * itself where the path goes would see it echoed, and logged with the error.
 */
function readSecretFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read the file given to --${flag} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'}); the path is not shown, in case it is the secret itself`);
  }
}

/** Where a script's password comes from, if anywhere: --password-file beats HACKCOIN_PASSWORD. */
function scriptedPassword(opts: CliOptions): string | undefined {
  const file = opts.flags['password-file'];
  // The first line, as documented; spaces in it may be part of the password.
  if (file !== undefined) return readSecretFile(file, 'password-file').split(/\r?\n/)[0]!;
  const env = opts.env.HACKCOIN_PASSWORD;
  return env !== undefined && env !== '' ? env : undefined;
}

const CONTROL = /[\x00-\x1f\x7f-\x9f]/;

const NO_TTY = 'no password: run in a terminal, or set HACKCOIN_PASSWORD or --password-file for scripts';

/** The password of an existing keystore. */
export async function existingPassword(opts: CliOptions, walletName: string): Promise<string> {
  const scripted = scriptedPassword(opts);
  if (scripted !== undefined) return scripted;
  if (!process.stdin.isTTY) throw new CliError(NO_TTY, EXIT.usage);
  return promptHidden(`Password for wallet "${walletName}": `);
}

/** A password for a new keystore: typed twice at a terminal, once from a script. */
export async function newPassword(opts: CliOptions, walletName: string): Promise<string> {
  let pw = scriptedPassword(opts);
  if (pw === undefined) {
    if (!process.stdin.isTTY) throw new CliError(NO_TTY, EXIT.usage);
    pw = await promptHidden(`New password for wallet "${walletName}" (min ${MIN_PASSWORD_LENGTH} characters): `);
    if (pw.length >= MIN_PASSWORD_LENGTH && (await promptHidden('Repeat the password: ')) !== pw) {
      throw usageError('the two passwords differ; nothing was saved');
    }
  }
  if (pw.length < MIN_PASSWORD_LENGTH) throw usageError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  // Such a password could not be typed at the prompt that unlocks the wallet later.
  if (CONTROL.test(pw)) throw usageError('the password must not contain control characters (tab, escape, a second line…)');
  return pw;
}

/** Optional BIP39 passphrase ("25th word"): only when asked for, from HACKCOIN_BIP39_PASSPHRASE or the terminal. */
export async function bip39Passphrase(opts: CliOptions): Promise<string> {
  if (opts.flags['bip39-passphrase'] !== true) return '';
  const env = opts.env.HACKCOIN_BIP39_PASSPHRASE;
  if (env !== undefined && env !== '') return env;
  if (!process.stdin.isTTY) throw usageError('--bip39-passphrase needs a terminal or HACKCOIN_BIP39_PASSPHRASE');
  const p = await promptHidden('BIP39 passphrase (part of the secret: without it the words open a different wallet): ');
  if ((await promptHidden('Repeat the passphrase: ')) !== p) throw usageError('the two passphrases differ; nothing was saved');
  return p;
}

export { readSecretFile };
