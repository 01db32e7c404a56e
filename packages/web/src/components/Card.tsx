import type { ReactNode } from 'react';

export function Card({ title, actions, children, className = '', id }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  return (
    <section id={id} aria-labelledby={id && title ? `${id}-title` : undefined} className={`min-w-0 rounded-xl border border-slate-800 bg-slate-900/60 p-4 shadow-sm ${className}`}>
      {(title || actions) && (
        <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
          {title && (
            <h2 id={id ? `${id}-title` : undefined} className="text-sm font-semibold tracking-wide text-slate-300 uppercase">
              {title}
            </h2>
          )}
          {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}

export function Stat({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string }) {
  return (
    <div className="min-w-0 rounded-xl border border-slate-800 bg-slate-900/60 px-4 py-3">
      <div className="text-xs font-medium tracking-wide text-slate-400 uppercase">{label}</div>
      <div className="mt-1 truncate text-xl font-semibold text-slate-50 tabular-nums" data-testid={testId}>
        {value}
      </div>
      {hint && <div className="mt-0.5 text-xs break-words text-slate-400">{hint}</div>}
    </div>
  );
}

export function PageTitle({ children, sub }: { children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="mb-4">
      <h1 className="text-2xl font-bold text-slate-50">{children}</h1>
      {sub && <p className="mt-1 text-sm break-words text-slate-400">{sub}</p>}
    </div>
  );
}

export function KeyValue({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[11rem_1fr]">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-slate-400">{k}</dt>
          <dd className="min-w-0 break-all text-slate-100">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
