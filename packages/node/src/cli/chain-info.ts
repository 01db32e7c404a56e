import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeBalance,
  equalBytes,
  formatAddress,
  genesisBlock,
  getParams,
  headerId,
  hexToBytes,
  parseAddress,
  txId,
  txSender,
  verifyTransferSignature,
  type AddressTx,
  type TransferTx,
  type BalanceSummary,
  type ConsensusParams,
  parseFeeEstimate,
  type ParsedFeeEstimate,
  type PendingTxInfo,
} from '@hackcoin/core';
import type { NodeClient } from './client.js';
import { CliError, EXIT, usageError } from './errors.js';
import type { CliOptions } from './options.js';
import { writePrivateFile } from './store.js';

export interface AddressState {
  address: string;
  nonce: bigint;
  nextNonce: bigint;
  pending: PendingTxInfo[];
  balance: BalanceSummary;
  /** The height the node read the balance at (older nodes do not say). */
  height: number | undefined;
}

/** A user-typed address; a checksum typo is caught here, before anything is signed. */
export function userAddress(text: string, what: string): string {
  try {
    return formatAddress(parseAddress(text));
  } catch (e) {
    throw usageError(`${what} "${text}": ${(e as Error).message}`);
  }
}

/**
 * `chainId`: the network about to be signed for. Given, the pending transactions that justify the
 * next nonce must be signed for it: one mnemonic holds the same keys on every network, and a
 * main-network node could otherwise cite the user's test-network transactions at nonces 3 and 4
 * for a next nonce of 5, and hold the payment signed at 5 until the gap filled (paying twice).
 */
export async function addressState(client: NodeClient, address: string, chainId?: number): Promise<AddressState> {
  const j = await client.call('GET /api/address/:address', { address }, { query: { limit: 1 } });
  const mine = parseAddress(address);
  // Whatever the node says, the address signed for is the one asked about: a node answering for
  // another of the wallet's addresses would otherwise choose which key pays.
  if (!equalBytes(parseAddress(j.address), mine)) throw new CliError(`the node answered for ${j.address} when asked about ${address}: refusing it`, EXIT.node);
  const me = address.toLowerCase();
  // Direction is derived here from from/to: a payment to oneself costs only its fee.
  const pending = j.pending.map((p): PendingTxInfo => {
    const fromMe = p.from?.toLowerCase() === me;
    const toMe = p.to.toLowerCase() === me;
    return { txid: p.id, direction: fromMe && toMe ? 'self' : fromMe ? 'out' : 'in', amount: p.amount, fee: p.fee ?? '0' };
  });
  const nonce = BigInt(j.nonce);
  const nextNonce = BigInt(j.nextNonce);
  checkPendingRun(j.pending, mine, me, nonce, nextNonce, address, chainId);
  const balance = computeBalance({ balance: j.balance, nonce: j.nonce, pending });
  // The reply lists only some of the payments to us (it is bounded); its total covers them all.
  if (j.pendingIncoming !== undefined) balance.pendingIncoming = BigInt(j.pendingIncoming);
  return { address: formatAddress(mine), nonce, nextNonce, pending, balance, height: j.height };
}

/** More pending transactions than one sender can have in a mempool (64 in ours). */
const MAX_PENDING_RUN = 1_000;

/**
 * The next nonce is signed with, so the node must show why it is past the confirmed one: one
 * pending transaction of ours for each nonce between, each carrying our own signature (which it
 * cannot forge). A node claiming a higher next nonce would otherwise get a transaction signed at a
 * nonce the network cannot use yet, to hold back and broadcast once the gap fills, paying twice.
 * The confirmed nonce itself is the node's word (`balance --verify` proves it).
 */
function checkPendingRun(pending: readonly AddressTx[], mine: Uint8Array, me: string, nonce: bigint, nextNonce: bigint, address: string, chainId: number | undefined): void {
  const refuse = (why: string) => new CliError(`the node's account of ${address} does not hold together (${why}): refusing to sign`, EXIT.node);
  if (nextNonce < nonce || nextNonce - nonce > BigInt(Math.min(pending.length, MAX_PENDING_RUN))) throw refuse(`next nonce ${nextNonce} after confirmed nonce ${nonce}`);
  const signed = new Set<bigint>();
  for (const p of pending) {
    // Only claims of ours inside the run are checked, each once: a signature check per entry of
    // whatever list the node sends would let it spend the CLI's time.
    if (p.from?.toLowerCase() !== me || p.nonce === undefined) continue;
    const n = BigInt(p.nonce);
    if (n < nonce || n >= nextNonce || signed.has(n)) continue;
    if (!signedBy(p, mine) || (chainId !== undefined && p.chainId !== chainId)) throw refuse(`no pending transaction signed by it for this network at nonce ${n}`);
    signed.add(n);
  }
  for (let n = nonce; n < nextNonce; n++) if (!signed.has(n)) throw refuse(`no pending transaction signed by it for this network at nonce ${n}`);
}

/** Whether a pending entry, rebuilt as the transfer it claims to be, hashes to its id and carries `mine`'s signature. */
function signedBy(p: AddressTx, mine: Uint8Array): boolean {
  if (p.type !== 'transfer' || p.nonce === undefined || p.fee === undefined || p.publicKey === undefined || p.signature === undefined) return false;
  try {
    const tx: TransferTx = {
      kind: 'transfer',
      chainId: p.chainId,
      nonce: BigInt(p.nonce),
      fee: BigInt(p.fee),
      to: parseAddress(p.to),
      amount: BigInt(p.amount),
      data: hexToBytes(p.data ?? ''),
      publicKey: hexToBytes(p.publicKey),
      signature: hexToBytes(p.signature),
    };
    return txId(tx) === p.id && equalBytes(txSender(tx), mine) && verifyTransferSignature(tx);
  } catch {
    return false;
  }
}

const PINS_FILE = 'cli-networks.json';

/**
 * The network's consensus parameters, checked against what the node reports so we never sign for
 * the wrong chain. Which network is meant is the user's, not the node's: `--network` (or
 * HACKCOIN_NETWORK) when given, else the one this node URL ran at first use, remembered in
 * DATA_DIR/cli-networks.json as the web wallet pins its origin's. A node that later claims
 * another network gets nothing signed or verified until the user names that network.
 */
export async function networkParams(client: NodeClient, opts: Pick<CliOptions, 'dataDir' | 'nodeUrl' | 'flags' | 'env'>): Promise<ConsensusParams> {
  const info = await client.call('GET /api/node/info', {});
  let params: ConsensusParams;
  try {
    params = getParams(info.network);
  } catch {
    throw new CliError(`the node runs an unknown network "${info.network}"`, EXIT.node);
  }
  if (params.chainId !== info.chainId || info.genesis !== headerId(genesisBlock(params).header)) {
    throw new CliError(`the node's chain id ${info.chainId} or genesis does not match ${params.network}'s: refusing to sign`, EXIT.node);
  }
  const named = opts.flags.network ?? (opts.env.HACKCOIN_NETWORK || undefined);
  if (named !== undefined && named !== 'main' && named !== 'test' && named !== 'regtest') throw usageError(`invalid --network "${named}": main, test or regtest`);
  const pins = readPins(opts.dataDir);
  const pinned = pins[opts.nodeUrl];
  const expected = named ?? pinned;
  if (expected !== undefined && expected !== params.network) {
    throw new CliError(
      named !== undefined
        ? `the node at ${opts.nodeUrl} runs ${params.network}, not ${named}: refusing to sign`
        : `the node at ${opts.nodeUrl} now runs ${params.network}, but ran ${pinned} before: refusing to sign (--network ${params.network} if you mean it)`,
      EXIT.node,
    );
  }
  if (pinned !== params.network) {
    // The pin is a memory of first use: a data directory we cannot write leaves it unpinned, not broken.
    try {
      writePins(opts.dataDir, { ...pins, [opts.nodeUrl]: params.network });
    } catch {
      // Next use checks against the node's network again, as a first use does.
    }
  }
  return params;
}

function readPins(dataDir: string): Record<string, string> {
  const file = join(dataDir, PINS_FILE);
  if (!existsSync(file)) return {};
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  } catch {
    throw new CliError(`${file} is not readable JSON: fix or remove it`, EXIT.error);
  }
}

function writePins(dataDir: string, pins: Record<string, string>): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writePrivateFile(join(dataDir, PINS_FILE), `${JSON.stringify(pins, null, 2)}\n`);
}

/** The node's answer under core's fee policy: per-byte rates for transfers, gas prices for contract transactions, and the relay floor those are raised to. */
export async function feeEstimate(client: NodeClient): Promise<ParsedFeeEstimate> {
  try {
    return parseFeeEstimate(await client.call('GET /api/fees/estimate', {}));
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError((e as Error).message, EXIT.node);
  }
}
