import { TextField } from '../../components/Field';
import { visibleText } from '../../lib/visible-text';

/** One labelled field per parameter (names as the contract's code spells them, through visibleText); values are JSON or plain text (see parseArg). */
export function ArgsFields({ fn, params, values, onChange }: { fn: string; params: string[]; values: string[]; onChange: (v: string[]) => void }) {
  if (params.length === 0) return <p className="text-xs text-slate-500">No parameters.</p>;
  return (
    <div className="grid gap-2 sm:grid-cols-2">
      {params.map((p, i) => (
        <TextField
          key={`${fn}-${p}`}
          label={visibleText(p)}
          value={values[i] ?? ''}
          onChange={(e) => onChange(params.map((_, j) => (j === i ? e.target.value : (values[j] ?? ''))))}
          placeholder='JSON, e.g. 10, "text", ["a","b"]'
          spellCheck={false}
          className="font-mono"
        />
      ))}
    </div>
  );
}
