import type { FastifyInstance } from 'fastify';
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
  txSender,
  utf8ToBytes,
  type Account,
  type ApiResponse,
} from '@hackcoin/core';
import type { ApiContext } from '../context.js';
import { HttpError, parse } from '../http-error.js';
import { toTransfer } from '../signed-tx.js';
import { loadContractEngine } from '../../contracts/engine.js';
import { ContractError } from '../../contracts/errors.js';
import { engineHost, keyOf } from '../../contracts/executor.js';
import { prepareContract } from '../../contracts/instrument.js';
import type { EngineBudget } from '../engine-budget.js';

/**
 * Wall-time cap of one call or estimate (the engine's kill switch stops it as
 * out-of-gas). With the gas cap this bounds the CPU an unauthenticated
 * request can take; state reads are synchronous, so nothing re-runs.
 */
const CALL_TIME_LIMIT_MS = 1_000;
/** Storage entries counted for a contract listing; more shows as this number. */
const STORAGE_COUNT_CAP = 10_000;
const VIEWER = '0x0000000000000000000000000000000000000000';

/**
 * Contract routes. Deploy and execute take signed transactions (the same body
 * as POST /api/transactions): the node never signs for anyone. call and
 * estimate-gas run against the tip's committed state and change nothing.
 */
export function contractRoutes(app: FastifyInstance, ctx: ApiContext, budget: EngineBudget): void {
  const { chain, mempool, params, backend } = ctx;

  const submit = async (body: unknown, type: 'deploy' | 'call') => {
    const tx = toTransfer(parse(signedTx, body, 'body'));
    if (tx.data.length === 0) throw new HttpError(400, `invalid data: must carry a ${type} payload`, 'bad-txns-contract-payload');
    const payload = contractPayload(tx, params);
    if (payload.type !== type) throw new HttpError(400, `invalid data: this route takes a ${type} payload, not ${payload.type}`, 'bad-txns-contract-payload');
    if (payload.type === 'deploy') {
      try {
        prepareContract(payload.code);
      } catch (e) {
        if (e instanceof ContractError) throw new HttpError(400, e.message, 'bad-contract-source');
        throw e;
      }
    }
    const entry = await mempool.add(tx);
    const target = payload.type === 'deploy' ? contractAddress(txSender(tx, backend), tx.nonce) : tx.to;
    return { id: entry.id, accepted: true, contractAddress: formatAddress(target) } satisfies ApiResponse<'POST /api/contracts/deploy'>;
  };
  app.post('/api/contracts/deploy', async (req) => submit(req.body, 'deploy'));
  app.post('/api/contracts/execute', async (req) => submit(req.body, 'call'));

  /** Runs the engine once against the tip; accounts are read on demand like block validation does. */
  const run = async (req: {
    code: string; fn: string; args: unknown[]; sender: string; value: bigint; contract: string;
    gasLimit: number; readOnly: boolean; deploying?: boolean;
    /** The asking client's IP, charged for the engine's time. */
    client: string;
  }) => {
    const engine = await loadContractEngine();
    const tip = chain.tip;
    const load = await chain.accountReader([keyOf(req.contract)!]);
    const host = engineHost({
      balanceOf: (k) => load(k)?.balance ?? 0n,
      storageGet: (a, k) => chain.contracts.storageGet(a, k),
      codeOf: (a) => chain.contracts.codeOf(a),
    });
    return budget.measure(req.client, () => engine.execute({
      code: req.code, fn: req.fn, args: req.args, sender: req.sender, value: req.value, contractAddress: req.contract,
      block: { height: tip.height + 1, time: tip.header.time }, gasLimit: req.gasLimit, readOnly: req.readOnly,
      host, deadline: Date.now() + CALL_TIME_LIMIT_MS, ...(req.deploying ? { deploying: true } : {}),
    }));
  };

  const codeAt = (addr: Uint8Array): string => {
    const code = chain.contracts.codeOf(addressKey(addr));
    if (code === undefined) throw new HttpError(404, `no contract at ${formatAddress(addr)}`, 'not-found');
    return code;
  };

  app.post('/api/contracts/call', async (req) => {
    const body = parse(contractCallBody, req.body, 'body');
    budget.admit(req.ip);
    const r = await run({
      code: codeAt(body.contractAddress), fn: body.functionName, args: body.parameters,
      sender: body.from ? formatAddress(body.from) : VIEWER, value: 0n, contract: formatAddress(body.contractAddress),
      gasLimit: body.gasLimit, readOnly: true, client: req.ip,
    });
    return {
      status: r.status, gasUsed: r.gasUsed, height: chain.height,
      ...(r.returnValue !== undefined ? { returnValue: r.returnValue } : {}),
      ...(r.revertReason !== undefined ? { revertReason: r.revertReason } : {}),
    } satisfies ApiResponse<'POST /api/contracts/call'>;
  });

  app.post('/api/contracts/estimate-gas', async (req) => {
    const body = parse(estimateGasBody, req.body, 'body');
    budget.admit(req.ip);
    const from = formatAddress(body.from);
    let account: Account = await chain.getAccount(body.from);
    const value = BigInt(body.value);
    let r;
    let payload: Record<string, unknown>;
    let contract: string;
    if (body.type === 'deploy') {
      let code: string;
      try {
        // Instrumenting parses the source: engine time too.
        code = budget.measure(req.ip, () => prepareContract(body.contractCode)).code;
      } catch (e) {
        if (e instanceof ContractError) throw new HttpError(400, e.message, 'bad-contract-source');
        throw e;
      }
      contract = formatAddress(contractAddress(body.from, mempool.accountView(body.from).nextNonce));
      payload = { type: 'deploy', code: body.contractCode, init: body.initData };
      r = await run({ code, fn: 'init', args: body.initData, sender: from, value, contract, gasLimit: CALL_GAS_CAP, readOnly: false, deploying: true, client: req.ip });
    } else {
      contract = formatAddress(body.contractAddress);
      payload = { type: 'call', fn: body.functionName, args: body.parameters };
      r = await run({
        code: codeAt(body.contractAddress), fn: body.functionName, args: body.parameters, sender: from, value, contract,
        gasLimit: CALL_GAS_CAP, readOnly: false, client: req.ip,
      });
    }
    // Intrinsic gas depends on the payload's size, which includes the gas fields themselves: size them at their widest.
    const data = utf8ToBytes(JSON.stringify({ ...payload, gasLimit: params.maxTxGas, gasPrice: '9'.repeat(20) }));
    const intrinsic = intrinsicGas({ data }, params, body.type === 'deploy' ? { type: 'deploy', code: body.contractCode } : { type: 'call' });
    const gasUsed = intrinsic + r.gasUsed;
    const suggested = Math.min(params.maxTxGas, Math.ceil(gasUsed * 1.2) + 1_000);
    account = await chain.getAccount(body.from);
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
    const counts = await Promise.all(slice.map((d) => chain.contracts.storageCount(d.address, STORAGE_COUNT_CAP)));
    return {
      page, limit, total,
      contracts: slice.map((d, i) => ({
        address: formatAddress(hexToBytes(d.address)), deployer: formatAddress(hexToBytes(d.deployer)), height: d.height,
        txId: bytesToHex(hexToBytes(d.txId).reverse()), balance: (accounts.get(d.address)?.balance ?? 0n).toString(),
        storageEntries: counts[i]!,
      })),
    } satisfies ApiResponse<'GET /api/contracts'>;
  });

  app.get('/api/contracts/:address', async (req) => {
    const { address: addr } = parse(addressParam, req.params, 'address');
    const q = parse(contractQuery, req.query, 'query');
    const d = chain.contracts.deployment(addressKey(addr));
    if (!d) throw new HttpError(404, `no contract at ${formatAddress(addr)}`, 'not-found');
    const account = await chain.getAccount(addr);
    const entries = await chain.contracts.storageEntries(d.address, q.storage);
    const storageCount = await chain.contracts.storageCount(d.address, STORAGE_COUNT_CAP);
    return {
      address: formatAddress(addr),
      deployer: formatAddress(hexToBytes(d.deployer)),
      height: d.height,
      txId: bytesToHex(hexToBytes(d.txId).reverse()),
      balance: account.balance.toString(),
      code: d.code,
      storageCount,
      storage: Object.fromEntries(entries.map(([k, v]) => [k, JSON.parse(v) as unknown])),
      events: await chain.contracts.events(addr, q.events),
    } satisfies ApiResponse<'GET /api/contracts/:address'>;
  });
}
