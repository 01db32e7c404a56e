import type { z } from 'zod';
import * as q from './requests.js';
import * as c from './chain-responses.js';
import * as n from './node-responses.js';

export interface RouteContract {
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** The JSON of a success (2xx) answer. */
  response: z.ZodType;
  /** Needs the node's token as a bearer token (control routes). */
  auth?: true;
  /** Non-2xx statuses whose body is still `response` rather than an error (health's 503). */
  alsoFor?: readonly number[];
}

/**
 * Every route of the node's HTTP API, keyed `METHOD /path/:param` as the node registers it. The node
 * validates input with these, /api/docs is generated from them, and the web app and the CLI check
 * every answer against `response`.
 */
export const API_ROUTES = {
  'GET /api/node/info': { response: c.nodeInfoSchema },
  'GET /api/health': { response: c.healthSchema, alsoFor: [503] },
  'GET /api/blocks': { querystring: q.pagingQuery, response: c.blocksPageSchema },
  'GET /api/blocks/:id': { params: q.hashOrHeight, response: c.blockDetailSchema },
  'GET /api/blockchain/full': { response: c.fullChainSchema },
  'GET /api/tx/:id': { params: q.txIdParam, response: c.txDetailSchema },
  'GET /api/search/:id': { params: q.txIdParam, response: c.searchSchema },
  'GET /api/address/:address': { params: q.addressParam, querystring: q.addressHistoryQuery, response: c.addressInfoSchema },
  'GET /api/address/:address/history': { params: q.addressParam, querystring: q.addressHistoryQuery, response: c.historySchema },
  'GET /api/mempool': { querystring: q.pagingQuery, response: c.mempoolSchema },
  'GET /api/fees/estimate': { response: c.feeEstimateSchema },
  'POST /api/transactions': { body: q.signedTx, response: c.submittedSchema },
  'POST /api/transaction': { body: q.signedTx, response: c.submittedSchema },
  'GET /api/proof/account/:address': { params: q.addressParam, querystring: q.blockQuery, response: c.accountProofSchema },
  'GET /api/proof/storage/:contract/:key': { params: q.storageParams, querystring: q.blockQuery, response: c.storageProofSchema },
  'GET /api/headers': { querystring: q.headersQuery, response: c.headersSchema },
  'GET /api/contracts': { querystring: q.pagingQuery, response: n.contractListSchema },
  'GET /api/contracts/:address': { params: q.addressParam, querystring: q.contractQuery, response: n.contractDetailSchema },
  'POST /api/contracts/deploy': { body: q.signedTx, response: n.contractSubmittedSchema },
  'POST /api/contracts/execute': { body: q.signedTx, response: n.contractSubmittedSchema },
  'POST /api/contracts/call': { body: q.contractCallBody, response: n.contractCallSchema },
  'POST /api/contracts/estimate-gas': { body: q.estimateGasBody, response: n.gasEstimateSchema },
  'GET /api/mining/status': { response: n.minerStatusSchema },
  'POST /api/mining/start': { body: q.miningStartBody, response: n.minerStatusSchema, auth: true },
  'POST /api/mining/stop': { response: n.minerStatusSchema, auth: true },
  'POST /api/mining/generate': { body: q.generateBody, response: n.generatedSchema, auth: true },
  'GET /api/pool/stats': { response: n.poolStatsSchema },
  'GET /api/pool/blocks': { querystring: q.pagingQuery, response: n.poolBlocksSchema },
  'GET /api/pool/payouts': { querystring: q.pagingQuery, response: n.poolPayoutsSchema },
  'GET /api/pool/balances/:address': { params: q.addressParam, response: n.poolBalanceSchema },
  'GET /api/network/status': { response: n.networkStatusSchema },
  'GET /api/network/peers': { response: n.peersSchema },
  'GET /api/network/bans': { response: n.bansSchema },
  'POST /api/network/connect': { body: q.connectBody, response: n.connectedSchema, auth: true },
  'POST /api/network/disconnect': { body: q.disconnectBody, response: n.disconnectedSchema, auth: true },
  'POST /api/network/unban': { body: q.unbanBody, response: n.unbannedSchema, auth: true },
  'POST /api/blockchain/sync': { body: q.syncBody, response: n.syncedSchema, auth: true },
} as const satisfies Record<string, RouteContract>;

export type ApiRoute = keyof typeof API_ROUTES;

/** The JSON a route answers with, as the node sends it. */
export type ApiResponse<R extends ApiRoute> = z.output<(typeof API_ROUTES)[R]['response']>;

/** The error body of every failed request: a rule or error code, and a message naming the field. */
export interface ApiErrorBody {
  error: string;
  message: string;
}
