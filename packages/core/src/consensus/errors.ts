/**
 * Every rejection names the rule it broke, like Bitcoin Core's reject reasons,
 * so tests, peers and API clients can tell failures apart. `score` is the
 * misbehaviour weight a peer earns for sending the offending object (0 when
 * an honest peer could send it, e.g. a transaction that became stale).
 */
export type RejectCode =
  // header / proof of work
  | 'high-hash'
  | 'bad-diffbits'
  | 'time-too-old'
  | 'time-too-new'
  | 'time-timewarp-attack'
  | 'bad-version'
  | 'bad-prevblk'
  | 'duplicate'
  | 'invalid-ancestor'
  // block body
  | 'bad-merkle-root'
  | 'bad-blk-length'
  | 'bad-blk-txns'
  | 'bad-cb-missing'
  | 'bad-cb-multiple'
  | 'bad-cb-height'
  | 'bad-cb-extra'
  | 'bad-cb-amount'
  | 'bad-cb-chainid'
  | 'bad-state-root'
  | 'bad-txns-duplicate'
  | 'bad-blk-decode'
  | 'bad-blk-gas'
  // transactions
  | 'bad-txns-decode'
  | 'bad-txns-version'
  | 'bad-txns-chainid'
  | 'bad-txns-sig'
  | 'bad-txns-nonce-too-low'
  | 'bad-txns-nonce-gap'
  | 'bad-txns-insufficient-funds'
  | 'bad-txns-amount-overflow'
  | 'bad-txns-data-length'
  | 'bad-txns-oversize'
  | 'bad-txns-contract-payload'
  | 'bad-txns-contract-fee'
  | 'bad-txns-contract-gas'
  | 'bad-txns-contract-args-too-deep'
  | 'bad-txns-contract-source-size'
  | 'bad-txns-contract-too-deep'
  | 'bad-txns-contract-exports'
  // mempool policy
  | 'txn-already-known'
  | 'min-fee-not-met'
  | 'txn-replace-fee-too-low'
  | 'mempool-full'
  | 'mempool-min-fee-not-met'
  | 'too-many-pending'
  | 'txn-in-chain';

export class RuleError extends Error {
  override name = 'RuleError';
  constructor(
    readonly code: RejectCode,
    readonly detail = '',
    readonly score = 100,
  ) {
    super(detail ? `${code}: ${detail}` : code);
  }
}

export function reject(code: RejectCode, detail = '', score = 100): never {
  throw new RuleError(code, detail, score);
}
