import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

const INPUT = 'w-full min-w-0 rounded-lg border border-slate-700 bg-slate-950 px-3 py-2 text-sm text-slate-100 placeholder:text-slate-500 focus:border-amber-400 focus:outline-none';

interface Common {
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
}

function Wrap({ id, label, hint, error, children }: Common & { id: string; children: ReactNode }) {
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-300">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-msg`} className="text-xs text-rose-400">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-msg`} className="text-xs text-slate-400">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, hint, error, className = '', id, ...rest }: Common & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Wrap id={fid} label={label} hint={hint} error={error}>
      <input id={fid} aria-invalid={error ? true : undefined} aria-describedby={hint || error ? `${fid}-msg` : undefined} className={`${INPUT} ${className}`} {...rest} />
    </Wrap>
  );
}

export function TextArea({ label, hint, error, className = '', id, ...rest }: Common & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Wrap id={fid} label={label} hint={hint} error={error}>
      <textarea id={fid} aria-invalid={error ? true : undefined} aria-describedby={hint || error ? `${fid}-msg` : undefined} className={`${INPUT} ${className}`} {...rest} />
    </Wrap>
  );
}

export function SelectField({ label, hint, error, className = '', id, children, ...rest }: Common & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const fid = id ?? auto;
  return (
    <Wrap id={fid} label={label} hint={hint} error={error}>
      <select id={fid} className={`${INPUT} ${className}`} {...rest}>
        {children}
      </select>
    </Wrap>
  );
}
