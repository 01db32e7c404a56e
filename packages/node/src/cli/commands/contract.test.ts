import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETWORKS, bytesToHex, formatAddress, sha256, type ContractAction } from '@hackcoin/core';
import { CliError, EXIT } from '../errors.js';
import { runCli } from '../run.js';
import { describeAction, pickGasPrice } from './contract.js';

const CONTRACT = formatAddress(new Uint8Array(20).fill(7));
const TXID = 'ab'.repeat(32);
const FORGED = `Sent 1000 HCK to ${formatAddress(new Uint8Array(20).fill(9))}`;
const PADDED = `ok${' '.repeat(200)}${FORGED}`;

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A node on a free local port answering every request with `body` (raw JSON text). */
async function nodeAnswering(body: string): Promise<string> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => (stdout.push(String(c)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (stderr.push(String(c)), true));
  const dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-contract-'));
  dirs.push(dataDir);
  const code = await runCli(argv, { DATA_DIR: dataDir });
  vi.restoreAllMocks();
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

function receiptAnswer(receipt: Record<string, unknown>): string {
  return JSON.stringify({
    id: TXID,
    type: 'transfer',
    size: 200,
    chainId: 1,
    to: CONTRACT,
    amount: '0',
    status: 'confirmed',
    blockHash: 'cd'.repeat(32),
    blockHeight: 5,
    confirmations: 1,
    receipt: { status: 'success', gasUsed: 21000, gasPrice: '1', fee: '21000', contractAddress: CONTRACT, events: [], ...receipt },
  });
}

describe('contract output of text a contract chose', () => {
  it('writes a space-padded revert reason out quoted, so it cannot wrap a forged line onto the screen', async () => {
    const url = await nodeAnswering(JSON.stringify({ status: 'reverted', gasUsed: 1, height: 1, revertReason: PADDED }));
    const r = await run(['wallet', 'contract', 'call', CONTRACT, 'transfer', '--node', url]);
    expect(r.code).toBe(EXIT.error);
    expect(r.stderr).toBe(`error: transfer reverted: "ok⟨200 spaces⟩${FORGED}" (read-only call, nothing was sent)\n`);
  });

  it('writes out padding in return values, event names and event data, and caps each', async () => {
    const tx = await nodeAnswering(receiptAnswer({ returnValue: [PADDED], events: [{ name: PADDED, data: { to: 'x'.repeat(5_000) } }] }));
    const r = await run(['wallet', 'contract', 'receipt', TXID, '--node', tx]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const [, , returned, event] = r.stdout.split('\n');
    expect(returned).toBe(`returned ["ok⟨200 spaces⟩${FORGED}"]`);
    expect(event).toBe(`event "ok⟨200 spaces⟩${FORGED}" {"to":"${'x'.repeat(300 - 8)}…`);
    expect(r.stdout).not.toMatch(/ {2}/);
  });
});

describe('a return value nested 10,000 deep', () => {
  const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

  it('is refused as a node fault (exit 3) by call, receipt and gettransaction --json, not a stack overflow', async () => {
    const call = await nodeAnswering(`{"status":"success","gasUsed":1,"height":1,"returnValue":${deep}}`);
    const tx = await nodeAnswering(receiptAnswer({ returnValue: 1 }).replace('"returnValue":1', `"returnValue":${deep}`));
    for (const [url, argv, path] of [
      [call, ['wallet', 'contract', 'call', CONTRACT, 'get'], '/api/contracts/call'],
      [tx, ['wallet', 'contract', 'receipt', TXID], `/api/tx/${TXID}`],
      [tx, ['gettransaction', TXID, '--json'], `/api/tx/${TXID}`],
    ] as const) {
      const r = await run([...argv, '--node', url]);
      expect([r.code, r.stdout, r.stderr]).toEqual([
        EXIT.node,
        '',
        `error: the node at ${url} answered ${path} with JSON nested deeper than 64 levels: refused; is --node a HackCoin node?\n`,
      ]);
    }
  });
});

describe('the confirmation before a contract transaction is signed', () => {
  it('names the function, its arguments and the contract of an execute', () => {
    expect(describeAction({ type: 'call', contract: CONTRACT, fn: 'transfer', args: ['0xabc', 5] })).toBe(`transfer(["0xabc",5]) on contract ${CONTRACT}`);
  });

  it("gives a deploy's code size and SHA-256 over its UTF-8 bytes, and its init arguments", () => {
    const code = 'export function hi() { return "héllo"; }';
    const bytes = new TextEncoder().encode(code);
    expect(describeAction({ type: 'deploy', code, init: [1] })).toBe(`code of ${bytes.length} bytes, sha256 ${bytesToHex(sha256(bytes))}, init [1]`);
    expect(describeAction({ type: 'deploy', code, init: [] })).toBe(`code of ${bytes.length} bytes, sha256 ${bytesToHex(sha256(bytes))}`);
  });

  it('cuts a long argument list and says how long it was', () => {
    const text = describeAction({ type: 'call', contract: CONTRACT, fn: 'f', args: ['x'.repeat(1_000)] });
    expect(text).toBe(`f(${JSON.stringify(['x'.repeat(1_000)]).slice(0, 240)}… (1004 characters)) on contract ${CONTRACT}`);
  });
});

describe('the gas price a contract transaction is signed with', () => {
  const action: ContractAction = { type: 'call', contract: CONTRACT, fn: 'transfer', args: [formatAddress(new Uint8Array(20).fill(9)), 5] };
  const pick = (gasLimit: number, preset: bigint, typed?: bigint) => pickGasPrice({ params: NETWORKS.regtest, action, gasLimit, value: 0n, minFeeRate: 1n, preset, typed });

  it("raises the node's preset to its relay minimum at the gas limit declared, and keeps a higher one", () => {
    // 50M gas holds a quarter of a block: 500,000 units at 1 a byte, over ~21,800 intrinsic gas.
    expect(pick(50_000_000, 1n)).toEqual({ gasPrice: 23n, raised: true });
    expect(pick(50_000_000, 30n)).toEqual({ gasPrice: 30n, raised: false });
    expect(pick(60_000, 1n)).toEqual({ gasPrice: 1n, raised: false });
  });

  it('refuses a typed --gas-price below that minimum, naming the price that passes, rather than sign what the node refuses', () => {
    expect(pick(50_000_000, 1n, 23n)).toEqual({ gasPrice: 23n, raised: false });
    expect(pick(60_000, 1n, 1n)).toEqual({ gasPrice: 1n, raised: false });
    let err: unknown;
    try {
      pick(50_000_000, 1n, 22n);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(EXIT.usage);
    expect((err as CliError).message).toBe(
      '--gas-price 22 is below 23, the least the node relays this transaction at with gas limit 50000000: it asks 1 base units per byte of the block space ' +
        'a transaction holds, and a declared gas limit holds a byte per 100 gas; give --gas-price 23 or more, or a lower --gas-limit',
    );
  });
});
