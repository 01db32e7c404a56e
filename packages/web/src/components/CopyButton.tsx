import { useState } from 'react';

/** Copies an id or address to the clipboard; says so for a moment (and to screen readers). */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(null), 1500);
  };
  return (
    <button
      type="button"
      onClick={() => void copy()}
      aria-label={`${label}: ${text}`}
      title={label}
      data-testid="copy-button"
      className="ml-1 inline-flex h-6 min-w-6 items-center justify-center rounded px-1 align-middle text-xs text-slate-400 hover:bg-slate-800 hover:text-slate-100"
    >
      <span aria-live="polite">{done === 'copied' ? '✓' : done === 'failed' ? '✗' : '⧉'}</span>
    </button>
  );
}
