import { COIN } from '../consensus/params.js';

const DECIMALS = 8;

/** Formats base units as a decimal HCK string with exact integer arithmetic. */
export function formatHck(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / COIN;
  const frac = (abs % COIN).toString().padStart(DECIMALS, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** Parses a decimal HCK string ("1.5") into base units; rejects more than 8 decimals. */
export function parseHck(text: string): bigint {
  const m = /^(\d+)(?:\.(\d{1,8}))?$/.exec(text.trim());
  if (!m) throw new Error(`invalid HCK amount "${text}" (up to 8 decimal places)`);
  const frac = (m[2] ?? '').padEnd(DECIMALS, '0');
  return BigInt(m[1]!) * COIN + BigInt(frac);
}
