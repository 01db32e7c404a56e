import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { getParams, parseAddress, type NetworkName } from '@hackcoin/core';

/**
 * Every setting has one key, usable as an environment variable, as a
 * `--kebab-case` flag, and as a KEY=value line in DATA_DIR/hackcoin.conf
 * (or --config FILE). Precedence: flag > env > file > default.
 */
const KEYS = {
  HOST: 'host',
  PORT: 'port',
  DATA_DIR: 'data-dir',
  NETWORK: 'network',
  MINING_ADDRESS: 'mining-address',
  API_TOKEN: 'api-token',
  MEMPOOL_MAX_TXS: 'mempool-max-txs',
  MIN_FEE_RATE: 'min-fee-rate',
} as const;

type Key = keyof typeof KEYS;

export interface NodeConfig {
  host: string;
  port: number;
  dataDir: string;
  network: NetworkName;
  miningAddress?: string;
  apiToken?: string;
  mempoolMaxTxs: number;
  /** Minimum relay fee in base units per byte of encoded transaction. */
  minFeeRate: bigint;
  reindex: boolean;
}

const schema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DATA_DIR: z.string().min(1).optional(),
  NETWORK: z.enum(['main', 'test', 'regtest']).default('main'),
  MINING_ADDRESS: z
    .string()
    .refine((a) => {
      try {
        parseAddress(a);
        return true;
      } catch {
        return false;
      }
    }, 'must be a 0x address with a valid EIP-55 checksum')
    .optional(),
  API_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MEMPOOL_MAX_TXS: z.coerce.number().int().min(10).default(50_000),
  MIN_FEE_RATE: z.coerce.bigint().min(0n).default(1n),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function parseConfFile(path: string): Partial<Record<Key, string>> {
  const out: Partial<Record<Key, string>> = {};
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) throw new ConfigError(`${path}:${i + 1}: expected KEY=value`);
    const key = line.slice(0, eq).trim().toUpperCase().replace(/-/g, '_');
    if (!(key in KEYS)) throw new ConfigError(`${path}:${i + 1}: unknown key ${key}`);
    out[key as Key] = line.slice(eq + 1).trim();
  });
  return out;
}

export function loadConfig(argv: string[], env: NodeJS.ProcessEnv): NodeConfig {
  const options: Record<string, { type: 'string' | 'boolean' }> = { config: { type: 'string' }, reindex: { type: 'boolean' } };
  for (const flag of Object.values(KEYS)) options[flag] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }

  const fromFlags: Partial<Record<Key, string>> = {};
  const fromEnv: Partial<Record<Key, string>> = {};
  for (const [key, flag] of Object.entries(KEYS) as [Key, string][]) {
    const v = values[flag];
    if (typeof v === 'string') fromFlags[key] = v;
    const e = env[key];
    if (e !== undefined && e !== '') fromEnv[key] = e;
  }

  // `npm start` runs in the package folder; npm's INIT_CWD is where the user typed it.
  const base = env.INIT_CWD ?? process.cwd();
  const network = fromFlags.NETWORK ?? fromEnv.NETWORK ?? 'main';
  const dataDirGuess = resolve(base, fromFlags.DATA_DIR ?? fromEnv.DATA_DIR ?? join('data', network));
  const confPath = typeof values.config === 'string' ? resolve(values.config) : join(dataDirGuess, 'hackcoin.conf');
  if (typeof values.config === 'string' && !existsSync(confPath)) throw new ConfigError(`config file not found: ${confPath}`);
  const fromFile = existsSync(confPath) ? parseConfFile(confPath) : {};

  const merged = { ...fromFile, ...fromEnv, ...fromFlags };
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid ${String(issue.path[0])}: ${issue.message}`);
  }
  const c = parsed.data;
  getParams(c.NETWORK);
  return {
    host: c.HOST,
    port: c.PORT,
    dataDir: resolve(base, c.DATA_DIR ?? join('data', c.NETWORK)),
    network: c.NETWORK,
    miningAddress: c.MINING_ADDRESS,
    apiToken: c.API_TOKEN,
    mempoolMaxTxs: c.MEMPOOL_MAX_TXS,
    minFeeRate: c.MIN_FEE_RATE,
    reindex: values.reindex === true,
  };
}
