import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from './config.js';

function dirWithConf(lines: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hackcoin-conf-'));
  writeFileSync(join(dir, 'hackcoin.conf'), lines);
  return dir;
}

describe('configuration precedence: flag > env > file > default', () => {
  it('uses defaults', () => {
    const c = loadConfig([], {});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(3001);
    expect(c.network).toBe('main');
    expect(c.dataDir).toMatch(/data[/\\]main$/);
  });

  it('layers file, env and flags', () => {
    const dir = dirWithConf('# comment\nPORT=4000\nHOST=127.0.0.2\nNETWORK=regtest\n');
    const fileOnly = loadConfig([], { DATA_DIR: dir });
    expect(fileOnly.port).toBe(4000);
    expect(fileOnly.host).toBe('127.0.0.2');
    expect(fileOnly.network).toBe('regtest');
    const env = loadConfig([], { DATA_DIR: dir, PORT: '5000' });
    expect(env.port).toBe(5000);
    expect(env.host).toBe('127.0.0.2');
    const flag = loadConfig(['--port', '6000'], { DATA_DIR: dir, PORT: '5000' });
    expect(flag.port).toBe(6000);
  });

  it('takes RATE_LIMIT as remote (default), all or off', () => {
    expect(loadConfig([], {}).rateLimit).toBe('remote');
    expect(loadConfig(['--rate-limit', 'all'], {}).rateLimit).toBe('all');
    expect(loadConfig([], { RATE_LIMIT: 'off' }).rateLimit).toBe('off');
    expect(() => loadConfig([], { RATE_LIMIT: 'some' })).toThrow(/invalid RATE_LIMIT/);
  });

  it('takes TRUST_PROXY as comma-separated addresses or CIDR blocks, none by default', () => {
    expect(loadConfig([], {}).trustProxy).toEqual([]);
    expect(loadConfig(['--trust-proxy', '127.0.0.1, 10.0.0.0/8,fd00::/8'], {}).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '10.0.0.1/8/2', '10.0.0.0/x']) {
      expect(() => loadConfig([], { TRUST_PROXY: bad })).toThrow(/invalid TRUST_PROXY/);
    }
  });

  it('takes API_VHOSTS as host names or addresses without ports, and WS_ORIGINS as origins; none by default', () => {
    expect([loadConfig([], {}).apiVhosts, loadConfig([], {}).wsOrigins]).toEqual([[], []]);
    const c = loadConfig(['--api-vhosts', 'node.example.com, 192.0.2.7,[fd00::1],*', '--ws-origins', 'https://wallet.example.com,http://192.0.2.7:8080'], {});
    expect(c.apiVhosts).toEqual(['node.example.com', '192.0.2.7', '[fd00::1]', '*']);
    expect(c.wsOrigins).toEqual(['https://wallet.example.com', 'http://192.0.2.7:8080']);
    expect(loadConfig([], { API_VHOSTS: 'a.example', WS_ORIGINS: '*' })).toMatchObject({ apiVhosts: ['a.example'], wsOrigins: ['*'] });
    for (const bad of ['node.example.com:3001', 'http://node.example.com', 'a b', '[node]', 'x/y']) {
      expect(() => loadConfig([], { API_VHOSTS: bad })).toThrow(/invalid API_VHOSTS/);
    }
    for (const bad of ['wallet.example.com', 'https://wallet.example.com/app', 'ftp://x.example', 'null']) {
      expect(() => loadConfig([], { WS_ORIGINS: bad })).toThrow(/invalid WS_ORIGINS/);
    }
  });

  it('takes STATE_FLUSH_BLOCKS (default 16), from 1', () => {
    expect(loadConfig([], {}).stateFlushBlocks).toBe(16);
    expect(loadConfig(['--state-flush-blocks', '1'], {}).stateFlushBlocks).toBe(1);
    expect(() => loadConfig([], { STATE_FLUSH_BLOCKS: '0' })).toThrow(/STATE_FLUSH_BLOCKS/);
  });

  it('takes the pool connection limits STRATUM_MAX_PER_IP (default 64) and STRATUM_MAX_CONNECTIONS (default 1,024)', () => {
    expect([loadConfig([], {}).stratumMaxPerIp, loadConfig([], {}).stratumMaxConnections]).toEqual([64, 1024]);
    const farm = loadConfig(['--stratum-max-per-ip', '500'], { STRATUM_MAX_CONNECTIONS: '4096' });
    expect([farm.stratumMaxPerIp, farm.stratumMaxConnections]).toEqual([500, 4096]);
    expect(() => loadConfig([], { STRATUM_MAX_PER_IP: '0' })).toThrow(/STRATUM_MAX_PER_IP/);
    expect(() => loadConfig([], { STRATUM_MAX_CONNECTIONS: '1.5' })).toThrow(/STRATUM_MAX_CONNECTIONS/);
  });

  it('takes POOL_PAYOUT_THRESHOLD in base units, from 1 (unset: the pool default)', () => {
    expect(loadConfig([], {}).poolPayoutThreshold).toBeUndefined();
    expect(loadConfig(['--pool-payout-threshold', '25000000'], {}).poolPayoutThreshold).toBe(25_000_000n);
    expect(() => loadConfig([], { POOL_PAYOUT_THRESHOLD: '0' })).toThrow(/POOL_PAYOUT_THRESHOLD/);
    expect(() => loadConfig([], { POOL_PAYOUT_THRESHOLD: '0.5' })).toThrow(/POOL_PAYOUT_THRESHOLD/);
  });

  it('takes STATE_CACHE_MB in MiB (default 384), from 4', () => {
    expect(loadConfig([], {}).stateCacheBytes).toBe(384 * 1024 * 1024);
    expect(loadConfig(['--state-cache', '64'], {}).stateCacheBytes).toBe(64 * 1024 * 1024);
    expect(() => loadConfig([], { STATE_CACHE_MB: '2' })).toThrow(/STATE_CACHE_MB/);
  });

  it('reads --config FILE', () => {
    const dir = dirWithConf('MIN_FEE_RATE=7\n');
    expect(loadConfig(['--config', join(dir, 'hackcoin.conf')], {}).minFeeRate).toBe(7n);
  });

  it('rejects bad values naming the key', () => {
    expect(() => loadConfig(['--port', 'abc'], {})).toThrow(/PORT/);
    expect(() => loadConfig([], { NETWORK: 'moon' })).toThrow(/NETWORK/);
    expect(() => loadConfig([], { MINING_ADDRESS: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' })).toThrow(/MINING_ADDRESS.*checksum/);
    expect(() => loadConfig(['--bogus'], {})).toThrow(ConfigError);
    expect(() => loadConfig([], { DATA_DIR: dirWithConf('NOPE=1\n') })).toThrow(/unknown key NOPE/);
  });
});
