/**
 * HCK amounts. The API carries base units (1 HCK = 10^8) as decimal strings;
 * everything here is exact bigint arithmetic, never floating point.
 */
export const DECIMALS = 8;
export const COIN = 100_000_000n;
const U64_MAX = (1n << 64n) - 1n;

export function toUnits(v: bigint | string | number): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  return /^-?\d+$/.test(v) ? BigInt(v) : 0n;
}

/** "123456789" → "1.23456789"; trailing zeros trimmed; `group` adds thousands separators. */
export function formatUnits(value: bigint | string | number, opts: { group?: boolean; minDecimals?: number } = {}): string {
  const units = toUnits(value);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  let whole = (abs / COIN).toString();
  let frac = (abs % COIN).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  if (opts.minDecimals && frac.length < opts.minDecimals) frac = frac.padEnd(opts.minDecimals, '0');
  if (opts.group) whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

export function formatHckAmount(value: bigint | string | number): string {
  return `${formatUnits(value, { group: true })} HCK`;
}

/** How amounts are shown where the user can choose (the contract IDE): whole HCK or base units. The value is always base units. */
export type AmountUnit = 'HCK' | 'base';

export function formatAmountIn(value: bigint | string | number, unit: AmountUnit): string {
  if (unit === 'HCK') return formatHckAmount(value);
  return `${toUnits(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')} base units`;
}

export type AmountParse = { ok: true; units: bigint } | { ok: false; error: string };

/**
 * Parses what a user types in an amount field: "1", "1.5", ".5", "1,000.25"
 * (commas as thousands separators), at most 8 decimals, within 64 bits.
 */
export function parseAmountInput(text: string, opts: { allowZero?: boolean } = {}): AmountParse {
  const t = text.trim().replace(/[,_\s]/g, '');
  if (t === '') return { ok: false, error: 'Enter an amount' };
  const m = /^(\d*)(?:\.(\d*))?$/.exec(t);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return { ok: false, error: 'Use digits and one decimal point, e.g. 1.5' };
  const frac = m[2] ?? '';
  if (frac.length > DECIMALS) return { ok: false, error: `At most ${DECIMALS} decimal places` };
  const units = BigInt(m[1] || '0') * COIN + BigInt(frac.padEnd(DECIMALS, '0') || '0');
  if (units > U64_MAX) return { ok: false, error: 'Amount is too large' };
  if (units === 0n && !opts.allowZero) return { ok: false, error: 'Amount must be greater than zero' };
  return { ok: true, units };
}
