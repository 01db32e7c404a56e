import { readFileSync } from 'node:fs';
import {
  buildSignedContractTransfer,
  bytesToHex,
  contractAddress,
  contractFee,
  formatAddress,
  formatHck,
  minContractGasPrice,
  parseAddress,
  type ConsensusParams,
  type ContractAction,
  sha256,
  type GasEstimate,
} from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { CliError, EXIT, usageError } from '../errors.js';
import { intFlag, takeArgs } from '../options.js';
import { addressState, feeEstimate, networkParams, userAddress, type AddressState } from '../chain-info.js';
import { ownAddress, ownAddresses } from '../own-addresses.js';
import { nodeText } from '../output.js';
import { readKeystore } from '../store.js';
import { broadcast, checkMaxFee, confirmAndSign, parseAmount, parseFee } from './transfer.js';

/**
 * Contract commands. deploy and execute sign a contract transaction with the
 * canonical payload (docs/consensus.md, "Contract transactions"; built by
 * core's buildSignedContractTransfer): fee = gasLimit × gasPrice, amount =
 * --value. call is read-only (POST /api/contracts/call): nothing is signed.
 */
const USAGE =
  'usage: hackcoin wallet contract deploy <file.js> | execute <contract> <function> | call <contract> <function> | receipt <txid> ' +
  '[--args JSON] [--value HCK] [--gas-limit N] [--gas-price N]';

function parseArgsFlag(text: string | undefined): unknown[] {
  if (text === undefined) return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw usageError('--args must be a JSON array, e.g. --args \'["alice", 5]\'');
  }
  if (!Array.isArray(v)) throw usageError('--args must be a JSON array');
  return v;
}

function functionName(fn: string): string {
  if (!/^[A-Za-z_$][\w$]{0,63}$/.test(fn)) throw usageError(`invalid function name "${fn}"`);
  return fn;
}

/** Longest argument list the confirmation shows whole: a longer one is cut, with its length, so the question stays on screen. */
const SHOWN_ARGS_CHARS = 240;

function shownArgs(args: readonly unknown[]): string {
  const text = JSON.stringify(args);
  return text.length <= SHOWN_ARGS_CHARS ? text : `${text.slice(0, SHOWN_ARGS_CHARS)}… (${text.length} characters)`;
}

/**
 * What the confirmation names before anything is signed: the target and the arguments for a
 * call, and for a deploy the code's size and SHA-256, which the user can compare with the file
 * they meant (the path alone says nothing if the file changed).
 */
export function describeAction(action: ContractAction): string {
  if (action.type === 'call') return `${action.fn}(${shownArgs(action.args ?? [])}) on contract ${String(action.contract)}`;
  const bytes = new TextEncoder().encode(action.code);
  const init = action.init && action.init.length > 0 ? `, init ${shownArgs(action.init)}` : '';
  return `code of ${bytes.length} bytes, sha256 ${bytesToHex(sha256(bytes))}${init}`;
}

/** How the price to sign with was chosen, for the confirmation and the result. */
export interface PickedGasPrice {
  gasPrice: bigint;
  /** The node's preset was below its relay minimum at this gas limit and was raised to it. */
  raised: boolean;
}

/**
 * The gas price to sign with at `gasLimit`: --gas-price, else the node's preset, which is a price per
 * gas used and blind to the gas declared. The node relays a contract transaction only if its intrinsic
 * gas × gas price pays its minimum fee rate over the vsize, where the declared gas counts as block
 * space (core's minContractGasPrice): a preset below that is raised to it, and a typed price below it
 * is refused here rather than signed for a node to refuse.
 */
export function pickGasPrice(p: {
  params: ConsensusParams;
  action: ContractAction;
  gasLimit: number;
  value: bigint;
  minFeeRate: bigint;
  preset: bigint;
  typed: bigint | undefined;
}): PickedGasPrice {
  const floor = minContractGasPrice({ params: p.params, action: p.action, gasLimit: p.gasLimit, value: p.value }, p.minFeeRate);
  const wanted = p.typed ?? p.preset;
  if (wanted >= floor) return { gasPrice: wanted, raised: false };
  if (p.typed === undefined) return { gasPrice: floor, raised: true };
  const perByte = p.params.maxBlockGas / p.params.maxBlockSize;
  throw usageError(
    `--gas-price ${p.typed} is below ${floor}, the least the node relays this transaction at with gas limit ${p.gasLimit}: it asks ${p.minFeeRate} base units ` +
      `per byte of the block space a transaction holds, and a declared gas limit holds a byte per ${perByte} gas; give --gas-price ${floor} or more, or a lower --gas-limit`,
  );
}

/** Said beside a preset price raised to the relay minimum, so a user who sees it grow knows why. */
const RAISED = " (the node's minimum at this gas limit, which counts as block space)";

const failure = (r: { status: string; revertReason?: string }) => `${r.status}${r.revertReason ? `: ${nodeText(r.revertReason)}` : ''}`;

/** The sender: --from, or the first address that can pay `cost` (the richest one when none can; checked again once the fee is known). */
async function pickSender(ctx: CommandContext, candidates: { address: string }[], cost: bigint, chainId: number): Promise<AddressState> {
  let best: AddressState | undefined;
  for (const c of candidates) {
    const s = await addressState(ctx.node, c.address, chainId);
    if (s.balance.available >= cost) return s;
    if (!best || s.balance.available > best.balance.available) best = s;
  }
  return best!;
}

async function sendContractTx(ctx: CommandContext, action: ContractAction, what: string): Promise<void> {
  const { opts, out, node } = ctx;
  const file = readKeystore(opts.dataDir, opts.walletName);
  const value = parseAmount(opts.flags.value ?? '0', 'value');
  const choice = parseFee(opts.flags.fee);
  if (typeof choice !== 'string') throw usageError('a contract transaction pays gasLimit × gasPrice: use --gas-limit and --gas-price instead of a numeric --fee');
  const params = await networkParams(node, opts);
  const gasLimitFlag = opts.flags['gas-limit'] === undefined ? undefined : intFlag(opts.flags['gas-limit'], 'gas-limit', 1, params.maxTxGas, 0);
  const gasPriceFlag = opts.flags['gas-price'];
  if (gasPriceFlag !== undefined && !/^(0|[1-9]\d{0,19})$/.test(gasPriceFlag)) throw usageError(`invalid --gas-price "${gasPriceFlag}": base units per gas, a whole number`);
  const addrs = opts.flags.from === undefined ? ownAddresses(file) : [ownAddress(file, opts.flags.from, opts.walletName, 'from')];
  if (addrs.length === 0) throw usageError(`wallet "${opts.walletName}" has no addresses`);

  // Gas price: --gas-price, else the node's gas-price estimate for the --fee preset (default normal), at
  // least the node's relay minimum at the gas limit (pickGasPrice), which its fee estimate's minFeeRate sets.
  const fees = await feeEstimate(node);
  const typed = gasPriceFlag === undefined ? undefined : BigInt(gasPriceFlag);
  const price = (gasLimit: number) => pickGasPrice({ params, action, gasLimit, value, minFeeRate: fees.minFeeRate, preset: fees.gasPrice[choice], typed });
  const sender = await pickSender(ctx, addrs, value + (gasLimitFlag === undefined ? 0n : contractFee(gasLimitFlag, price(gasLimitFlag).gasPrice)), params.chainId);

  // Gas limit: --gas-limit, else the node's estimate (gas used plus a 20 % + 1,000 margin) for this sender, value and payload.
  let gasLimit = gasLimitFlag;
  let estimated: GasEstimate | undefined;
  if (gasLimit === undefined) {
    const common = { from: sender.address, value: value.toString(), gasPrice: (typed ?? fees.gasPrice[choice]).toString() };
    estimated = await node.call('POST /api/contracts/estimate-gas', {}, {
      body:
        action.type === 'deploy'
          ? { type: 'deploy', contractCode: action.code, initData: [...(action.init ?? [])], ...common }
          : { type: 'call', contractAddress: formatAddress(parseAddress(action.contract as string)), functionName: action.fn, parameters: [...(action.args ?? [])], ...common },
    });
    if (estimated.status !== 'success') {
      throw new CliError(`${what} would fail (${failure(estimated)}); nothing was sent (give --gas-limit to send it anyway)`, EXIT.error);
    }
    gasLimit = estimated.suggestedGasLimit;
  }
  const { gasPrice, raised } = price(gasLimit);
  const maxFee = contractFee(gasLimit, gasPrice);
  checkMaxFee(opts, maxFee, 'maximum fee');
  const cost = value + maxFee;
  if (sender.balance.available < cost) {
    throw new CliError(
      `insufficient funds: needs ${formatHck(cost)} HCK (value + max fee ${formatHck(maxFee)}), available at ${sender.address} is ${formatHck(sender.balance.available)} HCK`,
      EXIT.error,
    );
  }

  const target = action.type === 'deploy' ? formatAddress(contractAddress(parseAddress(sender.address), sender.nextNonce)) : (action.contract as string);
  const { raw, id } = await confirmAndSign(ctx, {
    file,
    sender,
    network: params.network,
    question: `${what}: ${describeAction(action)}, from ${sender.address}${value > 0n ? ` with ${formatHck(value)} HCK` : ''}: gas limit ${gasLimit} × ${gasPrice}${raised ? RAISED : ''} = max fee ${formatHck(maxFee)} HCK (unused gas is refunded)`,
    build: (key, nonce) => buildSignedContractTransfer({ params, action, gasLimit: gasLimit!, gasPrice, value, nonce }, key),
  });
  const dryRun = opts.flags['dry-run'] === true;
  const result: Record<string, unknown> = {
    txid: id,
    network: params.network,
    type: action.type,
    from: sender.address,
    contractAddress: target,
    ...(action.type === 'call' ? { function: action.fn, args: action.args ?? [] } : {}),
    value: formatHck(value),
    gasLimit,
    gasPrice: gasPrice.toString(),
    maxFee: formatHck(maxFee),
    ...(estimated ? { estimatedGas: estimated.gasUsed } : {}),
    nonce: sender.nextNonce.toString(),
    status: dryRun ? 'not-sent' : 'pending',
    ...(dryRun ? { raw } : {}),
  };
  if (dryRun) {
    out.result(result, [`Signed but not sent (--dry-run): ${id}`, raw]);
    return;
  }
  await broadcast(
    () => node.call(action.type === 'deploy' ? 'POST /api/contracts/deploy' : 'POST /api/contracts/execute', {}, { body: { raw } }),
    id,
    sender.nextNonce,
    action.type === 'deploy' ? target : undefined,
  );
  out.result(result, [
    `${what} sent on ${params.network}${action.type === 'deploy' ? `: contract ${target}` : ''}`,
    `txid ${id} (gas limit ${gasLimit} × ${gasPrice}${raised ? RAISED : ''}, max fee ${formatHck(maxFee)} HCK, nonce ${sender.nextNonce})`,
    `receipt once mined: hackcoin wallet contract receipt ${id}`,
  ]);
}

async function readOnlyCall(ctx: CommandContext, contract: string, fn: string, args: unknown[]): Promise<void> {
  const { opts, out, node } = ctx;
  const from = opts.flags.from === undefined ? undefined : userAddress(opts.flags.from, 'invalid --from');
  const gasLimit = opts.flags['gas-limit'] === undefined ? undefined : intFlag(opts.flags['gas-limit'], 'gas-limit', 1, 10_000_000, 0);
  if (opts.flags.value !== undefined) throw usageError('a read-only call carries no value: use `contract execute` to send HCK');
  const r = await node.call('POST /api/contracts/call', {}, {
    body: { contractAddress: contract, functionName: fn, parameters: args, ...(from ? { from } : {}), ...(gasLimit !== undefined ? { gasLimit } : {}) },
  });
  if (r.status !== 'success') throw new CliError(`${fn} ${failure(r)} (read-only call, nothing was sent)`, EXIT.error);
  out.result(
    { contractAddress: contract, function: fn, args, status: r.status, returnValue: r.returnValue ?? null, gasUsed: r.gasUsed, height: r.height },
    nodeText(r.returnValue ?? null),
  );
}

async function receipt(ctx: CommandContext, txid: string): Promise<void> {
  const { out, node } = ctx;
  if (!/^[0-9a-fA-F]{64}$/.test(txid)) throw usageError(`invalid txid "${txid}": 64 hex digits`);
  const tx = await node.call('GET /api/tx/:id', { id: txid.toLowerCase() });
  if (tx.status === 'confirmed' && !tx.receipt) throw usageError(`${tx.id} is not a contract transaction (it has no receipt)`);
  const r = tx.receipt;
  const lines =
    tx.status === 'pending' || !r
      ? [`${tx.id} is pending: the receipt appears once it is mined`]
      : [
          `${failure(r)} in block ${tx.blockHeight} (${tx.confirmations} confirmation${tx.confirmations === 1 ? '' : 's'})`,
          `contract ${r.contractAddress}, gas used ${r.gasUsed} × ${r.gasPrice} = fee ${formatHck(BigInt(r.fee))} HCK`,
          ...(r.returnValue !== undefined ? [`returned ${nodeText(r.returnValue)}`] : []),
          ...r.events.map((e) => `event ${nodeText(e.name)} ${nodeText(e.data)}`),
        ];
  out.result({ txid: tx.id, status: tx.status, blockHeight: tx.blockHeight, confirmations: tx.confirmations, receipt: r ?? null }, lines);
}

export async function contractCommand(ctx: CommandContext): Promise<void> {
  const { opts } = ctx;
  const sub = opts.positionals[2];
  if (sub === 'deploy') {
    const [path] = takeArgs(opts, 3, ['file.js']);
    const init = parseArgsFlag(opts.flags.args);
    let code: string;
    try {
      code = readFileSync(path!, 'utf8');
    } catch (e) {
      throw usageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (code.trim() === '') throw usageError(`${path} is empty`);
    await sendContractTx(ctx, { type: 'deploy', code, init }, 'Deploy contract');
    return;
  }
  if (sub === 'execute' || sub === 'call') {
    const [contract, fn] = takeArgs(opts, 3, ['contract', 'function']);
    const to = userAddress(contract!, 'invalid contract address');
    const args = parseArgsFlag(opts.flags.args);
    const name = functionName(fn!);
    if (sub === 'call') await readOnlyCall(ctx, to, name, args);
    else await sendContractTx(ctx, { type: 'call', contract: to, fn: name, args }, `Execute ${name}`);
    return;
  }
  if (sub === 'receipt') {
    const [txid] = takeArgs(opts, 3, ['txid']);
    await receipt(ctx, txid!);
    return;
  }
  throw usageError(USAGE);
}
