import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { z } from 'zod';
import { getParams, parseAddress, type NetworkName } from '@hackcoin/core';
import { parseIntensity, type Intensity } from '../mining/intensity.js';

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
  STATE_CACHE_MB: 'state-cache',
  STATE_FLUSH_BLOCKS: 'state-flush-blocks',
  THREADS: 'threads',
  INTENSITY: 'intensity',
  STRATUM_PORT: 'stratum',
  STRATUM_DIFFICULTY: 'stratum-difficulty',
  STRATUM_SHARE_INTERVAL: 'stratum-share-interval',
  STRATUM_MAX_PER_IP: 'stratum-max-per-ip',
  STRATUM_MAX_CONNECTIONS: 'stratum-max-connections',
  METRICS_PORT: 'metrics-port',
  POOL_PAYOUT_CONFIRMATIONS: 'pool-payout-confirmations',
  POOL_PAYOUT_THRESHOLD: 'pool-payout-threshold',
  POOL_URL: 'pool',
  POOL_WORKER: 'worker',
  P2P: 'p2p',
  P2P_PORT: 'p2p-port',
  BOOTSTRAP_NODES: 'bootstrap-nodes',
  MAX_OUTBOUND: 'max-outbound',
  MAX_INBOUND: 'max-inbound',
  BAN_TIME: 'ban-time',
  RATE_LIMIT: 'rate-limit',
  TRUST_PROXY: 'trust-proxy',
  API_VHOSTS: 'api-vhosts',
  WS_ORIGINS: 'ws-origins',
} as const;

type Key = keyof typeof KEYS;

/** Who the public API rate limits apply to: clients other than loopback (default), everyone, or nobody. */
export const RATE_LIMIT_MODES = ['remote', 'all', 'off'] as const;
export type RateLimitMode = (typeof RATE_LIMIT_MODES)[number];

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
  /** Bytes of state-tree nodes kept in memory (Core's -dbcache): used only as the state grows. */
  stateCacheBytes: number;
  /** Blocks between writes of the state tree; 1 keeps every block's tree provable (an archive node). */
  stateFlushBlocks: number;
  reindex: boolean;
  /** Mining threads; default cores − 1. */
  threads?: number;
  intensity: Intensity;
  /** Stratum v1 pool port; off when undefined. */
  stratumPort?: number;
  stratumDifficulty: number;
  /** Seconds between one miner's shares that the pool's vardiff aims at. */
  stratumShareInterval: number;
  /** Pool connections per IPv4 address or IPv6 /64 (miners behind one NAT or proxy share one). */
  stratumMaxPerIp: number;
  /** Pool connections in all: each holds a file descriptor and buffers. */
  stratumMaxConnections: number;
  /** Prometheus /metrics port; off when undefined. */
  metricsPort?: number;
  poolPayoutConfirmations: number;
  /** Base units a miner's pool balance must reach to be paid; default DEFAULT_PAYOUT_THRESHOLD. */
  poolPayoutThreshold?: bigint;
  /** Mine for this remote Stratum pool (stratum+tcp://host:port) instead of solo. */
  poolUrl?: string;
  poolWorker?: string;
  /** Peer-to-peer networking; off only for isolated single-node runs. */
  p2p: boolean;
  /** Default PORT + 3000; with PORT=0 (tests) also 0, i.e. any free port. */
  p2pPort: number;
  /** `http://host:port` API URLs or multiaddrs with /p2p/<id>. */
  bootstrap: string[];
  maxOutbound: number;
  maxInbound: number;
  /** Seconds a misbehaving peer stays banned. */
  banTime: number;
  rateLimit: RateLimitMode;
  /** Reverse proxies (addresses or CIDR blocks) whose X-Forwarded-For names the client; none by default. */
  trustProxy: string[];
  /** Host names the API, web app and /ws answer to besides localhost, the loopback addresses and HOST; `*` for any. */
  apiVhosts: string[];
  /** Origins (scheme://host[:port]) of other sites whose pages may open /ws; `*` for any. */
  wsOrigins: string[];
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
  STATE_CACHE_MB: z.coerce.number().int().min(4).max(65_536).default(384),
  STATE_FLUSH_BLOCKS: z.coerce.number().int().min(1).max(1_000).default(16),
  THREADS: z.coerce.number().int().min(1).max(256).optional(),
  INTENSITY: z
    .string()
    .default('high')
    .refine((v) => {
      try {
        parseIntensity(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be low, medium, high or a percentage 1–100'),
  STRATUM_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  STRATUM_DIFFICULTY: z.coerce.number().positive().optional(),
  STRATUM_SHARE_INTERVAL: z.coerce.number().min(0.1).max(3600).default(5),
  STRATUM_MAX_PER_IP: z.coerce.number().int().min(1).max(65_536).default(64),
  STRATUM_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(65_536).default(1_024),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  POOL_PAYOUT_CONFIRMATIONS: z.coerce.number().int().min(1).optional(),
  POOL_PAYOUT_THRESHOLD: z.coerce.bigint().min(1n).max(2n ** 64n - 1n).optional(),
  POOL_URL: z.string().regex(/^stratum\+tcp:\/\/[^:/]+:\d+\/?$/, 'must look like stratum+tcp://host:port').optional(),
  POOL_WORKER: z.string().regex(/^0x[0-9a-fA-F]{40}(\.[\w-]{1,32})?$/, 'must be <0x address>[.rigname]').optional(),
  P2P: z.enum(['true', 'false', '1', '0']).default('true'),
  P2P_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  BOOTSTRAP_NODES: z.string().optional(),
  MAX_OUTBOUND: z.coerce.number().int().min(0).max(64).default(8),
  MAX_INBOUND: z.coerce.number().int().min(0).max(1000).default(64),
  BAN_TIME: z.coerce.number().int().min(1).default(24 * 3600),
  RATE_LIMIT: z.enum(RATE_LIMIT_MODES).default('remote'),
  TRUST_PROXY: z
    .string()
    .default('')
    .refine((v) => listOf(v).every(isAddressOrCidr), 'must be comma-separated IP addresses or CIDR blocks (10.0.0.0/8, fd00::/8)'),
  API_VHOSTS: z
    .string()
    .default('')
    .refine((v) => listOf(v).every(isHostSpec), 'must be comma-separated host names or IP addresses without ports (node.example.com, 192.0.2.7), or *'),
  WS_ORIGINS: z
    .string()
    .default('')
    .refine((v) => listOf(v).every(isOriginSpec), 'must be comma-separated origins (https://wallet.example.com, http://192.0.2.7:8080), or *'),
});

function listOf(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

function isAddressOrCidr(spec: string): boolean {
  const [addr, bits, ...rest] = spec.split('/');
  const family = isIP(addr ?? '');
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** A name as a Host header carries it, without the port: letters, digits, dots, hyphens; or an IP address. */
function isHostSpec(spec: string): boolean {
  if (spec === '*' || isIP(spec) !== 0) return true;
  if (spec.startsWith('[') && spec.endsWith(']')) return isIP(spec.slice(1, -1)) === 6;
  return /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/i.test(spec);
}

/** An origin as a browser sends it: http(s), host, optional port, nothing more. */
function isOriginSpec(spec: string): boolean {
  if (spec === '*') return true;
  try {
    const url = new URL(spec);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === spec.toLowerCase().replace(/\/$/, '');
  } catch {
    return false;
  }
}

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
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    config: { type: 'string' },
    reindex: { type: 'boolean' },
    // The seed's spelling of --bootstrap-nodes.
    bootstrap: { type: 'string' },
  };
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
    if (key === 'BOOTSTRAP_NODES' && typeof values.bootstrap === 'string') fromFlags[key] = values.bootstrap;
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
  if (c.POOL_URL && !(c.POOL_WORKER ?? c.MINING_ADDRESS)) throw new ConfigError('invalid POOL_WORKER: --pool needs --worker 0xADDR.rig (or MINING_ADDRESS)');
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
    stateCacheBytes: c.STATE_CACHE_MB * 1024 * 1024,
    stateFlushBlocks: c.STATE_FLUSH_BLOCKS,
    reindex: values.reindex === true,
    threads: c.THREADS,
    intensity: parseIntensity(c.INTENSITY),
    stratumPort: c.STRATUM_PORT,
    // Regtest blocks need ~2 hashes: shares must be easy there too.
    stratumDifficulty: c.STRATUM_DIFFICULTY ?? (c.NETWORK === 'regtest' ? 1e-9 : 0.01),
    stratumShareInterval: c.STRATUM_SHARE_INTERVAL,
    stratumMaxPerIp: c.STRATUM_MAX_PER_IP,
    stratumMaxConnections: c.STRATUM_MAX_CONNECTIONS,
    metricsPort: c.METRICS_PORT,
    poolPayoutConfirmations: c.POOL_PAYOUT_CONFIRMATIONS ?? (c.NETWORK === 'regtest' ? 1 : 10),
    poolPayoutThreshold: c.POOL_PAYOUT_THRESHOLD,
    poolUrl: c.POOL_URL,
    poolWorker: c.POOL_WORKER ?? (c.POOL_URL && c.MINING_ADDRESS ? c.MINING_ADDRESS : undefined),
    p2p: c.P2P === 'true' || c.P2P === '1',
    p2pPort: c.P2P_PORT ?? (c.PORT === 0 || c.PORT + 3000 > 65535 ? 0 : c.PORT + 3000),
    bootstrap: (c.BOOTSTRAP_NODES ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x.length > 0),
    maxOutbound: c.MAX_OUTBOUND,
    maxInbound: c.MAX_INBOUND,
    banTime: c.BAN_TIME,
    rateLimit: c.RATE_LIMIT,
    trustProxy: listOf(c.TRUST_PROXY),
    apiVhosts: listOf(c.API_VHOSTS),
    wsOrigins: listOf(c.WS_ORIGINS),
  };
}
