import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from './helpers/cli-process.js';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const PASSWORD = 'correct horse battery staple';

/** Flips the case of one letter so an EIP-55 checksum no longer matches. */
const breakChecksum = (a: string): string => {
  const i = [...a].findIndex((c, j) => j > 1 && /[a-fA-F]/.test(c));
  const c = a[i]!;
  return a.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + a.slice(i + 1);
};

/** One clear line on stderr, nothing on stdout, and the expected non-zero code. */
function expectError(r: CliResult, code: number, message: RegExp): void {
  expect(r.code).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
}

describe('hackcoin wallet CLI errors', { timeout: 120_000 }, () => {
  let node: TestNode;
  let dataDir: string;
  let address = '';
  let mnemonic = '';
  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    runCli(args, { env: { DATA_DIR: dataDir, HACKCOIN_NODE: node.url, HACKCOIN_PASSWORD: PASSWORD, HACKCOIN_WALLET: undefined, ...env } });

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-err-'));
    const r = await cli(['wallet', 'create', '--yes-i-saved-it', '--json']);
    if (r.code !== 0) throw new Error(r.stderr);
    ({ address, mnemonic } = r.json());
    await node.api('/api/mining/generate', { body: { count: 1, address } });
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
    removeDir(dataDir);
  });

  it('wrong password: exit 4, says so, sends nothing', async () => {
    const other = address.toLowerCase();
    expectError(await cli(['wallet', 'send', other, '1'], { HACKCOIN_PASSWORD: 'not the password' }), 4, /wrong password/);
    const file = join(dataDir, 'pw.txt');
    writeFileSync(file, 'also wrong\n');
    expectError(await cli(['wallet', 'address', 'new', '--password-file', file]), 4, /wrong password/);
    expect((await node.api('/api/mempool')).size).toBe(0);
  });

  it('no password and no terminal: tells the script how to pass one', async () => {
    expectError(await cli(['wallet', 'export', '--unsafe-raw-key'], { HACKCOIN_PASSWORD: undefined }), 2, /HACKCOIN_PASSWORD|--password-file/);
  });

  it('invalid address checksum: exit 2 naming the checksum', async () => {
    expectError(await cli(['wallet', 'send', breakChecksum(address), '1']), 2, /checksum/);
    expectError(await cli(['wallet', 'balance', '--address', breakChecksum(address)]), 2, /checksum/);
    expectError(await cli(['wallet', 'send', '0x1234', '1']), 2, /40 hex digits/);
  });

  it('unknown address, bad amount, bad fee, unknown command: exit 2', async () => {
    const stranger = '0x' + '11'.repeat(20);
    expectError(await cli(['wallet', 'balance', '--address', stranger]), 2, /unknown address .* not in wallet "default"/);
    expectError(await cli(['wallet', 'send', stranger, '1', '--from', stranger]), 2, /not in wallet/);
    expectError(await cli(['wallet', 'send', stranger, '1.123456789']), 2, /invalid amount/);
    expectError(await cli(['wallet', 'send', stranger, '1', '--fee', 'cheap']), 2, /invalid --fee/);
    expectError(await cli(['wallet', 'frobnicate']), 2, /unknown wallet command/);
    expectError(await cli(['wallet', 'balance', '--bogus']), 2, /bogus/);
    expectError(await cli(['wallet', 'balance', '--wallet', 'nobody']), 2, /no wallet "nobody"/);
    expectError(await cli(['wallet', 'list', '--wallet', '../etc']), 2, /invalid wallet name/);
  });

  it('insufficient funds: exit 1 with needed and available amounts', async () => {
    expectError(await cli(['wallet', 'send', '0x' + '22'.repeat(20), '51']), 1, /insufficient funds: needs 51\.\d+ HCK .* available is 50 HCK/);
  });

  it('node unreachable: exit 3 naming the URL', async () => {
    const dead = 'http://127.0.0.1:9';
    expectError(await cli(['wallet', 'balance', '--node', dead]), 3, /cannot reach the node at http:\/\/127\.0\.0\.1:9/);
    expectError(await cli(['wallet', 'send', '0x' + '22'.repeat(20), '1'], { HACKCOIN_NODE: dead }), 3, /cannot reach the node/);
  });

  it('an answer that does not match its route in core API_ROUTES: exit 3 naming the route and field', async () => {
    // A stand-in for a node of another version: it answers the address route with the balance as a number.
    const odd = createServer((req, res) => {
      void fetch(node.url + req.url).then(async (r) => {
        const body = (await r.json()) as Record<string, unknown>;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(req.url!.startsWith('/api/address/') ? { ...body, balance: Number(body.balance) } : body));
      });
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
      expectError(await cli(['wallet', 'balance', '--node', url]), 3, /sent a malformed answer from GET \/api\/address\/:address: balance /);
    } finally {
      odd.close();
    }
  });

  it('a tampered keystore is refused like a wrong password, and never yields keys', async () => {
    const path = join(dataDir, 'wallets', 'default.json');
    const ks = JSON.parse(readFileSync(path, 'utf8'));
    const ct: string = ks.ciphertext;
    ks.ciphertext = (ct[0] === '0' ? '1' : '0') + ct.slice(1);
    writeFileSync(join(dataDir, 'wallets', 'tampered.json'), JSON.stringify(ks));
    const r = await cli(['wallet', 'export', '--unsafe-mnemonic', '--wallet', 'tampered']);
    expectError(r, 4, /wrong password or corrupted keystore/);
    expect(r.stderr).not.toContain(mnemonic.split(' ')[0]! + ' ' + mnemonic.split(' ')[1]!);
  });
});
