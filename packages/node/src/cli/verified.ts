import { LightClient, UntrustworthyNode, httpProofSource, parseAddress, type ConsensusParams, type VerifiedAccount } from '@hackcoin/core';
import { networkParams } from './chain-info.js';
import type { CommandContext } from './context.js';
import { CliError, EXIT, usageError } from './errors.js';

/** Confirmations the proven header needs: 1 on regtest, where blocks are mined on demand, 6 elsewhere. */
function confirmations(flag: string | undefined, network: string): number {
  if (flag === undefined) return network === 'regtest' ? 1 : 6;
  if (!/^\d{1,4}$/.test(flag) || Number(flag) < 1) throw usageError(`invalid --confirmations "${flag}": expected 1–9999`);
  return Number(flag);
}

/**
 * `--verify`: the node's headers are checked from genesis and each address's
 * balance and nonce are read only through proofs against them, so a node
 * that lies is named instead of believed.
 */
export async function verifiedAccounts(ctx: CommandContext, addresses: readonly string[]): Promise<Map<string, VerifiedAccount>> {
  const params = await networkParams(ctx.node, ctx.opts);
  return provenAccounts(ctx, params, addresses, confirmations(ctx.opts.flags.confirmations, params.network));
}

/** Each address's account through proofs against the node's headers checked from genesis, `depth` confirmations deep. */
async function provenAccounts(ctx: CommandContext, params: ConsensusParams, addresses: readonly string[], depth: number): Promise<Map<string, VerifiedAccount>> {
  const client = new LightClient(httpProofSource(ctx.opts.nodeUrl), params, depth);
  const out = new Map<string, VerifiedAccount>();
  try {
    await client.sync();
    for (const a of addresses) out.set(a, await client.account(parseAddress(a)));
  } catch (e) {
    if (e instanceof UntrustworthyNode) throw new CliError(`node ${ctx.opts.nodeUrl} is untrustworthy: ${e.message}`, EXIT.node);
    throw e;
  }
  return out;
}

/**
 * Before anything is signed: the sender's confirmed nonce, as the node told it, must be the one its
 * proof at the tip (one confirmation) shows. A node claiming a higher one got a transaction signed at
 * a nonce the network could not use yet, to hold back and broadcast once the user's later sends
 * filled the gap, paying twice. The pending run above it is checked by its signatures (chain-info).
 */
export async function checkProvenNonce(ctx: CommandContext, address: string, claimed: bigint): Promise<void> {
  const proven = (await provenAccounts(ctx, await networkParams(ctx.node, ctx.opts), [address], 1)).get(address)!;
  if (proven.nonce !== claimed) {
    throw new CliError(
      `the node says ${address} has sent ${claimed} transaction(s), its proof at height ${proven.height} says ${proven.nonce}: refusing to sign (if a block just arrived, try again)`,
      EXIT.node,
    );
  }
}
