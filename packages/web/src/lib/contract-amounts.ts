import { formatAmountIn, type AmountUnit } from './amount';

/**
 * Which values of a contract are coin amounts (HCK base units, what msg.value
 * and transfer() carry), by contract kind (lib/contract-kind): return values
 * of functions, whole ('self') or some fields of the object they return, and
 * fields of events. A token's amounts are in the token's own units and are not
 * coin amounts; an unknown contract's values are shown as they are.
 */
type Fields = 'self' | string[];

const RETURNS: Record<string, Record<string, Fields>> = {
  Auction: { pendingReturn: 'self', highestBid: 'self' },
  'Multi-signature wallet': { transaction: ['amount'] },
};

const EVENTS: Record<string, Record<string, string[]>> = {
  Auction: { HighestBidIncreased: ['amount'], AuctionEnded: ['amount'] },
  'Multi-signature wallet': { Deposit: ['amount'], Submitted: ['amount'] },
};

const isUnits = (v: unknown): v is number | string | bigint =>
  (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,20}$/.test(v)) || typeof v === 'bigint';

function show(value: unknown, fields: Fields | undefined, unit: AmountUnit): string {
  if (fields === 'self' && isUnits(value)) return formatAmountIn(value, unit);
  if (Array.isArray(fields) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fields.includes(k) && isUnits(v) ? formatAmountIn(v, unit) : v]));
    return JSON.stringify(out);
  }
  return JSON.stringify(value ?? null);
}

/** A function's return value as text, its coin amounts in the chosen unit. */
export function showReturn(kind: string, fn: string, value: unknown, unit: AmountUnit): string {
  return show(value, RETURNS[kind]?.[fn], unit);
}

/** An event's data as text, its coin amounts in the chosen unit. */
export function showEvent(kind: string, event: string, data: unknown, unit: AmountUnit): string {
  return show(data, EVENTS[kind]?.[event], unit);
}
