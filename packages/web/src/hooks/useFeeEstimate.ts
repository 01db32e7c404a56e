import { parseFeeEstimate, type FeeEstimateJson, type ParsedFeeEstimate } from '@hackcoin/core';
import { useApi } from './useApi';

/**
 * The node's fee estimate (core's fee policy, GET /api/fees/estimate), live
 * with blocks and the mempool. Undefined until the node has answered: the
 * wallet never prices a send on a guess of its own.
 */
export function useFeeEstimate(): { estimate: ParsedFeeEstimate | undefined; basis: FeeEstimateJson['basis'] | undefined; error: unknown } {
  const res = useApi<FeeEstimateJson>('/api/fees/estimate', { refreshOn: ['blocks', 'mempool'], throttleMs: 2000 });
  let estimate: ParsedFeeEstimate | undefined;
  let error = res.error;
  try {
    estimate = res.data ? parseFeeEstimate(res.data) : undefined;
  } catch (e) {
    error = e;
  }
  return { estimate, basis: estimate ? res.data?.basis : undefined, error };
}
