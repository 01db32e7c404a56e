/**
 * The encrypted keystore lives in localStorage. Its metadata (addresses and
 * labels) is clear text, so pages can list addresses before unlocking; such
 * addresses are unverified until the wallet is unlocked (docs/wallet.md).
 */
const KEY = 'hackcoin.keystore.v1';

export interface StoredAddress {
  address: string;
  label: string;
}

export function loadKeystoreText(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveKeystoreText(text: string): void {
  localStorage.setItem(KEY, text);
}

export function removeKeystore(): void {
  localStorage.removeItem(KEY);
}

export function storedAddresses(text: string | null = loadKeystoreText()): StoredAddress[] {
  if (!text) return [];
  try {
    const file = JSON.parse(text) as { meta?: { addresses?: unknown } };
    const list = Array.isArray(file.meta?.addresses) ? (file.meta.addresses as unknown[]) : [];
    return list.flatMap((a) => {
      const r = a as { address?: unknown; label?: unknown };
      return typeof r.address === 'string' ? [{ address: r.address, label: typeof r.label === 'string' ? r.label : '' }] : [];
    });
  } catch {
    return [];
  }
}
