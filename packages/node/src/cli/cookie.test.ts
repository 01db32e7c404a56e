import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cookieToken } from './cookie.js';

describe('the node cookie as the CLI token', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const withCookie = (text: string, port?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'hackcoin-cookie-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.cookie'), text, { mode: 0o600 });
    if (port !== undefined) writeFileSync(join(dir, '.cookie-port'), port, { mode: 0o600 });
    return dir;
  };

  it('is read for a node on this host, by any loopback name, at the port the node recorded', () => {
    const dir = withCookie('abc123def456abc123def456\n', '40123\n');
    for (const url of ['http://127.0.0.1:40123', 'http://localhost:40123', 'http://127.0.0.7:40123', 'http://[::1]:40123', 'https://LOCALHOST:40123']) {
      expect(cookieToken(url, dir)).toBe('abc123def456abc123def456');
    }
  });

  it('is not sent to another loopback port, where any local user may listen', () => {
    const dir = withCookie('abc123def456abc123def456\n', '40123\n');
    for (const url of ['http://127.0.0.1:3001', 'http://localhost:18443', 'http://[::1]:40124', 'http://127.0.0.1']) {
      expect(cookieToken(url, dir)).toBeUndefined();
    }
    // A cookie from a node that recorded no port (an older one) goes only to the default port.
    const old = withCookie('abc123def456abc123def456\n');
    expect(cookieToken('http://127.0.0.1:3001', old)).toBe('abc123def456abc123def456');
    expect(cookieToken('http://127.0.0.1:40123', old)).toBeUndefined();
    // Unreadable as a port: nothing is sent.
    expect(cookieToken('http://127.0.0.1:3001', withCookie('abc123def456abc123def456\n', 'x'))).toBeUndefined();
  });

  it('is never sent to a node elsewhere, nor made up when there is none', () => {
    const dir = withCookie('abc123def456abc123def456\n');
    for (const url of ['http://203.0.113.5:3001', 'http://example.com', 'http://127.0.0.1.example.com:3001', 'http://localhost.evil:80']) {
      expect(cookieToken(url, dir)).toBeUndefined();
    }
    expect(cookieToken('http://127.0.0.1:3001', join(dir, 'missing'))).toBeUndefined();
  });
});
