import { decodeHeader, formatHck, hashToHex, headerHash, hexToBytes, parseFeeEstimate } from '@hackcoin/core';
import { addressState, userAddress } from '../chain-info.js';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { intFlag, takeArgs } from '../options.js';
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

/** getblockchaininfo: the network, tip and sync state, as bitcoin-cli prints them. */
async function getblockchaininfo(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const [info, health] = await Promise.all([ctx.node.call('GET /api/node/info', {}), ctx.node.call('GET /api/health', {})]);
  const r = {
    chain: info.network,
    chainId: info.chainId,
    blocks: info.height,
    headers: Math.max(info.height, health.bestKnownHeight),
    bestblockhash: info.bestHash,
    difficulty: info.difficulty,
    chainwork: info.chainWork,
    genesis: info.genesis,
    status: health.status,
    tipAgeSeconds: health.tipAgeSeconds,
  };
  ctx.out.result(r, [
    `chain          ${r.chain} (chain id ${r.chainId})`,
    `blocks         ${r.blocks}`,
    `headers        ${r.headers}`,
    `best block     ${r.bestblockhash}`,
    `difficulty     ${r.difficulty}`,
    `chain work     0x${r.chainwork}`,
    `status         ${r.status}${health.reason ? ` (${health.reason})` : ''}, tip ${r.tipAgeSeconds} s old`,
  ]);
}

/** getblockcount: the height of the node's best chain. */
async function getblockcount(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const info = await ctx.node.call('GET /api/node/info', {});
  ctx.out.result({ blocks: info.height }, String(info.height));
}

/** getbestblockhash: the hash of the best chain's tip. */
async function getbestblockhash(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const info = await ctx.node.call('GET /api/node/info', {});
  ctx.out.result({ hash: info.bestHash }, info.bestHash);
}

/** getblockhash <height>: the hash of the main-chain block at a height. */
async function getblockhash(ctx: CommandContext): Promise<void> {
  const [h] = takeArgs(ctx.opts, 1, ['height']);
  if (!/^\d{1,10}$/.test(h!)) throw usageError(`invalid height "${h}": a whole number`);
  const r = await ctx.node.call('GET /api/headers', {}, { query: { from: Number(h), count: 1 } });
  const header = r.headers[0];
  if (header === undefined) throw usageError(`no block at height ${h} (the tip is ${r.tipHeight})`);
  const hash = hashToHex(headerHash(decodeHeader(hexToBytes(header))));
  ctx.out.result({ height: Number(h), hash }, hash);
}

/** gettransaction <txid>: any transaction the node knows, pending or mined (bitcoin-cli's getrawtransaction <txid> true). */
async function gettransaction(ctx: CommandContext): Promise<void> {
  const [id] = takeArgs(ctx.opts, 1, ['txid']);
  if (!/^[0-9a-fA-F]{64}$/.test(id!)) throw usageError(`invalid transaction id "${id}": 64 hex digits`);
  const t = await ctx.node.call('GET /api/tx/:id', { id: id!.toLowerCase() });
  ctx.out.result(t, [
    `id             ${t.id}`,
    `type           ${t.type}`,
    `status         ${t.status}${t.blockHeight !== null ? ` in block ${t.blockHeight} (${t.confirmations} confirmation${t.confirmations === 1 ? '' : 's'})` : ''}`,
    `from           ${t.from ?? 'coinbase'}`,
    `to             ${t.to}`,
    `amount         ${formatHck(BigInt(t.amount))} HCK`,
    ...(t.fee !== undefined ? [`fee            ${formatHck(BigInt(t.fee))} HCK${t.receipt ? ` (gas used ${t.receipt.gasUsed})` : ''}`] : []),
    ...(t.nonce !== undefined ? [`nonce          ${t.nonce}`] : []),
    `size           ${t.size} bytes`,
  ]);
}

/** getrawmempool: ids of waiting transactions, highest fee rate first (the first --limit, default 100). */
async function getrawmempool(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const limit = intFlag(ctx.opts.flags.limit, 'limit', 1, 100, 100);
  const m = await ctx.node.call('GET /api/mempool', {}, { query: { limit } });
  const ids = m.transactions.map((t) => t.id);
  ctx.out.result({ size: m.size, txids: ids }, [...ids, ...(m.size > ids.length ? [`(${m.size - ids.length} more; --limit up to 100)`] : [])]);
}

/** sendrawtransaction <hex>: submits a transaction signed elsewhere, as its hex encoding. */
async function sendrawtransaction(ctx: CommandContext): Promise<void> {
  const [raw] = takeArgs(ctx.opts, 1, ['hex']);
  if (!/^([0-9a-fA-F]{2})+$/.test(raw!)) throw usageError('invalid transaction: an even number of hex digits');
  const r = await ctx.node.call('POST /api/transactions', {}, { body: { raw: raw!.toLowerCase() } });
  ctx.out.result(r, r.id);
}

/** getnetworkinfo: this node's peer id, addresses, connections and sync state. */
async function getnetworkinfo(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const n = await ctx.node.call('GET /api/network/status', {});
  ctx.out.result(n, [
    `peer id        ${n.peerId}`,
    ...n.addrs.map((a, i) => `${i === 0 ? 'addresses      ' : '               '}${a}`),
    `connections    ${n.peers.total} (${n.peers.outbound} out, ${n.peers.inbound} in)`,
    `sync           ${n.sync.state}, height ${n.sync.height} of ${n.sync.targetHeight}`,
    `address book   ${n.addressBook}`,
    `bans           ${n.bans}`,
  ]);
}

/** getmininginfo: the tip, difficulty, network hash rate and this node's miner. */
async function getmininginfo(ctx: CommandContext): Promise<void> {
  takeArgs(ctx.opts, 1, []);
  const m = await ctx.node.call('GET /api/mining/status', {});
  ctx.out.result(m, [
    `blocks         ${m.height}`,
    `difficulty     ${m.difficulty}`,
    `network rate   ${Math.round(m.networkHashrate)} H/s`,
    `mining         ${m.running ? `yes, ${m.threads} thread${m.threads === 1 ? '' : 's'} (${m.backend}) at ${Math.round(m.hashrate)} H/s to ${m.address}` : 'no'}`,
    `blocks found   ${m.blocksFound}`,
    `template       ${m.templateTxs} transactions`,
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

export const CHAIN_COMMANDS: Record<string, (ctx: CommandContext) => Promise<void>> = {
  generate,
  getblockchaininfo,
  getblockcount,
  getbestblockhash,
  getblockhash,
  getblock,
  gettransaction,
  getrawmempool,
  sendrawtransaction,
  getbalance,
  getpeerinfo,
  getnetworkinfo,
  getmininginfo,
  getmempoolinfo,
};
