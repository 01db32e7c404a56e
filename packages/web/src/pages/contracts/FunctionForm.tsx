import { useState } from 'react';
import { Button } from '../../components/Button';
import type { FunctionSig } from './abi';
import { parseArg } from './abi';
import { ArgsFields } from './ArgsFields';

type Action = 'call' | 'estimate' | 'send';

/** A form generated for one exported function: read-only call, gas estimate, or a signed transaction. */
export function FunctionForm({ fn, readOnly, canSend, canEstimate, onRun }: { fn: FunctionSig; readOnly: boolean; canSend: boolean; canEstimate: boolean; onRun: (what: Action, args: unknown[]) => Promise<void> }) {
  const [values, setValues] = useState<string[]>(() => fn.params.map(() => ''));
  const [busy, setBusy] = useState<Action | null>(null);
  const go = async (what: Action) => {
    setBusy(what);
    try {
      await onRun(what, fn.params.map((_, i) => parseArg(values[i] ?? '')));
    } finally {
      setBusy(null);
    }
  };
  return (
    <details className="rounded-lg border border-slate-800 p-2 open:bg-slate-950/40" data-testid={`fn-${fn.name}`}>
      <summary className="cursor-pointer font-mono text-sm">
        <span className={readOnly ? 'text-sky-300' : 'text-amber-300'}>{fn.name}</span>({fn.params.join(', ')}) {readOnly && <span className="ml-1 text-xs text-slate-500">view</span>}
      </summary>
      <div className="mt-2 space-y-2">
        <ArgsFields fn={fn.name} params={fn.params} values={values} onChange={setValues} />
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" className="text-xs" busy={busy === 'call'} onClick={() => go('call')}>
            Call (read-only)
          </Button>
          <Button variant="secondary" className="text-xs" busy={busy === 'estimate'} disabled={!canEstimate} onClick={() => go('estimate')}>
            Estimate gas
          </Button>
          <Button className="text-xs" busy={busy === 'send'} disabled={!canSend} onClick={() => go('send')}>
            Send transaction
          </Button>
        </div>
      </div>
    </details>
  );
}
