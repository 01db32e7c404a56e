import { CONTRACT_EXAMPLES, NETWORKS, minContractGasPrice } from '@hackcoin/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli-process.js';
import { removeDir, startNode, type TestNode } from './helpers/node-process.js';

const PASSWORD = 'correct horse battery staple';
/** The example token as a file, as a user would deploy it. */
const TOKEN_SOURCE = join(mkdtempSync(join(tmpdir(), 'hackcoin-token-')), 'token.js');
writeFileSync(TOKEN_SOURCE, CONTRACT_EXAMPLES.token);

/** CLI end to end against a real regtest node: create, mine, send, pending → confirmed, history. */
// Every CLI run is a fresh process (tsx start plus a 0.35 s scrypt unlock), hence the generous timeout.
describe('hackcoin wallet CLI end to end', { timeout: 180_000 }, () => {
  let node: TestNode;
  let dataDir: string;
  const secrets: string[] = [];
  const outputs: string[] = [];
  let alice = '';
  let bob = '';

  const cli = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const r = await runCli(args, { env: { DATA_DIR: dataDir, HACKCOIN_NODE: node.url, HACKCOIN_PASSWORD: PASSWORD, HACKCOIN_WALLET: undefined, ...env } });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  const ok = async (args: string[], env?: Record<string, string | undefined>) => {
    const r = await cli([...args, '--json'], env);
    if (r.code !== 0) throw new Error(`hackcoin ${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.json();
  };
  const mine = (count: number, address: string) => node.api('/api/mining/generate', { body: { count, address } });
  const balance = async (wallet: string) => (await ok(['wallet', 'balance', '--wallet', wallet])).total;

  beforeAll(async () => {
    node = await startNode({ env: { P2P: 'false' } });
    dataDir = mkdtempSync(join(tmpdir(), 'hackcoin-cli-'));
  });
  afterAll(async () => {
    await node.stop();
    removeDir(node.dataDir);
    removeDir(dataDir);
  });

  it('creates two wallets non-interactively, keystores mode 0600 under DATA_DIR/wallets', async () => {
    const a = await ok(['wallet', 'create', '--wallet', 'alice', '--yes-i-saved-it']);
    const b = await ok(['wallet', 'create', '--wallet', 'bob', '--words', '12'], { HACKCOIN_YES_I_SAVED_IT: '1' });
    expect(a.mnemonic.split(' ')).toHaveLength(24);
    expect(b.mnemonic.split(' ')).toHaveLength(12);
    expect(a.path).toBe("m/44'/18499'/0'/0/0");
    alice = a.address;
    bob = b.address;
    secrets.push(a.mnemonic, b.mnemonic);
    for (const name of ['alice', 'bob']) {
      const st = statSync(join(dataDir, 'wallets', `${name}.json`));
      expect(st.mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dataDir, 'wallets')).mode & 0o077).toBe(0);

    const list = await ok(['wallet', 'list']);
    expect(list.wallets.map((w: { wallet: string }) => w.wallet)).toEqual(['alice', 'bob']);
    const again = await cli(['wallet', 'create', '--wallet', 'alice', '--yes-i-saved-it']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('refuses to create without the word check unless the script says it saved the words', async () => {
    const r = await cli(['wallet', 'create', '--wallet', 'carol']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/--yes-i-saved-it/);
    expect(r.stdout).toBe('');
  });

  it('mines to the first wallet, sends to the second, pending then confirmed', async () => {
    await mine(3, alice);
    expect(await balance('alice')).toMatchObject({ confirmed: '150', available: '150', pendingOutgoing: '0' });

    const sent = await ok(['wallet', 'send', bob, '12.5', '--wallet', 'alice', '--fee', 'normal']);
    expect(sent).toMatchObject({ from: alice, to: bob, amount: '12.5', nonce: '0', status: 'pending' });
    const fee = sent.fee as string;

    const a = await balance('alice');
    expect(a.confirmed).toBe('150');
    expect(Number(a.pendingOutgoing)).toBeCloseTo(12.5 + Number(fee), 8);
    expect(Number(a.available)).toBeCloseTo(150 - 12.5 - Number(fee), 8);
    expect(await balance('bob')).toMatchObject({ confirmed: '0', pendingIncoming: '12.5', available: '0' });

    const pendingHistory = (await ok(['wallet', 'history', '--wallet', 'bob'])).addresses[0].entries;
    expect(pendingHistory).toHaveLength(1);
    expect(pendingHistory[0]).toMatchObject({ id: sent.txid, status: 'pending', direction: 'in', counterparty: alice, amount: '12.5', confirmations: 0 });

    await mine(1, alice);
    expect(await balance('bob')).toMatchObject({ confirmed: '12.5', pendingIncoming: '0', available: '12.5' });
    await mine(1, alice);
    const h = (await ok(['wallet', 'history', '--wallet', 'bob'])).addresses[0].entries;
    expect(h[0]).toMatchObject({ id: sent.txid, status: 'confirmed', direction: 'in', blockHeight: 4, confirmations: 2 });
    const mineSide = (await ok(['wallet', 'history', '--wallet', 'alice', '--limit', '2'])).addresses[0];
    expect(mineSide.hasMore).toBe(true);
    expect(mineSide.entries.map((e: { type: string }) => e.type)).toEqual(['coinbase', 'transfer']);
    expect(mineSide.entries[1]).toMatchObject({ direction: 'out', counterparty: bob, fee });
    const older = (await ok(['wallet', 'history', '--wallet', 'alice', '--limit', '2', '--before', mineSide.next])).addresses[0];
    expect(older.entries.map((e: { type: string; blockHeight: number }) => [e.type, e.blockHeight])).toEqual([['coinbase', 4], ['coinbase', 3]]);
    const badCursor = await cli(['wallet', 'history', '--wallet', 'alice', '--before', '4:01']);
    expect([badCursor.code, badCursor.stderr]).toEqual([2, expect.stringMatching(/invalid --before "4:01"/)]);

    const text = await cli(['wallet', 'balance', '--wallet', 'bob']);
    expect(text.stdout).toMatch(/available/);
    expect(text.stdout).toContain('12.5');
  });

  it('several pending sends from one address take consecutive nonces and confirm in order', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const s = await ok(['wallet', 'send', bob, `0.${i}`, '--wallet', 'alice', '--fee', String(1000 + i)]);
      expect(s.nonce).toBe(String(i));
      ids.push(s.txid);
    }
    expect((await balance('bob')).pendingIncoming).toBe('1');
    const { height } = await mine(1, bob);
    const block = await node.api(`/api/blocks/${height}`);
    const inBlock = block.transactions.filter((t: { type: string }) => t.type === 'transfer');
    expect(inBlock.map((t: { id: string }) => t.id)).toEqual(ids);
    expect(inBlock.map((t: { nonce: string }) => t.nonce)).toEqual(['1', '2', '3', '4']);
    expect(await balance('bob')).toMatchObject({ pendingIncoming: '0' });
    // 12.5 earlier + 0.1…0.4 now + the block reward with its four fees (1001…1004 units).
    expect((await balance('bob')).confirmed).toBe('63.5000401');
  });

  it('derives a labelled address and lists it, verified against the keys', async () => {
    const a = await ok(['wallet', 'address', 'new', '--wallet', 'bob', '--label', 'savings']);
    expect(a.path).toBe("m/44'/18499'/0'/0/1");
    const list = await ok(['wallet', 'list', '--wallet', 'bob', '--verify']);
    expect(list.wallets[0].verified).toBe(true);
    expect(list.wallets[0].addresses.map((x: { label: string }) => x.label)).toEqual(['', 'savings']);
    // bob now spends from the address that has funds, not blindly the newest.
    const s = await ok(['wallet', 'send', a.address, '1', '--wallet', 'bob', '--yes']);
    expect(s.from).toBe(bob);
    await mine(1, alice);
    const bal = await ok(['wallet', 'balance', '--wallet', 'bob', '--address', a.address]);
    expect(bal.total.confirmed).toBe('1');
  });

  it('exports the encrypted keystore by default and raw secrets only on request', async () => {
    const ks = await cli(['wallet', 'export', '--wallet', 'alice']);
    expect(ks.code).toBe(0);
    expect(JSON.parse(ks.stdout).format).toBe('hackcoin-keystore');
    expect(ks.stdout).not.toContain(secrets[0]!.split(' ')[0]! + ' ' + secrets[0]!.split(' ')[1]!);

    const out = join(dataDir, 'backup.json');
    await ok(['wallet', 'export', '--wallet', 'alice', '--out', out]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect((await cli(['wallet', 'export', '--wallet', 'alice', '--out', out])).code).toBe(2);

    const raw = await ok(['wallet', 'export', '--wallet', 'alice', '--unsafe-raw-key']);
    expect(raw.address).toBe(alice);
    expect(raw.privateKey).toMatch(/^[0-9a-f]{64}$/);
    secrets.push(raw.privateKey);
    const words = await ok(['wallet', 'export', '--wallet', 'alice', '--unsafe-mnemonic']);
    expect(words.mnemonic).toBe(secrets[0]);
  });

  it('imports words from stdin and a raw key from a file into new wallets', async () => {
    const fromWords = await runCli(['wallet', 'import', '--wallet', 'alice2', '--json'], {
      env: { DATA_DIR: dataDir, HACKCOIN_PASSWORD: PASSWORD },
      input: `  ${secrets[0]!.toUpperCase()}  \n`,
    });
    expect(fromWords.code).toBe(0);
    expect(fromWords.json().imported).toEqual([alice]);
    const { writeFileSync } = await import('node:fs');
    const keyFile = join(dataDir, 'key.txt');
    writeFileSync(keyFile, `${secrets[2]}\n`, { mode: 0o600 });
    const fromKey = await ok(['wallet', 'import', '--wallet', 'paper', '--secret-file', keyFile, '--label', 'paper']);
    expect(fromKey.imported).toEqual([alice]);
    const bad = await runCli(['wallet', 'import', '--wallet', 'junk'], { env: { DATA_DIR: dataDir, HACKCOIN_PASSWORD: PASSWORD }, input: 'not a real phrase at all' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain('not a real phrase');
  });

  it('contract commands deploy the token, execute transfer, call balanceOf and show receipts', async () => {
    // The canonical payload: deploy with the example token, gas limit from the node's estimate, fee = gasLimit × gasPrice.
    const deployed = await ok(['wallet', 'contract', 'deploy', TOKEN_SOURCE, '--args', '["Hack","HCK",8,1000]', '--wallet', 'alice']);
    expect(deployed).toMatchObject({ type: 'deploy', from: alice, status: 'pending', value: '0' });
    const token = deployed.contractAddress as string;
    expect(token).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(deployed.gasLimit).toBeGreaterThan(deployed.estimatedGas);
    const deployTx = await node.api(`/api/tx/${deployed.txid}`);
    const deployPayload = JSON.parse(Buffer.from(deployTx.data, 'hex').toString('utf8'));
    expect(deployPayload).toEqual({ type: 'deploy', code: readFileSync(TOKEN_SOURCE, 'utf8'), init: ['Hack', 'HCK', 8, 1000], gasLimit: deployed.gasLimit, gasPrice: deployed.gasPrice });
    expect(deployTx.to).toBe('0x0000000000000000000000000000000000000000');
    expect(BigInt(deployTx.fee)).toBe(BigInt(deployed.gasLimit) * BigInt(deployed.gasPrice));
    expect((await ok(['wallet', 'contract', 'receipt', deployed.txid])).status).toBe('pending');
    await mine(1, bob);
    const deployReceipt = await ok(['wallet', 'contract', 'receipt', deployed.txid]);
    expect(deployReceipt).toMatchObject({ status: 'confirmed', receipt: { status: 'success', contractAddress: token } });
    expect(deployReceipt.receipt.gasUsed).toBeLessThanOrEqual(deployed.gasLimit);

    const sent = await ok(['wallet', 'contract', 'execute', token, 'transfer', '--args', JSON.stringify([bob, 250]), '--wallet', 'alice', '--gas-price', '2']);
    expect(sent).toMatchObject({ type: 'call', function: 'transfer', contractAddress: token, gasPrice: '2', status: 'pending' });
    const callTx = await node.api(`/api/tx/${sent.txid}`);
    expect(JSON.parse(Buffer.from(callTx.data, 'hex').toString('utf8'))).toEqual({ type: 'call', fn: 'transfer', args: [bob, 250], gasLimit: sent.gasLimit, gasPrice: '2' });
    expect(callTx.to).toBe(token);
    await mine(1, bob);
    const callReceipt = await ok(['wallet', 'contract', 'receipt', sent.txid]);
    expect(callReceipt.receipt).toMatchObject({ status: 'success', returnValue: true, gasPrice: '2', events: [{ name: 'Transfer', data: { from: alice, to: bob, amount: 250 } }] });
    expect(callReceipt.receipt.fee).toBe(String(callReceipt.receipt.gasUsed * 2));
    const text = await cli(['wallet', 'contract', 'receipt', sent.txid]);
    expect(text.stdout).toMatch(/^success in block \d+/);
    expect(text.stdout).toContain('event "Transfer" {');

    // Read-only: no wallet, no transaction.
    const pool = (await node.api('/api/mempool')).size;
    expect(await ok(['wallet', 'contract', 'call', token, 'balanceOf', '--args', JSON.stringify([bob])])).toMatchObject({ status: 'success', returnValue: 250 });
    expect((await ok(['wallet', 'contract', 'call', token, 'balanceOf', '--args', JSON.stringify([alice])])).returnValue).toBe(750);
    expect((await cli(['wallet', 'contract', 'call', token, 'symbol'])).stdout.trim()).toBe('"HCK"');
    expect((await node.api('/api/mempool')).size).toBe(pool);

    // A transfer that would revert is refused before signing, unless a gas limit is forced.
    const refused = await cli(['wallet', 'contract', 'execute', token, 'transfer', '--args', JSON.stringify([bob, 5000]), '--wallet', 'alice']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/would fail \(reverted: "insufficient balance"\)/);
    const forced = await ok(['wallet', 'contract', 'execute', token, 'transfer', '--args', JSON.stringify([bob, 5000]), '--wallet', 'alice', '--gas-limit', '400000', '--gas-price', '1']);
    await mine(1, bob);
    expect((await ok(['wallet', 'contract', 'receipt', forced.txid])).receipt).toMatchObject({ status: 'reverted', revertReason: 'insufficient balance', events: [] });
    const failedCall = await cli(['wallet', 'contract', 'call', token, 'transferFrom', '--args', JSON.stringify([alice, bob, 1])]);
    expect(failedCall.code).toBe(1);
    expect(failedCall.stderr).toMatch(/reverted: "allowance exceeded"/);
    expect((await cli(['wallet', 'contract', 'execute', token, 'transfer', '--wallet', 'alice', '--fee', '5000'])).code).toBe(2);

    // A declared gas limit counts as block space: a typed price below the node's minimum for it is refused before
    // signing, and the preset is raised to that minimum, which the node takes.
    const big = ['wallet', 'contract', 'execute', token, 'transfer', '--args', JSON.stringify([bob, 1]), '--wallet', 'alice', '--gas-limit', '50000000'];
    const floor = minContractGasPrice({ params: NETWORKS.regtest, action: { type: 'call', contract: token, fn: 'transfer', args: [bob, 1] }, gasLimit: 50_000_000 }, 1n);
    const low = await cli([...big, '--gas-price', String(floor - 1n)]);
    expect(low.code).toBe(2);
    expect(low.stderr).toContain(`--gas-price ${floor - 1n} is below ${floor}, the least the node relays this transaction at with gas limit 50000000`);
    const raised = await ok([...big, '--max-fee', '20']);
    expect(raised).toMatchObject({ status: 'pending', gasLimit: 50_000_000 });
    expect(BigInt(raised.gasPrice)).toBeGreaterThanOrEqual(floor);
    await mine(1, bob);
  });

  it('never lets the mnemonic or a private key reach the node, its logs or its API', async () => {
    expect(secrets.length).toBe(3);
    const api = JSON.stringify([
      await node.api('/api/blockchain/full'),
      await node.api('/api/mempool'),
      await node.api(`/api/address/${alice}?limit=100`),
      await node.api(`/api/address/${alice}/history?limit=100`),
      await node.api(`/api/address/${bob}/history?limit=100`),
    ]).toLowerCase();
    const log = node.output().toLowerCase();
    for (const s of secrets) {
      expect(log).not.toContain(s.toLowerCase());
      expect(api).not.toContain(s.toLowerCase());
    }
    // Besides create's one-time display and the explicit exports, the CLI printed no secret either.
    const chatter = outputs.filter((o) => !o.includes('"mnemonic"') && !o.includes('"privateKey"')).join('\n');
    for (const s of secrets) expect(chatter).not.toContain(s);
  });
});
