import { setImmediate as ioTurn } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CALL_GAS_CAP,
  addressKey,
  addressParam,
  bytesToHex,
  contractCallBody,
  contractAddress,
  contractPayload,
  contractQuery,
  estimateGasBody,
  formatAddress,
  hexToBytes,
  intrinsicGas,
  pagingQuery,
  signedTx,
  txId,
  txSender,
  utf8ToBytes,
  type ApiResponse,
} from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { toTransfer } from '../signed-tx.js';
import { loadContractEngine } from '../../contracts/engine.js';
import { engineHost, keyOf } from '../../contracts/executor.js';
import { prepareOnce } from '../../contracts/prepare-once.js';
import type { PreparedContract } from '../../contracts/types.js';
import type { EngineBudget, EngineReservation } from '../engine-budget.js';
import { ENGINE_TIME_LIMIT_MS, deployAdmission, prepareOn } from '../deploy-admission.js';
import type { ChargeRate } from '../rate-limit.js';
import { StorageViews } from '../contract-storage.js';
import { HeavyGate, clientGone } from '../heavy-gate.js';

const VIEWER = '0x0000000000000000000000000000000000000000';
const MAX_U64 = 2n ** 64n - 1n;
/** Bytes of events a contract's page carries: 500 events of 16 KiB each made it 8 MiB. */
const EVENTS_MAX_BYTES = 256 * 1024;

/**
 * Contract routes. Deploy and execute take signed transactions (the same body
 * as POST /api/transactions): the node never signs for anyone. call and
 * estimate-gas run against the tip's committed state and change nothing.
 */
export function contractRoutes(
  app: FastifyInstance,
  ctx: ApiContext,
  charge: ChargeRate,
  budget: EngineBudget,
  prepare: (source: string) => PreparedContract = prepareOnce,
  /** Storage pages read from disk take turns here with the node's other heavy reads. */
  gate = new HeavyGate(),
): void {
  const { chain, mempool, params, backend } = ctx;
  const storage = new StorageViews(chain, gate);

  const admitDeploy = deployAdmission(ctx, budget, prepare);

  const submit = async (body: unknown, type: 'deploy' | 'call', req: FastifyRequest) => {
    const tx = toTransfer(parse(signedTx, body, 'body'));
    if (tx.data.length === 0) throw new HttpError(400, `invalid data: must carry a ${type} payload`, 'bad-txns-contract-payload');
    const payload = contractPayload(tx, params);
    if (payload.type !== type) throw new HttpError(400, `invalid data: this route takes a ${type} payload, not ${payload.type}`, 'bad-txns-contract-payload');
    if (payload.type === 'deploy') await admitDeploy(tx, txId(tx), payload.code, req);
    const entry = await mempool.add(tx);
    const target = payload.type === 'deploy' ? contractAddress(txSender(tx, backend), tx.nonce) : tx.to;
    return { id: entry.id, accepted: true, contractAddress: formatAddress(target) } satisfies ApiResponse<'POST /api/contracts/deploy'>;
  };
  app.post('/api/contracts/deploy', async (req) => submit(req.body, 'deploy', req));
  app.post('/api/contracts/execute', async (req) => submit(req.body, 'call', req));

  /** Runs the engine once against the tip; accounts are read on demand like block validation does. */
  const run = async (req: {
    code: string; fn: string; args: unknown[]; sender: string; value: bigint; contract: string;
    gasLimit: number; readOnly: boolean; deploying?: boolean;
    /** The asking client's admission, charged for the engine's time. */
    reservation: EngineReservation;
  }) => {
    const engine = await loadContractEngine();
    const tip = chain.tip;
    const load = await chain.accountReader([keyOf(req.contract)!]);
    const host = engineHost({
      balanceOf: (k) => load(k)?.balance ?? 0n,
      storageGet: (a, k) => chain.contracts.storageGet(a, k),
      codeOf: (a) => chain.contracts.codeOf(a),
    });
    // Admitted runs would otherwise go back to back, each up to a second, with no request served between.
    await ioTurn();
    return req.reservation.measure(() => engine.execute({
      code: req.code, fn: req.fn, args: req.args, sender: req.sender, value: req.value, contractAddress: req.contract,
      block: { height: tip.height + 1, time: tip.header.time }, gasLimit: req.gasLimit, readOnly: req.readOnly,
      host, deadline: Date.now() + ENGINE_TIME_LIMIT_MS, ...(req.deploying ? { deploying: true } : {}),
    }));
  };

  const codeAt = (addr: Uint8Array): string => {
    const code = chain.contracts.codeOf(addressKey(addr));
    if (code === undefined) throw new HttpError(404, `no contract at ${formatAddress(addr)}`, 'not-found');
    return code;
  };

  app.post('/api/contracts/call', async (req) => {
    const body = parse(contractCallBody, req.body, 'body');
    const reservation = budget.admit(req, ENGINE_TIME_LIMIT_MS);
    let r;
    try {
      r = await run({
        code: codeAt(body.contractAddress), fn: body.functionName, args: body.parameters,
        sender: body.from ? formatAddress(body.from) : VIEWER, value: 0n, contract: formatAddress(body.contractAddress),
        gasLimit: body.gasLimit, readOnly: true, reservation,
      });
    } finally {
      reservation.release();
    }
    return {
      status: r.status, gasUsed: r.gasUsed, height: chain.height,
      ...(r.returnValue !== undefined ? { returnValue: r.returnValue } : {}),
      ...(r.revertReason !== undefined ? { revertReason: r.revertReason } : {}),
    } satisfies ApiResponse<'POST /api/contracts/call'>;
  });

  app.post('/api/contracts/estimate-gas', async (req) => {
    const body = parse(estimateGasBody, req.body, 'body');
    const value = BigInt(body.value);
    // Amounts and fees are 64-bit in a transaction: an estimate beyond that could never be sent (and broke the reply's schema).
    if (value > MAX_U64) throw new HttpError(400, 'invalid body: value must fit in 64 bits', 'bad-request');
    if (BigInt(body.gasPrice) * BigInt(params.maxTxGas) > MAX_U64) throw new HttpError(400, `invalid body: gasPrice × ${params.maxTxGas} gas must fit in 64 bits`, 'bad-request');
    const reservation = budget.admit(req, ENGINE_TIME_LIMIT_MS);
    const from = formatAddress(body.from);
    let r;
    let payload: Record<string, unknown>;
    let contract: string;
    try {
      if (body.type === 'deploy') {
        // Instrumenting parses the source: engine time too.
        const { code } = await prepareOn(reservation, body.contractCode, prepare);
        contract = formatAddress(contractAddress(body.from, mempool.accountView(body.from).nextNonce));
        payload = { type: 'deploy', code: body.contractCode, init: body.initData };
        r = await run({ code, fn: 'init', args: body.initData, sender: from, value, contract, gasLimit: CALL_GAS_CAP, readOnly: false, deploying: true, reservation });
      } else {
        contract = formatAddress(body.contractAddress);
        payload = { type: 'call', fn: body.functionName, args: body.parameters };
        r = await run({
          code: codeAt(body.contractAddress), fn: body.functionName, args: body.parameters, sender: from, value, contract,
          gasLimit: CALL_GAS_CAP, readOnly: false, reservation,
        });
      }
    } finally {
      reservation.release();
    }
    // Intrinsic gas depends on the payload's size, which includes the gas fields themselves: size them at their widest.
    const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit: params.maxTxGas, gasPrice: '9'.repeat(20) }));
    const intrinsic = intrinsicGas({ data }, params, body.type === 'deploy' ? { type: 'deploy', code: body.contractCode } : { type: 'call' });
    const gasUsed = intrinsic + r.gasUsed;
    const suggested = Math.min(params.maxTxGas, Math.ceil(gasUsed * 1.2) + 1_000);
    const account = await chain.getAccount(body.from);
    return {
      status: r.status,
      gasUsed,
      intrinsicGas: intrinsic,
      executionGas: r.gasUsed,
      suggestedGasLimit: suggested,
      fee: (BigInt(suggested) * BigInt(body.gasPrice)).toString(),
      contractAddress: contract,
      balance: account.balance.toString(),
      ...(r.revertReason !== undefined ? { revertReason: r.revertReason } : {}),
    } satisfies ApiResponse<'POST /api/contracts/estimate-gas'>;
  });

  app.get('/api/contracts', async (req) => {
    const { page, limit } = parse(pagingQuery, req.query, 'query');
    const { total, items: slice } = await chain.contracts.list((page - 1) * limit, limit);
    const accounts = await chain.getAccounts(slice.map((d) => d.address));
    const counts = await storage.counts(slice.map((d) => d.address));
    return {
      page, limit, total,
      contracts: slice.map((d, i) => ({
        address: formatAddress(hexToBytes(d.address)), deployer: formatAddress(hexToBytes(d.deployer)), height: d.height,
        txId: bytesToHex(hexToBytes(d.txId).reverse()), balance: (accounts.get(d.address)?.balance ?? 0n).toString(),
        storageEntries: counts[i]!,
      })),
    } satisfies ApiResponse<'GET /api/contracts'>;
  });

  // A storage page read from disk is charged as heavy (it may read up to STORAGE_LIST_CAP slots of
  // 64 KiB); one already read at this tip, and an answer without storage, are reads.
  app.get('/api/contracts/:address', async (req, reply) => {
    const { address: addr } = parse(addressParam, req.params, 'address');
    const q = parse(contractQuery, req.query, 'query');
    const d = chain.contracts.deployment(addressKey(addr));
    if (!d) throw new HttpError(404, `no contract at ${formatAddress(addr)}`, 'not-found');
    const page = await storage.page(d.address, q.storageAfter, q.storage, () => charge(req, reply, 'heavy'), clientGone(reply));
    const [storageCount] = await storage.counts([d.address]);
    const account = await chain.getAccount(addr);
    const head = {
      address: formatAddress(addr),
      deployer: formatAddress(hexToBytes(d.deployer)),
      height: d.height,
      txId: bytesToHex(hexToBytes(d.txId).reverse()),
      balance: account.balance.toString(),
      code: d.code,
      storageCount: storageCount!,
      storageNext: page.next,
      events: await chain.contracts.events(addr, q.events, EVENTS_MAX_BYTES),
    } satisfies Omit<ApiResponse<'GET /api/contracts/:address'>, 'storage'>;
    // The page is kept as JSON text, so it is spliced in rather than parsed and serialised again.
    return reply.type('application/json').send(`${JSON.stringify(head).slice(0, -1)},"storage":{${page.json}}}`);
  });
}
