import { parseArgs } from 'node:util';
import { isAbsolute, resolve } from 'node:path';
import { cookieToken } from './cookie.js';
import { usageError } from './errors.js';

/** Every flag of every command; commands read the ones they understand. One table keeps `--help` and parsing in step. */
const OPTIONS = {
  wallet: { type: 'string' },
  'data-dir': { type: 'string' },
  node: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  'password-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  yes: { type: 'boolean', short: 'y' },
  // create / import
  words: { type: 'string' },
  'yes-i-saved-it': { type: 'boolean' },
  'bip39-passphrase': { type: 'boolean' },
  'secret-file': { type: 'string' },
  addresses: { type: 'string' },
  // address / list
  label: { type: 'string' },
  account: { type: 'string' },
  verify: { type: 'boolean' },
  // balance / history / send / export
  address: { type: 'string' },
  from: { type: 'string' },
  fee: { type: 'string' },
  page: { type: 'string' },
  before: { type: 'string' },
  limit: { type: 'string' },
  'dry-run': { type: 'boolean' },
  confirmations: { type: 'string' },
  network: { type: 'string' },
  'max-fee': { type: 'string' },
  out: { type: 'string' },
  'unsafe-raw-key': { type: 'boolean' },
  'unsafe-mnemonic': { type: 'boolean' },
  // contract
  args: { type: 'string' },
  value: { type: 'string' },
  'gas-limit': { type: 'string' },
  'gas-price': { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>>['values'];

export interface CliOptions {
  positionals: string[];
  flags: Values;
  walletName: string;
  /** True when --wallet was given, so `list` can show only that wallet. */
  walletExplicit: boolean;
  dataDir: string;
  nodeUrl: string;
  /** The node's API token (control routes): --token, else env HACKCOIN_TOKEN. */
  token?: string;
  json: boolean;
  env: NodeJS.ProcessEnv;
}

export const DEFAULT_NODE = 'http://127.0.0.1:3001';
const WALLET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseCli(argv: string[], env: NodeJS.ProcessEnv, cwd: string): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError(`${(e as Error).message} (see hackcoin wallet --help)`);
  }
  const flags = parsed.values;
  const walletName = flags.wallet ?? env.HACKCOIN_WALLET ?? 'default';
  // The name becomes a file name: no separators, no dot files, no traversal.
  if (!WALLET_NAME.test(walletName)) throw usageError(`invalid wallet name "${walletName}": use letters, digits, "-", "_" or "." (max 64)`);
  // Same default as the node's DATA_DIR on its default network, and relative to where npm was invoked.
  const base = env.INIT_CWD ?? cwd;
  const dir = flags['data-dir'] ?? (env.DATA_DIR || undefined) ?? 'data/main';
  const nodeUrl = (flags.node ?? (env.HACKCOIN_NODE || undefined) ?? DEFAULT_NODE).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(nodeUrl)) throw usageError(`invalid --node "${nodeUrl}": expected http://host:port`);
  const dataDir = isAbsolute(dir) ? dir : resolve(base, dir);
  const token = flags.token ?? (env.HACKCOIN_TOKEN || undefined) ?? cookieToken(nodeUrl, dataDir);
  return {
    positionals: parsed.positionals,
    flags,
    walletName,
    walletExplicit: flags.wallet !== undefined || env.HACKCOIN_WALLET !== undefined,
    dataDir,
    nodeUrl,
    ...(token ? { token } : {}),
    json: flags.json === true,
    env,
  };
}

export function intFlag(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw usageError(`invalid --${name} "${value}": expected a whole number`);
  const n = Number(value);
  if (n < min || n > max) throw usageError(`invalid --${name} ${n}: must be between ${min} and ${max}`);
  return n;
}

/** Positional arguments after the command words, exactly `count` of them. */
export function takeArgs(opts: CliOptions, skip: number, names: string[]): string[] {
  const rest = opts.positionals.slice(skip);
  if (rest.length !== names.length) {
    const what = names.length === 0 ? 'no arguments' : names.map((n) => `<${n}>`).join(' ');
    throw usageError(`expected ${what}, got ${rest.length === 0 ? 'none' : `"${rest.join(' ')}"`}`);
  }
  return rest;
}

