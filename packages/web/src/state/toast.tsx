import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../lib/api';
import { visibleText } from '../lib/visible-text';

export type ToastKind = 'success' | 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

export interface ToastApi {
  success: (text: string) => void;
  info: (text: string) => void;
  /** Shows the node's rule code and message for API errors. */
  error: (e: unknown, context?: string) => void;
}

const Ctx = createContext<ToastApi | null>(null);
const TTL = { success: 5000, info: 5000, error: 9000 } as const;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const push = useCallback(
    (kind: ToastKind, text: string) => {
      const id = next.current++;
      setToasts((t) => [...t.slice(-4), { id, kind, text }]);
      setTimeout(() => dismiss(id), TTL[kind]);
    },
    [dismiss],
  );
  const api = useMemo<ToastApi>(
    () => ({
      success: (t) => push('success', t),
      info: (t) => push('info', t),
      error: (e, context) => push('error', context ? `${context}: ${errorText(e)}` : errorText(e)),
    }),
    [push],
  );
  return (
    <Ctx.Provider value={api}>
      {children}
      <Toasts toasts={toasts} dismiss={dismiss} />
    </Ctx.Provider>
  );
}

const STYLE: Record<ToastKind, string> = {
  success: 'border-emerald-500/60 bg-emerald-950/95 text-emerald-100',
  error: 'border-rose-500/60 bg-rose-950/95 text-rose-100',
  info: 'border-sky-500/60 bg-sky-950/95 text-sky-100',
};

/** Success and info texts name functions and values a contract author chose too: every toast goes through visibleText. */
function Toasts({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  return (
    <div className="pointer-events-none fixed inset-x-2 bottom-2 z-50 flex flex-col items-end gap-2 sm:inset-x-auto sm:right-4 sm:bottom-4 sm:w-96">
      <div role="status" aria-live="polite" className="contents">
        {toasts.map((t) => (
          <div
            key={t.id}
            data-testid={`toast-${t.kind}`}
            role={t.kind === 'error' ? 'alert' : undefined}
            className={`pointer-events-auto flex w-full items-start gap-2 rounded-lg border px-3 py-2 text-sm shadow-lg ${STYLE[t.kind]}`}
          >
            <span className="min-w-0 flex-1 break-words">{visibleText(t.text)}</span>
            <button type="button" onClick={() => dismiss(t.id)} className="shrink-0 rounded px-1 opacity-70 hover:opacity-100" aria-label="Dismiss notification">
              ×
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}

export function useToast(): ToastApi {
  const t = useContext(Ctx);
  if (!t) throw new Error('useToast outside ToastProvider');
  return t;
}
