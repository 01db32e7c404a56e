import { STORAGE_LIST_CAP } from '@hackcoin/core';

export function shortHash(h: string | null | undefined, head = 8, tail = 6): string {
  if (!h) return '—';
  return h.length <= head + tail + 1 ? h : `${h.slice(0, head)}…${h.slice(-tail)}`;
}

export function timeAgo(unixSeconds: number, now = Date.now()): string {
  const s = Math.max(0, Math.round(now / 1000 - unixSeconds));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

const UNITS = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** 1234567 → "1.23 M" (SI prefixes). */
export function siNumber(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '—';
  if (n !== 0 && Math.abs(n) < 0.01) return n.toExponential(1);
  let i = 0;
  let v = Math.abs(n);
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const text = `${(n < 0 ? -v : v).toFixed(i === 0 && Number.isInteger(v) ? 0 : digits)}`;
  return UNITS[i] ? `${text} ${UNITS[i]}` : text;
}

export function formatHashrate(hps: number | null | undefined): string {
  if (hps === null || hps === undefined) return '—';
  const s = siNumber(hps);
  return /[a-zA-Z]$/.test(s) ? `${s}H/s` : `${s} H/s`;
}

export function formatDifficulty(d: number | null | undefined): string {
  if (d === null || d === undefined) return '—';
  return d < 1000 ? String(Number(d.toPrecision(4))) : siNumber(d);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

/** A contract's storage count as the node reports it: it stops counting at STORAGE_LIST_CAP, so that many means at least. */
export function storageEntries(n: number): string {
  return n >= STORAGE_LIST_CAP ? `${STORAGE_LIST_CAP.toLocaleString('en-US')}+` : String(n);
}
