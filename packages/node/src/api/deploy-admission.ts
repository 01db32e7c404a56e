import { setImmediate as ioTurn } from 'node:timers/promises';
import type { FastifyRequest } from 'fastify';
import { checkTransferSanity, checkTransferSignature, contractPayload, isContractTx, type ConsensusParams, type SignatureBackend, type TransferTx } from '@hackcoin/core';
import { ContractError } from '../contracts/errors.js';
import { prepareOnce } from '../contracts/prepare-once.js';
import type { PreparedContract } from '../contracts/types.js';
import type { Mempool } from '../mempool/mempool.js';
import type { EngineBudget, EngineReservation } from './engine-budget.js';
import { HttpError } from './http-error.js';

/**
 * Wall-time cap of one call or estimate (the engine's kill switch stops it as out-of-gas), and
 * what a deploy's preparation reserves. With the gas cap this bounds the CPU an unauthenticated
 * request can take; state reads are synchronous, so nothing re-runs.
 */
export const ENGINE_TIME_LIMIT_MS = 1_000;

/** The source of `tx`'s deploy payload, or undefined for any other transaction (a malformed payload is the mempool's to refuse, by rule). */
export function deploySource(tx: TransferTx, params: ConsensusParams): string | undefined {
  if (!isContractTx(tx)) return undefined;
  try {
    const payload = contractPayload(tx, params);
    return payload.type === 'deploy' ? payload.code : undefined;
  } catch {
    return undefined;
  }
}

/** `refuseReverting`: a source the engine refuses (it could only revert when mined) is a 400 `bad-contract-source`; else it is admitted, to revert. */
export type AdmitDeploy = (tx: TransferTx, id: string, source: string, req: FastifyRequest, refuseReverting?: boolean) => Promise<void>;

/**
 * What a deploy submitted over the API passes before the mempool sees it, whichever route
 * carried it: the mempool's rules a sender must pass to be heard at all (sanity, signature, then
 * Mempool.precheck: fees, nonce, its run and funds), then its source prepared on the asking
 * address's share of engine time. Preparing a source takes up to a second of the main thread:
 * done first it cost a request with any key nothing, and through POST /api/transactions (no
 * budget) one address sending new sources twice a second held the event loop.
 */
export function deployAdmission(
  d: { mempool: Pick<Mempool, 'get' | 'precheck'>; params: ConsensusParams; backend: SignatureBackend },
  budget: EngineBudget,
  prepare: (source: string) => PreparedContract = prepareOnce,
): AdmitDeploy {
  return async (tx, id, source, req, refuseReverting = true) => {
    // A deploy already pooled goes straight to the mempool, which refuses it as known.
    if (d.mempool.get(id) !== undefined) return;
    checkTransferSanity(tx, d.params);
    checkTransferSignature(tx, d.backend);
    d.mempool.precheck(tx);
    const reservation = budget.admit(req, ENGINE_TIME_LIMIT_MS);
    try {
      await prepareOn(reservation, source, prepare);
    } catch (e) {
      if (refuseReverting || !(e instanceof HttpError && e.code === 'bad-contract-source')) throw e;
    } finally {
      reservation.release();
    }
  };
}

/** Instruments `source` on `reservation`'s time; a source that could only revert is refused as bad-contract-source. */
export async function prepareOn(reservation: EngineReservation, source: string, prepare: (source: string) => PreparedContract): Promise<PreparedContract> {
  await ioTurn();
  try {
    return reservation.measure(() => prepare(source));
  } catch (e) {
    if (e instanceof ContractError) throw new HttpError(400, e.message, 'bad-contract-source');
    throw e;
  }
}
