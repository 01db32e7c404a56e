import { useState } from 'react';
import { Button } from '../../components/Button';
import type { FunctionSig } from '../../lib/abi';
import { parseArg } from '../../lib/abi';
import { visibleText } from '../../lib/visible-text';
import { ArgsFields } from './ArgsFields';

type Action = 'call' | 'estimate' | 'send';

/** What one run of a function gave, shown under that function. */
export interface RunResult {
  ok: boolean;
  text: string;
}

/**
 * A form generated for one exported function. A view is only called
 * (read-only); a function that may write is estimated or sent as a signed
 * transaction, or tried as a read-only call first. Its last result stays
 * beside it. Names, parameters and results come from the contract's code and
 * the node, so they are shown through visibleText.
 */
export function FunctionForm({ fn, readOnly, canSend, canEstimate, onRun }: { fn: FunctionSig; readOnly: boolean; canSend: boolean; canEstimate: boolean; onRun: (what: Action, args: unknown[]) => Promise<RunResult | undefined> }) {
  const [values, setValues] = useState<string[]>(() => fn.params.map(() => ''));
  const [busy, setBusy] = useState<Action | null>(null);
  const [result, setResult] = useState<RunResult | undefined>(undefined);
  const go = async (what: Action) => {
    setBusy(what);
    try {
      const r = await onRun(what, fn.params.map((_, i) => parseArg(values[i] ?? '')));
      if (r) setResult(r);
    } finally {
      setBusy(null);
    }
  };
  return (
    <details className="rounded-lg border border-slate-800 p-2 open:bg-slate-950/40" data-testid={`fn-${fn.name}`} data-view={readOnly}>
      <summary className="cursor-pointer font-mono text-sm">
        <span className={readOnly ? 'text-sky-300' : 'text-amber-300'}>{visibleText(fn.name)}</span>({visibleText(fn.params.join(', '))}) {readOnly && <span className="ml-1 text-xs text-slate-500">view</span>}
      </summary>
      <div className="mt-2 space-y-2">
        <ArgsFields fn={fn.name} params={fn.params} values={values} onChange={setValues} />
        <div className="flex flex-wrap gap-2">
          <Button variant={readOnly ? 'primary' : 'secondary'} className="text-xs" busy={busy === 'call'} onClick={() => go('call')}>
            {readOnly ? 'Call' : 'Call (read-only)'}
          </Button>
          {!readOnly && (
            <>
              <Button variant="secondary" className="text-xs" busy={busy === 'estimate'} disabled={!canEstimate} onClick={() => go('estimate')}>
                Estimate gas
              </Button>
              <Button className="text-xs" busy={busy === 'send'} disabled={!canSend} onClick={() => go('send')}>
                Send transaction
              </Button>
            </>
          )}
        </div>
        {result && (
          <pre className={`overflow-x-auto rounded-lg bg-slate-950 p-2 text-xs break-all whitespace-pre-wrap ${result.ok ? 'text-emerald-200' : 'text-rose-300'}`} data-testid="call-result" aria-live="polite">
            {visibleText(result.text)}
          </pre>
        )}
      </div>
    </details>
  );
}
