import { formatHck, parseFeeEstimate } from '@hackcoin/core';
import { addressState, userAddress } from '../chain-info.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { takeArgs } from '../options.js';
import { table } from '../output.js';
import { ownAddresses } from '../own-addresses.js';
import { readKeystore } from '../store.js';

/**
 * Chain commands in bitcoin-cli style: `hackcoin <command> [args]` against
 * the node's HTTP API. Amounts are printed in HCK.
 */

const MAX_GENERATE = 1000;

/** The first address of the selected wallet: where `generate` mines and `getbalance` looks by default. */
function walletAddresses(ctx: CommandContext): string[] {
  const file = readKeystore(ctx.opts.dataDir, ctx.opts.walletName);
  const all = ownAddresses(file).map((a) => a.address);
  if (all.length === 0) throw usageError(`wallet "${ctx.opts.walletName}" has no addresses yet (hackcoin wallet address new)`);
  return all;
}

function oneOptional(ctx: CommandContext, name: string): string | undefined {
  const rest = ctx.opts.positionals.slice(1);
  if (rest.length > 1) throw usageError(`expected at most <${name}>, got "${rest.join(' ')}"`);
  return rest[0];
}

/** generate <n> [address]: mines n blocks at once (regtest only; needs the node token). */
async function generate(ctx: CommandContext): Promise<void> {
  const rest = ctx.opts.positionals.slice(1);
  if (rest.length < 1 || rest.length > 2) throw usageError('expected <n> [address]');
  const n = Number(rest[0]);
  if (!/^\d+$/.test(rest[0]!) || n < 1 || n > MAX_GENERATE) throw usageError(`invalid block count "${rest[0]}": a whole number from 1 to ${MAX_GENERATE}`);
  const address = rest[1] !== undefined ? userAddress(rest[1], 'address') : walletAddresses(ctx)[0]!;
  if (!ctx.node.hasToken) throw usageError('generate needs the node token: --token TOKEN or env HACKCOIN_TOKEN (the node prints it at start-up)');
  const r = await ctx.node.call('POST /api/mining/generate', {}, { body: { count: n, address } });
  ctx.out.result({ ...r, address }, [...r.blocks, `mined ${r.blocks.length} block${r.blocks.length === 1 ? '' : 's'} to ${address}; height ${r.height}`]);
}

/** getblock <hash|height>: the block's header fields, size, miner, reward and transactions. */
async function getblock(ctx: CommandContext): Promise<void> {
  const [id] = takeArgs(ctx.opts, 1, ['hash|height']);
  if (!/^(\d{1,10}|[0-9a-fA-F]{64})$/.test(id!)) throw usageError(`invalid block "${id}": a height or a 64-hex-digit hash`);
  const b = await ctx.node.call('GET /api/blocks/:id', { id: id! });
  ctx.out.result(b, [
    `hash           ${b.hash}`,
    `height         ${b.height}`,
    `time           ${new Date(b.time * 1000).toISOString()}`,
    `difficulty     ${b.difficulty}`,
    `confirmations  ${b.confirmations ?? 'not on the main chain'}`,
    `previous       ${b.previousHash}`,
    `next           ${b.nextHash ?? '-'}`,
    `size           ${b.stats.size} bytes`,
    `miner          ${b.stats.miner}`,
    `reward         ${formatHck(BigInt(b.stats.reward))} HCK (subsidy ${formatHck(BigInt(b.stats.subsidy))}, fees ${b.stats.fees === null ? 'unknown off the main chain' : formatHck(BigInt(b.stats.fees))})`,
    `transactions   ${b.txCount}`,
    ...table(b.transactions.map((t) => [t.id, t.type, t.from ?? 'coinbase', '→', t.to, `${formatHck(BigInt(t.amount))} HCK`])).map((l) => `  ${l}`),
  ]);
}

/** getbalance [address]: confirmed balance of an address, else the whole wallet's. */
async function getbalance(ctx: CommandContext): Promise<void> {
  const arg = oneOptional(ctx, 'address');
  const addresses = arg !== undefined ? [userAddress(arg, 'address')] : walletAddresses(ctx);
  let confirmed = 0n;
  let available = 0n;
  for (const a of addresses) {
    const s = await addressState(ctx.node, a);
    confirmed += s.balance.confirmed;
    available += s.balance.available;
  }
  ctx.out.result(
    { unit: 'HCK', balance: formatHck(confirmed), available: formatHck(available), addresses },
    `${formatHck(confirmed)} HCK${available !== confirmed ? ` (available ${formatHck(available)} HCK after pending sends)` : ''}`,
  );
}

/** getpeerinfo: the node's peer-to-peer connections. */
async function getpeerinfo(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  // A node without P2P refuses with its own reason (P2P=false), shown as it is.
  const r = await ctx.node.call('GET /api/network/peers', {});
  ctx.out.result(r, [
    `${r.count} peer${r.count === 1 ? '' : 's'}`,
    ...table([
      ['id', 'address', 'dir', 'height', 'latency', 'ban score'],
      ...r.peers.map((p) => [p.id, p.address, p.direction === 'inbound' ? 'in' : 'out', String(p.bestHeight ?? '-'), p.latencyMs === null ? '-' : `${p.latencyMs} ms`, String(p.banScore)]),
    ]),
  ]);
}

/** getmempoolinfo: size, bytes and the fee estimate (core's fee policy). */
async function getmempoolinfo(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const m = await ctx.node.call('GET /api/mempool', {}, { query: { limit: 1 } });
  const fees = parseFeeEstimate(await ctx.node.call('GET /api/fees/estimate', {}));
  const rates = (f: { slow: bigint; normal: bigint; fast: bigint }) => ({ slow: f.slow.toString(), normal: f.normal.toString(), fast: f.fast.toString() });
  ctx.out.result({ size: m.size, bytes: m.bytes, minFeeRate: m.minFeeRate, feeRate: rates(fees.perByte), gasPrice: rates(fees.gasPrice) }, [
    `transactions   ${m.size}`,
    `bytes          ${m.bytes}`,
    `min fee rate   ${m.minFeeRate.toFixed(2)} base units/byte`,
    `fee rate       slow ${fees.perByte.slow} · normal ${fees.perByte.normal} · fast ${fees.perByte.fast} base units/byte`,
    `gas price      slow ${fees.gasPrice.slow} · normal ${fees.gasPrice.normal} · fast ${fees.gasPrice.fast} base units/gas`,
  ]);
}

export const CHAIN_COMMANDS: Record<string, (ctx: CommandContext) => Promise<void>> = { generate, getblock, getbalance, getpeerinfo, getmempoolinfo };
