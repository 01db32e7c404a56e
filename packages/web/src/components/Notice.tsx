import type { ReactNode } from 'react';
import { errorText, isUnavailable } from '../lib/api';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 py-6 text-sm text-slate-400">
      <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-500 border-t-transparent" aria-hidden />
      {label}
    </div>
  );
}

export function Notice({ tone = 'info', title, children, testId }: { tone?: 'info' | 'warn' | 'error'; title?: ReactNode; children?: ReactNode; testId?: string }) {
  const style = {
    info: 'border-sky-700/60 bg-sky-950/40 text-sky-100',
    warn: 'border-amber-600/60 bg-amber-950/40 text-amber-100',
    error: 'border-rose-700/60 bg-rose-950/40 text-rose-100',
  }[tone];
  return (
    <div data-testid={testId} role={tone === 'error' ? 'alert' : 'note'} className={`rounded-lg border px-4 py-3 text-sm break-words ${style}`}>
      {title && <div className="font-semibold">{title}</div>}
      {children && <div className={title ? 'mt-1 opacity-90' : ''}>{children}</div>}
    </div>
  );
}

/** A missing route means the feature is not on this node yet; anything else shows the node's message. */
export function ApiErrorNotice({ error, feature }: { error: unknown; feature: string }) {
  if (isUnavailable(error)) {
    return (
      <Notice tone="warn" title={`${feature}: not available on this node yet`} testId="unavailable">
        The node answered: {errorText(error)}. This page will work once the node serves these routes.
      </Notice>
    );
  }
  return (
    <Notice tone="error" title={`Could not load ${feature.toLowerCase()}`}>
      {errorText(error)}
    </Notice>
  );
}
