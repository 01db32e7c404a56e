import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  InsufficientChainWork,
  LightClient,
  RetryLater,
  UntrustworthyNode,
  httpProofSource,
  parseAddress,
  type ConsensusParams,
  type VerifiedAccount,
  type VerifiedTip,
} from '@hackcoin/core';
import { networkParams } from './chain-info.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, usageError } from './errors.js';
import { withFileLock, writePrivateFile } from './store.js';

/** Confirmations the proven header needs: 1 on regtest, where blocks are mined on demand, 6 elsewhere. */
function confirmations(flag: string | undefined, network: string): number {
  if (flag === undefined) return network === 'regtest' ? 1 : 6;
  if (!/^\d{1,4}$/.test(flag) || Number(flag) < 1) throw usageError(`invalid --confirmations "${flag}": expected 1–9999`);
  return Number(flag);
}

/** Per network, the most work of any header chain this CLI verified: see docs/cli.md, "What --verify trusts". */
const CHAINS_FILE = 'cli-chains.json';
/** Per network and address, the highest nonce this CLI signed. */
const SIGNED_FILE = 'cli-signed.json';

interface ChainRecord {
  /** Hex, as the node's API and the messages print chain work. */
  chainWork: string;
  height: number;
  tip: string;
  node: string;
}

export type ProvenAccount = VerifiedAccount & { tip: VerifiedTip };

/**
 * `--verify`: the node's headers are checked from genesis and each address's
 * balance and nonce are read only through proofs against them, so a node
 * that lies is named instead of believed.
 */
export async function verifiedAccounts(ctx: CommandContext, addresses: readonly string[]): Promise<Map<string, ProvenAccount>> {
  const params = await networkParams(ctx.node, ctx.opts);
  return provenAccounts(ctx, params, addresses, confirmations(ctx.opts.flags.confirmations, params.network));
}

/** Each address's account through proofs against the node's headers checked from genesis, `depth` confirmations deep. */
async function provenAccounts(ctx: CommandContext, params: ConsensusParams, addresses: readonly string[], depth: number): Promise<Map<string, ProvenAccount>> {
  const url = ctx.opts.nodeUrl;
  const client = new LightClient(httpProofSource(url), params, depth);
  const out = new Map<string, ProvenAccount>();
  try {
    await client.sync();
    checkChainWork(ctx, params.network, client.headers.tip);
    for (const a of addresses) out.set(a, await client.account(parseAddress(a)));
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof UntrustworthyNode) throw new CliError(`node ${url} is untrustworthy: ${e.message}`, EXIT.node);
    if (e instanceof RetryLater) throw new CliError(`node ${url} could not be verified now: ${e.message}; nothing was verified (try again later)`, EXIT.node);
    if (e instanceof InsufficientChainWork) throw new CliError(`node ${url}: ${e.message}`, EXIT.node);
    // An error status or a dropped connection mid-sync: the node failed, not this command.
    const cause = (e as Error).cause instanceof Error ? `: ${((e as Error).cause as Error).message}` : '';
    throw new CliError(`node ${url} failed while its chain was verified: ${(e as Error).message}${cause}`, EXIT.node);
  }
  return out;
}

/**
 * MIN_CHAIN_WORK is zero (there is no history to pin), so a node can mine a few easiest-target
 * headers from genesis whose state commits any balance and nonce it likes. What a light wallet can
 * still do is remember: a chain with less work than one it verified before, on the same network,
 * is refused, so such a forgery fools only a CLI that never saw the real chain.
 */
function checkChainWork(ctx: CommandContext, network: string, tip: { height: number; chainWork: bigint; id: string }): void {
  const file = join(ctx.opts.dataDir, CHAINS_FILE);
  const seen = readJson<Record<string, ChainRecord>>(file)[network];
  if (seen !== undefined && BigInt(`0x${seen.chainWork}`) > tip.chainWork) {
    throw new CliError(
      `node ${ctx.opts.nodeUrl} serves a ${network} chain with work ${tip.chainWork.toString(16)} (height ${tip.height}), less than the work ${seen.chainWork} (height ${seen.height}, from ${seen.node}) this CLI verified before: refusing it (${file} keeps that record; remove its "${network}" entry only if that chain was reset on purpose)`,
      EXIT.node,
    );
  }
  if (seen !== undefined && BigInt(`0x${seen.chainWork}`) === tip.chainWork) return;
  const record: ChainRecord = { chainWork: tip.chainWork.toString(16), height: tip.height, tip: tip.id, node: ctx.opts.nodeUrl };
  // A memory, as the network pin is: a data directory we cannot write leaves the check as it was.
  updateJson<Record<string, ChainRecord>>(ctx.opts.dataDir, CHAINS_FILE, (all) => {
    const now = all[network];
    return now !== undefined && BigInt(`0x${now.chainWork}`) >= tip.chainWork ? all : { ...all, [network]: record };
  });
}

/**
 * Before anything is signed: the sender's confirmed nonce, as the node told it, must be the one its
 * proof at the tip (one confirmation) shows. A node claiming a higher one got a transaction signed at
 * a nonce the network could not use yet, to hold back and broadcast once the user's later sends
 * filled the gap, paying twice. The pending run above it is checked by its signatures (chain-info).
 *
 * A proof only shows the node's own chain, which may be forged (checkChainWork), so the proven nonce
 * is also held against the highest this CLI signed. Returns why to ask first when it is higher than
 * this CLI could account for: transactions it did not sign, from another wallet with the key or
 * from a node's invention.
 */
export async function checkProvenNonce(ctx: CommandContext, address: string, claimed: bigint): Promise<string | undefined> {
  const params = await networkParams(ctx.node, ctx.opts);
  const proven = (await provenAccounts(ctx, params, [address], 1)).get(address)!;
  if (proven.nonce !== claimed) {
    throw new CliError(
      `the node says ${address} has sent ${claimed} transaction(s), its proof at height ${proven.height} says ${proven.nonce}: refusing to sign (if a block just arrived, try again)`,
      EXIT.node,
    );
  }
  const highest = signedNonce(ctx.opts.dataDir, params.network, address);
  const accountable = highest === undefined ? 0n : highest + 1n;
  if (proven.nonce <= accountable) return undefined;
  const mine = highest === undefined ? 'never signed from it here' : `signed only up to nonce ${highest} here`;
  return (
    `node ${ctx.opts.nodeUrl} claims ${address} has sent ${proven.nonce} transaction(s) on ${params.network} (chain work ${proven.tip.chainWork.toString(16)}, height ${proven.tip.height}), ` +
    `but this CLI ${mine}: it claims transactions this CLI did not sign`
  );
}

function signedNonce(dataDir: string, network: string, address: string): bigint | undefined {
  const n = readJson<Record<string, Record<string, string>>>(join(dataDir, SIGNED_FILE))[network]?.[address.toLowerCase()];
  return n === undefined || !/^\d{1,20}$/.test(n) ? undefined : BigInt(n);
}

/** Remembers that `nonce` was signed from `address`, before the transaction leaves this process. */
export function recordSignedNonce(dataDir: string, network: string, address: string, nonce: bigint): void {
  const key = address.toLowerCase();
  updateJson<Record<string, Record<string, string>>>(dataDir, SIGNED_FILE, (all) => {
    const prev = all[network]?.[key];
    if (prev !== undefined && /^\d{1,20}$/.test(prev) && BigInt(prev) >= nonce) return all;
    return { ...all, [network]: { ...all[network], [key]: nonce.toString() } };
  });
}

function readJson<T extends object>(file: string): Partial<T> {
  if (!existsSync(file)) return {};
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Partial<T>) : {};
  } catch {
    throw new CliError(`${file} is not readable JSON: fix or remove it`, EXIT.error);
  }
}

/** Read, change and atomically replace a DATA_DIR state file under its lock, so two commands never drop each other's entries. */
function updateJson<T extends object>(dataDir: string, name: string, change: (all: Partial<T>) => Partial<T>): void {
  const file = join(dataDir, name);
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    withFileLock(file, () => {
      const all = readJson<T>(file);
      const next = change(all);
      if (next !== all) writePrivateFile(file, `${JSON.stringify(next, null, 2)}\n`);
    });
  } catch {
    // Unwritable, the record stays as it was: the next command checks against what it holds.
  }
}
