import {
  COIN,
  answerMismatch,
  buildSignedTransfer,
  bytesToHex,
  encodeTx,
  feeForSize,
  formatHck,
  parseHck,
  signedTransferSize,
  txId,
  type FeeChoice,
  type KeystoreFile,
  type TransferTx,
} from '@hackcoin/core';
import { addressState, feeEstimate, networkParams, userAddress, type AddressState } from '../chain-info.js';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { ownAddress, ownAddresses } from '../own-addresses.js';
import { confirm, interactive } from '../prompt.js';
import { existingPassword } from '../secrets.js';
import { readKeystore, unlockWallet } from '../store.js';
import { checkProvenNonce, recordSignedNonce } from '../verified.js';

export interface TransferSpec {
  to: string;
  /** Decimal HCK text as the user typed it. */
  amount: string;
  data?: Uint8Array;
  /** Shown in the confirmation prompt, e.g. "deploy contract". */
  what: string;
}

export function parseAmount(text: string, what = 'amount'): bigint {
  try {
    return parseHck(text);
  } catch {
    throw usageError(`invalid ${what} "${text}": a decimal HCK amount with at most 8 decimals, e.g. 1.5`);
  }
}

/** Core's -maxtxfee: a fee above this is refused unless --max-fee allows it, whatever priced it. */
export const DEFAULT_MAX_FEE = COIN / 10n;

/**
 * The highest fee signed without being told: the node's fee estimate sets the default rate and
 * gas price, and a node (or miners paying themselves high prices into its estimate) could
 * otherwise price a transfer at most of the balance. `--max-fee` (HCK; env HACKCOIN_MAX_FEE).
 */
export function checkMaxFee(opts: CommandContext['opts'], fee: bigint, what: string): void {
  const text = opts.flags['max-fee'] ?? (opts.env.HACKCOIN_MAX_FEE || undefined);
  const cap = text === undefined ? DEFAULT_MAX_FEE : parseAmount(text, '--max-fee');
  if (fee > cap) {
    throw new CliError(`the ${what} of ${formatHck(fee)} HCK is above the ${formatHck(cap)} HCK limit: nothing was signed (--max-fee ${formatHck(fee)} to allow it)`, EXIT.error);
  }
}

/** The node's default MIN_FEE_RATE (config.ts), base units per byte: the relay floor an honest estimate starts from. */
const MIN_FEE_RATE = 1n;
/**
 * How far above that floor a node's estimate may price a transfer unasked. Three orders of magnitude
 * cover a full mempool bidding fees up; past it the estimate is more likely a node (or miners feeding
 * its estimate) pricing the fee than a market, and the whole-fee cap alone would let it take 0.1 HCK
 * for a transfer whose honest fee is a few hundred base units.
 */
export const MAX_ESTIMATED_RATE = 1_000n * MIN_FEE_RATE;

/** A fee at least this share of the amount (1/10) is named in the prompt: worth a second look. */
const NOTABLE_FEE_SHARE = 10n;

/** Refuses an estimated rate above MAX_ESTIMATED_RATE unless the user set --max-fee (or HACKCOIN_MAX_FEE), which then bounds the fee alone. */
function checkEstimatedRate(opts: CommandContext['opts'], rate: bigint): void {
  if (opts.flags['max-fee'] !== undefined || opts.env.HACKCOIN_MAX_FEE) return;
  if (rate > MAX_ESTIMATED_RATE) {
    throw new CliError(
      `the node's fee estimate of ${rate} base units per byte is above the ${MAX_ESTIMATED_RATE} limit (${MAX_ESTIMATED_RATE / MIN_FEE_RATE}× the usual minimum): nothing was signed (--fee <base units> to set the fee, or --max-fee HCK to accept the estimate)`,
      EXIT.error,
    );
  }
}

/**
 * Broadcasts a signed transaction. A refusal may come from a node that kept it all the same, so
 * the message says it was handed over: signing again at the same nonce replaces it only with a
 * higher fee, and anything else signed meanwhile may end up paid too.
 */
export async function broadcast<R extends { id: string; contractAddress?: string }>(submit: () => Promise<R>, id: string, nonce: bigint, contract?: string): Promise<R> {
  let res: R;
  try {
    res = await submit();
  } catch (e) {
    if (e instanceof CliError) throw new CliError(`${e.message}; the node was handed transaction ${id} (nonce ${nonce}), which it could still broadcast`, e.exitCode);
    throw e;
  }
  // The id is the hash of what we signed, and a deploy's contract follows from it: a node naming others is not to be believed.
  const mismatch = answerMismatch(res, { id, contract });
  if (mismatch) throw new CliError(`the node answered with ${mismatch}, which was signed here: do not trust this node`, EXIT.node);
  return res;
}

export function parseFee(text: string | undefined): FeeChoice {
  const v = text ?? 'normal';
  if (v === 'slow' || v === 'normal' || v === 'fast') return v;
  // A number is the total fee in base units (the node prices per byte; see `hackcoin wallet send --help`).
  if (/^\d{1,20}$/.test(v)) return { custom: BigInt(v) };
  throw usageError(`invalid --fee "${v}": slow, normal, fast, or a total fee in base units`);
}

/** Picks the sender: --from, or the first address whose spendable balance covers amount + fee. */
export async function chooseSender(ctx: CommandContext, fileAddrs: { address: string }[], fromFlag: string | undefined, cost: bigint, fee: bigint, chainId: number): Promise<AddressState> {
  const { node } = ctx;
  const candidates = fromFlag === undefined ? fileAddrs : [{ address: fromFlag }];
  let best: AddressState | undefined;
  for (const c of candidates) {
    const s = await addressState(node, c.address, chainId);
    if (s.balance.available >= cost) return s;
    if (!best || s.balance.available > best.balance.available) best = s;
  }
  const where = fromFlag === undefined ? (candidates.length > 1 ? 'the most available at one address' : 'available') : `available at ${fromFlag}`;
  throw new CliError(
    `insufficient funds: needs ${formatHck(cost)} HCK (amount + fee ${formatHck(fee)}), ${where} is ${formatHck(best?.balance.available ?? 0n)} HCK`,
    EXIT.error,
  );
}

export interface SignedSpec {
  /** The wallet file (already read) holding the sender's key. */
  file: KeystoreFile;
  sender: AddressState;
  /** The network signed for, named in the question and results. */
  network: string;
  /** The confirmation question (without the network, nonce and "Send?"). */
  question: string;
  /** Builds and signs the transaction with the sender's key and nonce. */
  build: (key: Uint8Array, nonce: bigint) => TransferTx;
}

/**
 * Asks (when interactive), unlocks, signs with the sender's next nonce and
 * wipes the key. Returns the raw hex and id; broadcasting is the caller's.
 */
export async function confirmAndSign(ctx: CommandContext, spec: SignedSpec): Promise<{ raw: string; id: string }> {
  const { opts } = ctx;
  const dryRun = opts.flags['dry-run'] === true;
  const unsigned = await checkProvenNonce(ctx, spec.sender.address, spec.sender.nonce);
  if (unsigned !== undefined) {
    // A person who sent from this key elsewhere says so once; a script has to say it with --yes.
    if (opts.flags.yes === true) ctx.out.note(`warning: ${unsigned}`);
    else if (!interactive()) throw new CliError(`${unsigned}: refusing to sign (--yes if you sent them from another wallet with this key)`, EXIT.node);
    else if (!(await confirm(`${unsigned}. Did you send them from another wallet with this key?`))) throw new CliError('cancelled; nothing was signed', EXIT.cancelled);
  }
  // --json changes what is printed, not whether a person at a terminal is asked.
  if (!dryRun && opts.flags.yes !== true && interactive()) {
    if (!(await confirm(`${spec.question}, nonce ${spec.sender.nextNonce}, on ${spec.network}. Send?`))) throw new CliError('cancelled; nothing was sent', EXIT.cancelled);
  }
  // The password is asked for only now, after every check that needs no key has passed.
  const wallet = await unlockWallet(spec.file, await existingPassword(opts, opts.walletName), opts.walletName);
  try {
    const key = wallet.keyFor(spec.sender.address);
    try {
      // The node's nextNonce counts this sender's pending transfers, so back-to-back sends chain correctly.
      const tx = spec.build(key, spec.sender.nextNonce);
      recordSignedNonce(opts.dataDir, spec.network, spec.sender.address, spec.sender.nextNonce);
      return { raw: bytesToHex(encodeTx(tx)), id: txId(tx) };
    } finally {
      key.fill(0);
    }
  } finally {
    wallet.wipe();
  }
}

/** The prompt's note on a fee that is a large part of what is sent. */
function feeShare(fee: bigint, amount: bigint): string {
  if (amount === 0n || fee * NOTABLE_FEE_SHARE < amount) return '';
  return ` (warning: the fee is ${fee >= amount ? `${fee / amount}× the amount` : `${(fee * 100n) / amount}% of the amount`})`;
}

export async function sendTransfer(ctx: CommandContext, spec: TransferSpec): Promise<void> {
  const { opts, out, node } = ctx;
  const file = readKeystore(opts.dataDir, opts.walletName);
  const to = userAddress(spec.to, 'invalid recipient address');
  const amount = parseAmount(spec.amount);
  const choice = parseFee(opts.flags.fee);
  const from = opts.flags.from === undefined ? undefined : ownAddress(file, opts.flags.from, opts.walletName, 'from').address;
  const data = spec.data ?? new Uint8Array(0);

  const params = await networkParams(node, opts);
  const estimate = typeof choice === 'string' ? (await feeEstimate(node)).perByte : undefined;
  if (estimate !== undefined && typeof choice === 'string') checkEstimatedRate(opts, estimate[choice]);
  const fee = feeForSize(choice, signedTransferSize(data.length), estimate);
  checkMaxFee(opts, fee, 'fee');
  const addrs = ownAddresses(file);
  if (addrs.length === 0) throw usageError(`wallet "${opts.walletName}" has no addresses`);
  const sender = await chooseSender(ctx, addrs, from, amount + fee, fee, params.chainId);
  const dryRun = opts.flags['dry-run'] === true;

  const { raw, id } = await confirmAndSign(ctx, {
    file,
    sender,
    network: params.network,
    question: `${spec.what}: ${formatHck(amount)} HCK from ${sender.address} to ${to}, fee ${formatHck(fee)} HCK${feeShare(fee, amount)}`,
    build: (key, nonce) => buildSignedTransfer({ params, to, amount, data, fee: { custom: fee }, nonce }, key),
  });

  const result = {
    txid: id,
    network: params.network,
    from: sender.address,
    to,
    amount: formatHck(amount),
    fee: formatHck(fee),
    nonce: sender.nextNonce.toString(),
    dataBytes: data.length,
    status: dryRun ? 'not-sent' : 'pending',
    ...(dryRun ? { raw } : {}),
  };
  if (dryRun) {
    out.result(result, [`Signed but not sent (--dry-run): ${id}`, raw]);
    return;
  }
  await broadcast(() => node.call('POST /api/transactions', {}, { body: { raw } }), id, sender.nextNonce);
  out.result(result, [`Sent ${formatHck(amount)} HCK to ${to} on ${params.network} (fee ${formatHck(fee)} HCK, nonce ${sender.nextNonce})`, `txid ${id}`]);
}
