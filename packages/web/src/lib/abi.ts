/** The callable surface of a contract source: its `export function` declarations. */
export interface FunctionSig {
  name: string;
  params: string[];
}

const NAME = '[A-Za-z_$][\\w$]*';

function paramsOf(list: string): string[] {
  return list
    .split(',')
    .map((p) => p.replace(/=.*$/s, '').replace(/^\.\.\./, '').trim())
    .filter(Boolean);
}

/**
 * The exported functions of a contract: `export function` declarations in a
 * source, or, in deployed code (GET /api/contracts/:address → code, as the
 * node's instrumenter stores it: `export` blanked out, an export table
 * `;return { __proto__: null, ["name"]: local, … }` at the end), the
 * functions that table names.
 */
export function exportedFunctions(source: string): FunctionSig[] {
  const out: FunctionSig[] = [];
  const re = new RegExp(`export\\s+function\\s+(${NAME})\\s*\\(([^)]*)\\)`, 'g');
  for (let m = re.exec(source); m; m = re.exec(source)) out.push({ name: m[1]!, params: paramsOf(m[2]!) });
  if (out.length > 0) return out;
  const table = source.lastIndexOf(';return { __proto__: null');
  if (table < 0) return out;
  const entry = new RegExp(`\\["(${NAME})"\\]:\\s*(${NAME})`, 'g');
  const tail = source.slice(table);
  for (let m = entry.exec(tail); m; m = entry.exec(tail)) {
    const decl = new RegExp(`function\\s+${m[2]!.replace(/\$/g, '\\$')}\\s*\\(([^)]*)\\)`).exec(source);
    out.push({ name: m[1]!, params: decl ? paramsOf(decl[1]!) : [] });
  }
  return out;
}

const WRITES = /storage\.(set|delete)|\btransfer\(|\bemit\(/;
const escape = (name: string) => name.replace(/\$/g, '\\$');

/** Every `function name(` declaration and its text, up to the next top-level function (`export` is blanked out in deployed code). */
function declarations(source: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = new RegExp(`function\\s+(${NAME})\\s*\\(`, 'g');
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const body = source.slice(m.index);
    const next = /\n\s*(export\s+)?function\s/.exec(body.slice(1));
    out.set(m[1]!, next ? body.slice(0, next.index + 1) : body);
  }
  return out;
}

let cached: { source: string; writers: Set<string> } | undefined;

/**
 * Functions that may change state: those that write storage, move coins or
 * emit, and, to a fixed point, those that call one of them (token `transfer`
 * writes through its helper `move`).
 */
export function writerFunctions(source: string): Set<string> {
  if (cached?.source === source) return cached.writers;
  const decls = declarations(source);
  const writers = new Set([...decls].filter(([, body]) => WRITES.test(body)).map(([name]) => name));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, body] of decls) {
      if (writers.has(name)) continue;
      if ([...writers].some((w) => new RegExp(`\\b${escape(w)}\\s*\\(`).test(body))) {
        writers.add(name);
        grew = true;
      }
    }
  }
  cached = { source, writers };
  return writers;
}

/** A view: neither it nor anything it calls writes. Views are only called, never sent as transactions. */
export function looksReadOnly(fn: FunctionSig, source: string): boolean {
  return !writerFunctions(source).has(fn.name);
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
