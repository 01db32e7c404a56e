import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';
import { removeDir, startNode, TEST_TOKEN, type TestNode } from './helpers/node-process.js';

const TO = '0x' + '55'.repeat(20);

/**
 * What the CLI remembers between runs, since a proof only shows the node's own chain and MIN_CHAIN_WORK
 * pins none: the most work it verified per network, and the highest nonce it signed per address.
 */
describe('hackcoin wallet trust on first use', { timeout: 120_000 }, () => {
  let node: TestNode;
  let dataDir: string;
  let me = '';
  const cli = (args: string[], opts: { url?: string; dir?: string } = {}) =>
    runCli([...args, '--json'], {
      env: { DATA_DIR: opts.dir ?? dataDir, HACKCOIN_NODE: opts.url ?? node.url, HACKCOIN_PASSWORD: 'correct horse battery staple', HACKCOIN_WALLET: undefined, HACKCOIN_TOKEN: TEST_TOKEN, HACKCOIN_NETWORK: undefined, HACKCOIN_MAX_FEE: undefined },
    });

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-trust-'));
    me = (await cli(['wallet', 'create', '--yes-i-saved-it', '--words', '12'])).json().address;
    await cli(['generate', '4']);
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
    removeDir(dataDir);
  });

  it('refuses a node whose verified chain has less work than one verified before, naming both', async () => {
    const first = await cli(['wallet', 'balance', '--verify']);
    expect(first.code, first.stderr).toBe(0);
    const work = first.json().addresses[0].verified.chainWork as string;
    expect(JSON.parse(readFileSync(join(dataDir, 'cli-chains.json'), 'utf8')).regtest).toMatchObject({ chainWork: work, height: 4, node: node.url });
    // A fresh chain from genesis, as a node forging one at the easiest target serves.
    const short = await startNode({ env: { P2P: 'false' } });
    try {
      const r = await cli(['wallet', 'balance', '--verify'], { url: short.url });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`node ${short.url} serves a regtest chain with work [0-9a-f]+ \\(height 0\\), less than the work ${work} \\(height 4, from ${node.url}\\) this CLI verified before: refusing it`));
    } finally {
      await short.stop();
      removeDir(short.dataDir);
    }
  });

  it('asks before signing when the proven nonce counts transactions this CLI did not sign', async () => {
    const sent = await cli(['wallet', 'send', TO, '1', '--yes']);
    expect(sent.code, sent.stderr).toBe(0);
    await cli(['generate', '1']);
    // Another data directory holding the same key: it never signed from this address.
    const other = mkdtempSync(join(tmpdir(), 'hackcoin-cli-trust-other-'));
    try {
      mkdirSync(join(other, 'wallets'), { mode: 0o700 });
      copyFileSync(join(dataDir, 'wallets', 'default.json'), join(other, 'wallets', 'default.json'));
      const refused = await cli(['wallet', 'send', TO, '1'], { dir: other });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toContain(`claims ${me} has sent 1 transaction(s) on regtest`);
      expect(refused.stderr).toContain('but this CLI never signed from it here: it claims transactions this CLI did not sign: refusing to sign (--yes');
      const confirmed = await cli(['wallet', 'send', TO, '1', '--yes'], { dir: other });
      expect(confirmed.code, confirmed.stderr).toBe(0);
      expect(confirmed.stderr).toContain('warning: node');
      expect(confirmed.json().nonce).toBe('1');
      await cli(['generate', '1']);
      // Back in the first directory, which signed only nonce 0: nonce 1 is not its own.
      const jumped = await cli(['wallet', 'send', TO, '1']);
      expect(jumped.code).toBe(3);
      expect(jumped.stderr).toContain(`has sent 2 transaction(s) on regtest`);
      expect(jumped.stderr).toContain('but this CLI signed only up to nonce 0 here');
      // Its own next send, once told, is remembered: no question the time after.
      expect((await cli(['wallet', 'send', TO, '1', '--yes'])).code).toBe(0);
      await cli(['generate', '1']);
      const again = await cli(['wallet', 'send', TO, '1']);
      expect(again.code, again.stderr).toBe(0);
    } finally {
      removeDir(other);
    }
  });

  it('names the node and the reason when it fails mid-verification (exit 3), not a crash', async () => {
    const broken: Server = createServer(async (req, res) => {
      if (req.url!.startsWith('/api/headers')) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
        return;
      }
      const upstream = await fetch(`${node.url}${req.url}`);
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
    try {
      const r = await cli(['wallet', 'balance', '--verify'], { url });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain(`node ${url} failed while its chain was verified: /api/headers answered 500`);
    } finally {
      broken.close();
    }
  });
});
