import { Parser, type Node, type Options } from 'acorn';
import { CONTRACT_LIMITS, reject } from '@hackcoin/core';
import { ContractError } from './errors.js';

/**
 * Consensus limits on contract source, enforced so that no verdict depends on
 * the host's stack. acorn is a recursive-descent parser and (since 8.x)
 * turns its own stack overflow into a SyntaxError, so an unbounded parse
 * would reject a deep source on a node with a small stack and accept it on
 * another. Every recursion cycle of acorn's grammar passes through one of the
 * productions below; a counter on them stops the parse, with the same rule on
 * every node, before the recursion goes deeper than CONTRACT_LIMITS allows.
 * The limit keeps acorn's worst case (about 1 KB of host stack per counted
 * level, measured) far inside Node's stack. The parse also produces syntax
 * trees whose depth a loop does not bound (`a.b.b.b…`): that depth is
 * measured with an explicit stack before anything walks the tree recursively.
 */

/** acorn methods that every recursion cycle of its grammar (and of its regex validator) passes through. */
const RECURSIVE_PRODUCTIONS = [
  'parseStatement',
  'parseMaybeAssign',
  'parseMaybeUnary',
  'parseExprOp',
  'parseExprAtom',
  'parseBindingAtom',
  'regexp_disjunction',
] as const;

const PARSE_OPTIONS: Options = { ecmaVersion: 2022, sourceType: 'module' };

/** Thrown inside acorn; its message must not look like a stack overflow (acorn rewrites those). */
class TooDeep extends Error {}

/** The counter lives on the parser instance under a name acorn does not use. */
interface Counting {
  contractNesting?: number;
}

type Method = (this: Counting, ...args: unknown[]) => unknown;

function countingParser(limit: number): typeof Parser {
  const Counted = class extends Parser {};
  const base = Parser.prototype as unknown as Record<string, Method>;
  const proto = Counted.prototype as unknown as Record<string, Method>;
  for (const name of RECURSIVE_PRODUCTIONS) {
    const original = base[name];
    if (typeof original !== 'function') throw new Error(`acorn has no ${name}: the pinned version changed`);
    proto[name] = function (this: Counting, ...args: unknown[]): unknown {
      const depth = (this.contractNesting ?? 0) + 1;
      if (depth > limit) throw new TooDeep();
      this.contractNesting = depth;
      try {
        return original.apply(this, args);
      } finally {
        this.contractNesting = depth - 1;
      }
    };
  }
  return Counted;
}

const SourceParser = countingParser(CONTRACT_LIMITS.maxParseDepth);
const InstrumentedParser = countingParser(CONTRACT_LIMITS.maxInstrumentedDepth);

function parseFailure(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  // Within the limits acorn needs a fraction of any sane stack: running out is this host's fault, not a verdict,
  // whether acorn caught it (and says so) or it struck outside acorn's guard (V8's RangeError, which was
  // refused as bad-contract-source: a verdict that depended on how deep this host's stack already was).
  if (error instanceof RangeError || /Not enough stack space/.test(message)) return new Error(`host stack too small to parse a contract: ${message}`);
  return new ContractError(`bad-contract-source: ${message}`);
}

export type AnyNode = Node & Record<string, unknown>;

export function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

export function childNodes(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'range') continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) {
      out.push(value);
    }
  }
  return out;
}

function treeDepth(root: AnyNode, limit: number): number {
  let max = 0;
  const stack: { node: AnyNode; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    for (const child of childNodes(node)) stack.push({ node: child, depth: depth + 1 });
  }
  return max;
}

/**
 * Parses contract source within the consensus limits. Rule violations
 * (`bad-txns-contract-source-size`, `bad-txns-contract-too-deep`,
 * `bad-txns-contract-exports`) throw a RuleError; a source that is merely not
 * valid JavaScript throws a ContractError (the deploy then reverts, as before).
 * `onToken` sees every token, in order.
 */
export function parseContractSource(source: string, onToken?: (token: { type: { label: string }; start: number }) => void): AnyNode {
  if (source.length > CONTRACT_LIMITS.maxSourceLength) {
    reject('bad-txns-contract-source-size', `source of ${source.length} characters, at most ${CONTRACT_LIMITS.maxSourceLength}`);
  }
  let program: AnyNode;
  try {
    program = SourceParser.parse(source, onToken ? { ...PARSE_OPTIONS, onToken } : PARSE_OPTIONS) as unknown as AnyNode;
  } catch (error) {
    if (error instanceof TooDeep) {
      reject('bad-txns-contract-too-deep', `source nests deeper than ${CONTRACT_LIMITS.maxParseDepth} parser levels`);
    }
    throw parseFailure(error);
  }
  const depth = treeDepth(program, CONTRACT_LIMITS.maxSyntaxDepth);
  if (depth > CONTRACT_LIMITS.maxSyntaxDepth) {
    reject('bad-txns-contract-too-deep', `syntax tree deeper than ${CONTRACT_LIMITS.maxSyntaxDepth}`);
  }
  let exports = 0;
  for (const statement of program.body as AnyNode[]) if (statement.type.startsWith('Export')) exports++;
  if (exports > CONTRACT_LIMITS.maxExports) {
    reject('bad-txns-contract-exports', `${exports} exports, at most ${CONTRACT_LIMITS.maxExports}`);
  }
  return program;
}

/**
 * The instrumented code's nesting, measured by the same counting parser
 * (`bad-txns-contract-too-deep` beyond maxInstrumentedDepth): it bounds how
 * deep QuickJS's own parser recurses on the host stack when it compiles the code.
 */
export function checkInstrumentedDepth(code: string): void {
  try {
    InstrumentedParser.parse(code, { ecmaVersion: 2022, sourceType: 'script' });
  } catch (error) {
    if (error instanceof TooDeep) {
      reject('bad-txns-contract-too-deep', `instrumented code nests deeper than ${CONTRACT_LIMITS.maxInstrumentedDepth} parser levels`);
    }
    // Unreachable unless the instrumenter emits invalid code: still the same verdict on every node.
    throw parseFailure(error);
  }
}
