import { readFileSync } from 'node:fs';
import { ZERO_ADDRESS, formatAddress, utf8ToBytes } from '@hackcoin/core';
import type { CommandContext } from '../context.js';
import { usageError } from '../errors.js';
import { takeArgs } from '../options.js';
import { userAddress } from '../chain-info.js';
import { sendTransfer } from './transfer.js';

/**
 * PREVIEW. The contract engine is not yet part of block validation: these
 * commands only put a JSON payload into an ordinary transfer's `data`, so
 * the transfer confirms (amount and fee move) but no code runs yet.
 */
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

const encode = (payload: Record<string, unknown>): Uint8Array => utf8ToBytes(JSON.stringify(payload));

export async function contractCommand(ctx: CommandContext): Promise<void> {
  const { opts } = ctx;
  const sub = opts.positionals[2];
  const args = parseArgsFlag(opts.flags.args);
  const value = opts.flags.value ?? '0';
  ctx.out.note('note: contracts are a preview; the chain does not execute contract code yet (see docs/cli.md).');
  if (sub === 'deploy') {
    const [path] = takeArgs(opts, 3, ['file.js']);
    let code: string;
    try {
      code = readFileSync(path!, 'utf8');
    } catch (e) {
      throw usageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    // No recipient exists before deployment; the zero address marks a deploy, as Ethereum's empty `to` does.
    await sendTransfer(ctx, { to: formatAddress(ZERO_ADDRESS), amount: value, data: encode({ type: 'deploy', code, args }), what: 'Deploy contract' });
    return;
  }
  if (sub === 'call' || sub === 'execute') {
    const [contract, fn] = takeArgs(opts, 3, ['contract', 'function']);
    const to = userAddress(contract!, 'invalid contract address');
    if (!/^[A-Za-z_$][\w$]{0,63}$/.test(fn!)) throw usageError(`invalid function name "${fn}"`);
    await sendTransfer(ctx, { to, amount: value, data: encode({ type: 'execute', contract: to, fn, args }), what: `Call ${fn}` });
    return;
  }
  throw usageError('usage: hackcoin wallet contract deploy <file.js> | call|execute <contract> <function> [--args JSON] [--value HCK]');
}
