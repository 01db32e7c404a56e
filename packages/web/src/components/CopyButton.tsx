import { useState } from 'react';

/** Two overlapping sheets, drawn (not a font glyph, which not every system has). */
function CopyIcon() {
  return (
    <svg viewBox="0 0 16 16" width="12" height="12" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden>
      <rect x="5" y="5" width="9" height="9" rx="1.5" />
      <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
    </svg>
  );
}

/** How long a copied secret may stay on the clipboard before it is cleared (if it is still there). */
const SECRET_CLIPBOARD_MS = 30_000;

/**
 * Copies an id or address to the clipboard; says so for a moment (and to screen readers). A
 * `secret` (a recovery phrase) is never written into the page's attributes, where it sat in the
 * button's label and was read aloud on focus, and leaves the clipboard after 30 s when it is
 * still what the clipboard holds.
 */
export function CopyButton({ text, label = 'Copy', secret = false }: { text: string; label?: string; secret?: boolean }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
      if (secret) setTimeout(() => void clearIfStill(text), SECRET_CLIPBOARD_MS);
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(null), 1500);
  };
  return (
    <button
      type="button"
      onClick={() => void copy()}
      aria-label={secret ? label : `${label}: ${text}`}
      title={label}
      data-testid="copy-button"
      className="ml-1 inline-flex h-6 min-w-6 items-center justify-center rounded px-1 align-middle text-xs text-slate-400 hover:bg-slate-800 hover:text-slate-100"
    >
      <span aria-live="polite">{done === 'copied' ? '✓' : done === 'failed' ? '✗' : <CopyIcon />}</span>
    </button>
  );
}

/** Best effort: reading the clipboard may be refused, and then it is left alone. */
async function clearIfStill(text: string): Promise<void> {
  try {
    if ((await navigator.clipboard.readText()) === text) await navigator.clipboard.writeText('');
  } catch {
    // No permission to read it: nothing is overwritten that might be the user's own.
  }
}
