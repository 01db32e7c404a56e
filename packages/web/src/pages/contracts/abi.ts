/** The callable surface of a contract source: its `export function` declarations. */
export interface FunctionSig {
  name: string;
  params: string[];
}

export function exportedFunctions(source: string): FunctionSig[] {
  const out: FunctionSig[] = [];
  const re = /export\s+function\s+([A-Za-z_$][\w$]*)\s*\(([^)]*)\)/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const params = m[2]!
      .split(',')
      .map((p) => p.replace(/=.*$/s, '').replace(/^\.\.\./, '').trim())
      .filter(Boolean);
    out.push({ name: m[1]!, params });
  }
  return out;
}

/** Heuristic: functions named like getters are offered as read-only calls first. */
export function looksReadOnly(fn: FunctionSig, source: string): boolean {
  const at = new RegExp(`function\\s+${fn.name.replace(/\$/g, '\\$')}\\s*\\(`).exec(source);
  const body = at ? source.slice(at.index) : '';
  const end = body.indexOf('\nexport ');
  const text = end > 0 ? body.slice(0, end) : body;
  return !/storage\.(set|delete)|transfer\(|emit\(|\bmove\(/.test(text);
}

/**
 * A form field's text as a contract argument: JSON when it parses (numbers,
 * arrays, quoted strings, true/false/null), otherwise the raw text as a string.
 */
export function parseArg(text: string): unknown {
  const t = text.trim();
  if (t === '') return '';
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return t;
  }
}

export function defaultArgs(json: string, count: number): string[] {
  try {
    const arr = JSON.parse(json) as unknown;
    if (Array.isArray(arr)) return Array.from({ length: count }, (_, i) => (i < arr.length ? JSON.stringify(arr[i]) : ''));
  } catch {
    /* fall through */
  }
  return Array.from({ length: count }, () => '');
}
