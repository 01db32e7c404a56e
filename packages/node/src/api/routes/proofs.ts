import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  TreeWriter,
  accountPath,
  addressParam,
  blockQuery,
  bytesToHex,
  decodeStateAccount,
  encodeHeader,
  encodeStateProof,
  formatAddress,
  headersQuery,
  storageParams,
  storagePath,
  EMPTY_ROOT,
  type ApiResponse,
  type CommittedAccount,
} from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import type { ChainEntry } from '../../chain/entry.js';
import type { ChargeRate } from '../rate-limit.js';
import { HeavyGate, clientGone } from '../heavy-gate.js';
import { ProofBlocks } from '../proof-blocks.js';

function accountJson(a: CommittedAccount): ApiResponse<'GET /api/proof/account/:address'>['account'] {
  return { balance: a.balance.toString(), nonce: a.nonce.toString(), codeHash: bytesToHex(a.codeHash), storageRoot: bytesToHex(a.storageRoot) };
}

/**
 * Proofs a light client checks against headers it verified itself (see core
 * light/*): raw headers, and account or storage proofs at any block whose state tree the node
 * holds (the last 8 blocks at least, and every block whose tree it wrote).
 * The decoded fields beside each proof are a convenience for people; a
 * client must use only what verifyStateProof returns. A proof at a block whose
 * proof parts are not cached counts against the client's heavy budget.
 */
export function proofRoutes(app: FastifyInstance, ctx: ApiContext, charge: ChargeRate, gate = new HeavyGate()): void {
  const { chain } = ctx;
  // A whole block is read and decoded: it takes turns with the node's other heavy reads.
  const blocks = new ProofBlocks((e, gone) => gate.run(() => chain.getBlock(e), gone));

  const entryFor = (block: string | undefined): ChainEntry => {
    const e = block === undefined ? chain.tip : block.length === 64 ? chain.getEntry(block.toLowerCase()) : chain.getEntryByHeight(Number(block));
    if (!e) throw new HttpError(404, `block ${block} not found`, 'not-found');
    return e;
  };

  const prove = async (req: FastifyRequest, reply: FastifyReply, e: ChainEntry, who: Uint8Array, key?: string) => {
    const { header, coinbase, branch } = await blocks.at(e, () => charge(req, reply, 'heavy'), clientGone(reply));
    const nodes = new TreeWriter(chain.stateNodes);
    let account;
    let storage = null;
    let committed: CommittedAccount;
    let storageValue: Uint8Array | null = null;
    try {
      account = nodes.prove(e.stateRoot, accountPath(who));
      const raw = nodes.get(e.stateRoot, accountPath(who));
      committed = raw ? decodeStateAccount(raw) : { balance: 0n, nonce: 0n, codeHash: EMPTY_ROOT, storageRoot: EMPTY_ROOT };
      if (key !== undefined) {
        storage = { key, proof: nodes.prove(committed.storageRoot, storagePath(key)) };
        storageValue = nodes.get(committed.storageRoot, storagePath(key));
      }
    } catch (err) {
      // A side-chain block this node stored but never connected has no state tree.
      ctx.log.debug('no state tree for a proof at %s: %s', e.id, err instanceof Error ? err.message : String(err));
      throw new HttpError(404, `no state is stored for block ${e.id}`, 'not-found');
    }
    const proof = encodeStateProof({ header, coinbase, branch, account, storage });
    return { proof, committed, storageValue };
  };

  app.get('/api/proof/account/:address', async (req, reply) => {
    const { address: who } = parse(addressParam, req.params, 'address');
    const { block } = parse(blockQuery, req.query, 'query');
    const e = entryFor(block);
    const { proof, committed } = await prove(req, reply, e, who);
    return {
      block: e.id,
      height: e.height,
      address: formatAddress(who),
      account: accountJson(committed),
      size: proof.length,
      proof: bytesToHex(proof),
    } satisfies ApiResponse<'GET /api/proof/account/:address'>;
  });

  app.get('/api/proof/storage/:contract/:key', async (req, reply) => {
    const { contract, key } = parse(storageParams, req.params, 'params');
    const { block } = parse(blockQuery, req.query, 'query');
    const e = entryFor(block);
    const { proof, committed, storageValue } = await prove(req, reply, e, contract, key);
    return {
      block: e.id,
      height: e.height,
      contract: formatAddress(contract),
      key,
      value: storageValue ? new TextDecoder().decode(storageValue) : null,
      account: accountJson(committed),
      size: proof.length,
      proof: bytesToHex(proof),
    } satisfies ApiResponse<'GET /api/proof/storage/:contract/:key'>;
  });

  app.get('/api/headers', async (req, reply) => {
    const { from, count, format } = parse(headersQuery, req.query, 'query');
    // from = tip + 1 is a client that is up to date: an empty answer, not an error its browser would log.
    if (from > chain.height + 1) throw new HttpError(404, `from ${from} is above the tip (${chain.height})`, 'not-found');
    const n = Math.min(count, chain.height - from + 1);
    const out = new Uint8Array(n * 80);
    for (let i = 0; i < n; i++) out.set(encodeHeader(chain.getEntryByHeight(from + i)!.header), i * 80);
    if (format === 'binary') return reply.type('application/octet-stream').header('x-tip-height', String(chain.height)).send(Buffer.from(out));
    const headers: string[] = [];
    for (let i = 0; i < n; i++) headers.push(bytesToHex(out.subarray(i * 80, i * 80 + 80)));
    return { from, count: n, tipHeight: chain.height, tipHash: chain.tip.id, chainWork: chain.tip.chainWork.toString(16), headers } satisfies ApiResponse<'GET /api/headers'>;
  });
}
