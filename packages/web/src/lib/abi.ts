import { CONTRACT_LIMITS } from '@hackcoin/core';

/** The callable surface of a contract source: its `export function` declarations. */
export interface FunctionSig {
  name: string;
  params: string[];
}

const NAME = '[A-Za-z_$][\\w$]*';
const escape = (name: string) => name.replace(/\$/g, '\\$');

function paramsOf(list: string): string[] {
  return list
    .split(',')
    .map((p) => p.replace(/=.*$/s, '').replace(/^\.\.\./, '').trim())
    .filter(Boolean);
}

/**
 * The export table the node's instrumenter ends deployed code with
 * (GET /api/contracts/:address → code): `export` is blanked out above it, so
 * the table alone says what is callable. Anchored at the end so that a source
 * quoting it in a comment is still read by its `export function` lines.
 */
const EXPORT_TABLE = /\n;return \{ __proto__: null, ([^\n]*) \};\n\}\)\s*$/;

/**
 * The exported functions of a contract: in deployed code the functions its
 * export table names (and only those: a comment in the code reading
 * `export function …` is not one), else the `export function` declarations
 * of a source.
 */
export function exportedFunctions(source: string): FunctionSig[] {
  const table = EXPORT_TABLE.exec(source);
  if (table) return tableFunctions(table[1]!, source);
  const out: FunctionSig[] = [];
  const re = new RegExp(`export\\s+function\\s+(${NAME})\\s*\\(([^)]*)\\)`, 'g');
  for (let m = re.exec(source); m; m = re.exec(source)) out.push({ name: m[1]!, params: paramsOf(m[2]!) });
  return out;
}

function tableFunctions(table: string, source: string): FunctionSig[] {
  const out: FunctionSig[] = [];
  const entry = new RegExp(`\\["(${NAME})"\\]:\\s*(${NAME})`, 'g');
  // Each entry scans the whole code for its declaration; consensus allows no more entries than this, so a node serving more cannot make that quadratic.
  for (let m = entry.exec(table); m && out.length < CONTRACT_LIMITS.maxExports; m = entry.exec(table)) {
    const decl = new RegExp(`function\\s+${escape(m[2]!)}\\s*\\(([^)]*)\\)`).exec(source);
    out.push({ name: m[1]!, params: decl ? paramsOf(decl[1]!) : [] });
  }
  return out;
}

const WRITES = /storage\.(set|delete)|\btransfer\(|\bemit\(/;
// A name followed by `(`, not preceded by a name character: a call (or the declaration itself, which is harmless).
const CALL = new RegExp(`(?<![\\w$])(${NAME})\\s*\\(`, 'g');
/** Above this many declarations every function counts as possibly writing, a bound on the work whatever the code (a view shown as a writer still has its read-only Call). */
const MAX_CLASSIFIED = 200;

/**
 * A `function name(` declaration and its segment: the text from it to the
 * next declaration. A body runs on to the next declaration starting a line
 * (`export` is blanked out in deployed code), so one declared inside another
 * or beside it on a line is part of the outer body too: `continues` says the
 * body goes on into the next declaration's, which holds all the rest of it.
 * Segments never overlap, so reading them all is reading the code once.
 */
interface Decl {
  name: string;
  segment: string;
  continues: boolean;
}

function declarations(source: string): Decl[] {
  const starts = [...source.matchAll(new RegExp(`function\\s+(${NAME})\\s*\\(`, 'g'))];
  const ends = [...source.matchAll(/\n[^\S\n]*(?:export\s+)?function\s/g)].map((m) => m.index);
  let e = 0;
  return starts.map((m, i) => {
    while (e < ends.length && ends[e]! <= m.index) e++;
    const next = starts[i + 1]?.index ?? source.length;
    const end = ends[e] ?? source.length;
    return { name: m[1]!, segment: source.slice(m.index, Math.min(next, end)), continues: next < end };
  });
}

type Writers = Set<string> | 'all';
let cached: { source: string; writers: Writers } | undefined;

/**
 * Functions that may change state: those that write storage, move coins or
 * emit, and those that call one of them, however indirectly (token
 * `transfer` writes through its helper `move`). One pass finds each
 * segment's callees; "writes" then spreads from callee to callers over that
 * graph, each declaration visited once.
 */
export function writerFunctions(source: string): Writers {
  if (cached?.source === source) return cached.writers;
  const decls = declarations(source);
  const writers = decls.length > MAX_CLASSIFIED ? 'all' : spreadWrites(decls);
  cached = { source, writers };
  return writers;
}

function spreadWrites(decls: Decl[]): Set<string> {
  // A name calls its last declaration, as in a script.
  const index = new Map(decls.map((d, i) => [d.name, i]));
  const callers: number[][] = decls.map(() => []);
  decls.forEach((d, i) => {
    for (const [, callee] of d.segment.matchAll(CALL)) {
      const j = index.get(callee!);
      if (j !== undefined) callers[j]!.push(i);
    }
    if (d.continues) callers[i + 1]!.push(i);
  });
  const writes = decls.map((d) => WRITES.test(d.segment));
  const work = [...writes.keys()].filter((i) => writes[i]);
  for (let i = work.pop(); i !== undefined; i = work.pop()) {
    for (const caller of callers[i]!) {
      if (writes[caller]) continue;
      writes[caller] = true;
      work.push(caller);
    }
  }
  return new Set([...index].filter(([, i]) => writes[i]).map(([name]) => name));
}

/** A view: neither it nor anything it calls writes. Views are only called, never sent as transactions. */
export function looksReadOnly(fn: FunctionSig, source: string): boolean {
  const writers = writerFunctions(source);
  return writers !== 'all' && !writers.has(fn.name);
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
