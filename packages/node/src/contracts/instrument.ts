import { RuleError } from '@hackcoin/core';
import { ContractError } from './errors.js';
import { GAS, LIMITS } from './gas-schedule.js';
import { largestOwnFunction } from './function-sizes.js';
import { checkInstrumentedDepth, childNodes, isNode, parseContractSource, type AnyNode } from './source-limits.js';
import type { PreparedContract } from './types.js';
import { analyseScopes, type ScopeCosts } from './scope-costs.js';
import { checkWeight, isMethodSlot, isProtoSetter, memberName, operandChecks, storedMembers, storeTarget } from './syntax-checks.js';

/**
 * Deploy-time instrumentation. The contract source (an ES module whose API is
 * its `export function` declarations) becomes a function expression that the
 * sandbox prelude calls to obtain the exports. Injected code refers only to
 * prelude closure bindings named `__hc*`; contracts may not use that prefix,
 * so they can neither read nor reset the gas counter.
 */

export const RESERVED_PREFIX = '__hc';

interface Insertion {
  pos: number;
  text: string;
  /**
   * Among insertions at one position: closing text (negative), then charges
   * (zero), then opening text (positive), so wrappers nest properly.
   */
  order: number;
  seq: number;
}

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

function fail(reason: string): never {
  throw new ContractError(`bad-contract-source: ${reason}`);
}


/** A back-reference costs one matcher step however long its group's capture (see compileCost in the prelude). */
function hasBackReference(pattern: string): boolean {
  for (let i = pattern.indexOf('\\'); i >= 0 && i + 1 < pattern.length; i = pattern.indexOf('\\', i + 2)) {
    const c = pattern[i + 1]!;
    if ((c >= '1' && c <= '9') || c === 'k') return true;
  }
  return false;
}

/**
 * The gas compiling `pattern` would cost at run time for its quadratic parts, counted as compileCost in
 * the prelude (prelude/json-regexp.ts) counts them: the pairs of each character class's code units (each
 * member a union copying the class so far), the pattern before each | and the rest of the pattern after
 * each lookbehind (bytecode QuickJS moves).
 */
function quadraticCompileGas(pattern: string): number {
  const n = pattern.length;
  let pairs = 0;
  let moves = 0;
  for (let i = 0; i < n; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (c === '|') {
      moves += i;
    } else if (c === '[') {
      let j = i + 1;
      while (j < n && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      const end = Math.min(j + 1, n);
      const units = end - i - 1;
      pairs += (units * (units - 1)) / 2;
      i = end - 1;
    }
  }
  for (const lookbehind of pattern.matchAll(/\(\?<[=!]/g)) {
    const rest = n - lookbehind.index - 4;
    moves += (rest * (rest - 1)) / 2;
  }
  return Math.ceil(pairs / GAS.regexClassPairsPerGas) + Math.ceil(moves / GAS.regexMovesPerGas);
}

/**
 * A group that may turn case folding on, read as loosely as the prelude reads it (see foldingGroup there).
 * The parser (ES2022) refuses such groups in a literal for now; this keeps them refused if it takes them.
 */
const FOLDING_GROUP = /\(\?[a-zA-Z-]*i/;

/**
 * QuickJS compiles regex literals when it builds a contract's snapshot, paid
 * only as cold code: what compiles slowly (see checkRegexp in the prelude)
 * is refused here; `new RegExp(source, flags)` compiles at run time and pays.
 * Quadratic work is allowed up to GAS.regexLiteralQuadraticPerChar for each
 * character of the literal: 11 literals of a 4,094-character class ran a
 * snapshot build at ~900 ns per gas of cold code.
 */
function checkRegexLiteral(pattern: string, flags: string): void {
  if (flags.includes('v')) fail('the RegExp v flag is not supported in contracts');
  if (hasBackReference(pattern)) fail('back-references are not supported in contracts');
  if (flags.includes('u') && (pattern.includes('\\p{') || pattern.includes('\\P{'))) {
    fail('Unicode property escapes are not supported in contracts');
  }
  if ((flags.includes('i') || FOLDING_GROUP.test(pattern)) && pattern.includes('[')) {
    fail('case-insensitive regex literals with character classes are not supported; use new RegExp(source, flags)');
  }
  if (quadraticCompileGas(pattern) > GAS.regexLiteralQuadraticPerChar * pattern.length) {
    fail('regex literal too costly to compile (a large character class, many |, or a long lookbehind); use new RegExp(source, flags)');
  }
}

/** Whether the instrumenter caps the string `node` makes (one cap per `+` chain; pre-order: parents first). */
function capsString(node: AnyNode, chained: WeakSet<AnyNode>): boolean {
  switch (node.type) {
    case 'BinaryExpression': {
      if (node.operator !== '+') return false;
      const left = node.left as AnyNode;
      if (left.type === 'BinaryExpression' && left.operator === '+') chained.add(left);
      return !chained.has(node);
    }
    case 'AssignmentExpression':
      return node.operator === '+=';
    case 'TemplateLiteral':
      return (node.expressions as AnyNode[]).length > 0;
    default:
      return false;
  }
}

/** Seals for the function declarations among `statements` (hoisted: they exist before the first statement runs). */
function sealDeclarations(statements: AnyNode[]): string {
  let out = '';
  for (const statement of statements) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? (statement.declaration as AnyNode | null) : statement;
    if (declaration?.type === 'FunctionDeclaration') out += `__hc_sf(${String((declaration.id as AnyNode).name)});`;
  }
  return out;
}

/**
 * A numeric property name is written as a string each time QuickJS compiles the code (a snapshot is built
 * from it again and again): a denormal takes ~75 us, so 4,000 `{5e-324: 1}` cost ~300 ms per build for
 * their length's price. Only safe integers and decimals QuickJS writes in plain notation are taken.
 */
function checkNumericName(node: AnyNode): void {
  const key = node.key as AnyNode;
  if (node.computed === true || key.type !== 'Literal' || typeof key.value !== 'number') return;
  const v = key.value;
  if (Number.isSafeInteger(v) || (Math.abs(v) >= 1e-6 && Math.abs(v) < 1e21)) return;
  fail('numeric property names must be safe integers or plain decimals');
}

/** Assignments that do not convert the target's old value. */
const UNCONVERTED_ASSIGNMENT = new Set(['=', '&&=', '||=', '??=']);

/** A field name that could be a typed array index: a number, or a string a number reads back as. */
function isIndexLike(key: AnyNode): boolean {
  if (key.type !== 'Literal') return false;
  if (typeof key.value === 'number') return true;
  return typeof key.value === 'string' && (key.value === '-0' || String(Number(key.value)) === key.value);
}

/**
 * `super[k] = v` (and `super.length`, `super.NaN`, `super.Infinity`) stores on `this` past the store check
 * (see __hc_tw in the prelude): on a typed array's or an array's subclass, natively converted (~2,300 ns per gas).
 */
function isSuperIndex(target: AnyNode): boolean {
  return storedMembers(target).some((member) => {
    if ((member.object as AnyNode).type !== 'Super') return false;
    const name = memberName(member);
    return member.computed === true || name === 'length' || name === 'NaN' || name === 'Infinity';
  });
}

/**
 * Inline test that the value in `v` is a string or a small integer: anything else goes to the prelude
 * (see textOf there). QuickJS takes ~3-13 us to write a 17-digit double, so no double passes here.
 * The same test as isCheapNumber in syntax-checks.ts.
 */
function cheapText(v: string): string {
  return `typeof ${v} === "string" || typeof ${v} === "number" && (${v} | 0) === ${v}`;
}

/** The prelude's helper for each operand check that wraps one operand. */
const HELPER_OF = { convert: '__hc_q', equal: '__hc_lq' } as const;

function charge(gas: number): string {
  return `if ((__hc_g -= ${gas}) < 0) __hc_oog();`;
}

/** Functions made with a prototype property, which the prelude's __hc_sf makes read-only as they are made. */
function sealsPrototype(parent: AnyNode, child: AnyNode): boolean {
  return child.type === 'FunctionDeclaration' || (child.type === 'FunctionExpression' && !isMethodSlot(parent));
}

/** What making a function, or a class's initialisers, costs on top of its node. */
function madeWeight(node: AnyNode, costs: ScopeCosts): number {
  return costs.made.get(node) ?? 0;
}

/** Static size of the code one entry (or one iteration) may run before the next charge point. */
function staticWeight(root: AnyNode, costs: ScopeCosts): number {
  let count = 0;
  const stack = [root];
  const chained = new WeakSet<AnyNode>();
  while (stack.length > 0) {
    const node = stack.pop()!;
    // A check runs about as many interpreter steps as a few syntax nodes: charged so CPU per gas stays level.
    count += 1 + (capsString(node, chained) ? GAS.operandCheck : 0);
    for (const check of operandChecks(node)) count += checkWeight(check);
    // A class's initialisers are made with it (a function root, as a loop test may be, too).
    if (node.type === 'ClassBody' || node === root) count += madeWeight(node, costs);
    for (const child of childNodes(node)) {
      if (sealsPrototype(node, child)) count += GAS.prototypeSeal;
      // Making a function is its node and the variables its closure captures (see analyseScopes).
      if (FUNCTION_TYPES.has(child.type)) count += 1 + madeWeight(child, costs);
      else if (LOOP_TYPES.has(child.type)) {
        count++;
        // What a loop's head runs once, before its first iteration (a `for` initialiser, the value a
        // for-in/of walks), runs where the loop is: it is paid there, with the code around the loop.
        const head = loopHead(child);
        if (head && (FUNCTION_TYPES.has(head.type) || LOOP_TYPES.has(head.type))) count += 1 + madeWeight(head, costs);
        else if (head) stack.push(head);
      } else stack.push(child);
    }
  }
  return count;
}

/** The part of a loop that runs once per loop, before its first iteration. */
function loopHead(loop: AnyNode): AnyNode | null {
  const head = loop.type === 'ForStatement' ? loop.init : loop.type === 'ForInStatement' || loop.type === 'ForOfStatement' ? loop.right : null;
  return isNode(head) ? head : null;
}

/** Destructuring patterns (or a declaration of one): they run code (property reads, defaults) each time. */
function isPattern(node: AnyNode): boolean {
  if (node.type === 'VariableDeclaration') return isPattern(((node.declarations as AnyNode[])[0] as AnyNode).id as AnyNode);
  return node.type === 'ObjectPattern' || node.type === 'ArrayPattern' || node.type === 'AssignmentPattern' || node.type === 'RestElement';
}

function loopWeight(loop: AnyNode, costs: ScopeCosts): number {
  let count = 1;
  for (const key of ['test', 'update', 'body']) {
    const part = loop[key];
    if (isNode(part)) count += staticWeight(part, costs);
  }
  // A for-in/of target that is a pattern destructures every value.
  const left = loop.left;
  if (isNode(left) && isPattern(left)) count += staticWeight(left, costs);
  return count;
}

/**
 * Parameters that run code on every call (defaults, destructuring), and what entry initialises:
 * each parameter (plain names too) and every binding of the function's own scopes (see analyseScopes).
 */
function parameterWeight(fn: AnyNode, costs: ScopeCosts): number {
  let count = costs.entry.get(fn) ?? 0;
  for (const param of fn.params as AnyNode[]) if (param.type !== 'Identifier') count += staticWeight(param, costs);
  return count;
}

/** Default values (AssignmentPattern right-hand sides) in a parameter list or loop target, not inside nested functions. */
function patternDefaults(roots: AnyNode[]): AnyNode[] {
  const out: AnyNode[] = [];
  const stack = [...roots];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (FUNCTION_TYPES.has(node.type) || LOOP_TYPES.has(node.type) || node.type === 'ClassExpression') continue;
    if (node.type === 'AssignmentPattern') out.push(node.right as AnyNode);
    for (const child of childNodes(node)) stack.push(child);
  }
  return out;
}

class Instrumenter {
  private readonly insertions: Insertion[] = [];
  /** Source text the output leaves out (see reshape). */
  private readonly cuts: { start: number; end: number }[] = [];
  private readonly exports: string[] = [];
  private readonly untouchedTemplates = new WeakSet<AnyNode>();
  /** Computed members a value is stored into (their keys are checked for `length`, see meterKey). */
  private readonly storedMembers = new WeakSet<AnyNode>();
  /** Left operands of a `+` chain: capping the chain's result caps them (concatenation only grows). */
  private readonly chainedSums = new WeakSet<AnyNode>();
  /** Function expressions that are methods, accessors or class constructors (no prototype property to seal). */
  private readonly methodValues = new WeakSet<AnyNode>();
  /** Array patterns whose iterable the instrumenter drains into a plain array first (see check()). */
  private readonly drainedPatterns = new WeakSet<AnyNode>();
  /** Positions of the sorted insertions, and the text inserted before each (for outputSpan). */
  private insertedAt: number[] = [];
  private insertedBefore: number[] = [0];
  private source: string;
  private costs: ScopeCosts = { made: new WeakMap(), entry: new WeakMap(), globals: new WeakSet() };

  constructor(
    source: string,
    private readonly arrows: number[],
  ) {
    this.source = source;
  }

  private insert(pos: number, text: string, order: number): void {
    this.insertions.push({ pos, text, order, seq: this.insertions.length });
  }

  run(program: AnyNode): PreparedContract {
    this.costs = analyseScopes(program);
    this.separateStatements(program.body as AnyNode[]);
    for (const statement of program.body as AnyNode[]) this.topLevel(statement);
    if (this.exports.length === 0) fail('no exported functions');
    const body = this.apply();
    const table = this.exports.map((name) => `[${JSON.stringify(name)}]: ${name}`).join(', ');
    const tail = `${body}\n;return { __proto__: null, ${table} };\n})`;
    const seals = sealDeclarations(program.body as AnyNode[]);
    const head = `(function () {\n"use strict";\n${charge(GAS.callBase + staticWeight(program, this.costs) + (this.costs.entry.get(program) ?? 0))}\n${seals}`;
    // Every error QuickJS makes scans each stack frame's line table, up to the size of the frame's function:
    // the prelude prices errors by the largest function's instrumented size (with room for this call's digits).
    const largest = largestOwnFunction(program, (node) => (node === program ? head.length + tail.length + 32 : this.outputSpan(node)));
    return { code: `${head}__hc_ef(${largest});\n${tail}`, exports: [...this.exports] };
  }

  /** Length in the instrumented output of a node's source range, with everything inserted at its edges. */
  private outputSpan(node: AnyNode): number {
    return (node.end as number) - (node.start as number) + this.insertedUpTo(node.end as number, true) -
      this.insertedUpTo(node.start as number, false);
  }

  /** Text inserted at positions before `pos` (and at it, if inclusive): a binary search over the sorted insertions. */
  private insertedUpTo(pos: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.insertedAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.insertedAt[mid] as number;
      if (at < pos || (inclusive && at === pos)) lo = mid + 1;
      else hi = mid;
    }
    return this.insertedBefore[lo] as number;
  }

  private topLevel(statement: AnyNode): void {
    switch (statement.type) {
      case 'ImportDeclaration':
        fail('imports are not supported');
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        fail('only `export function name(...) {}` exports are supported');
      case 'ExportNamedDeclaration': {
        const declaration = statement.declaration as AnyNode | null;
        if (!declaration || declaration.type !== 'FunctionDeclaration') {
          fail('only `export function name(...) {}` exports are supported');
        }
        const name = (declaration.id as { name: string }).name;
        if (this.exports.includes(name)) fail(`duplicate export ${name}`);
        this.exports.push(name);
        // Blank out `export` in place so that every AST offset stays valid.
        const width = declaration.start - statement.start;
        this.source = this.source.slice(0, statement.start) + ' '.repeat(width) + this.source.slice(declaration.start);
        this.visit(declaration);
        return;
      }
      default:
        this.visit(statement);
    }
  }

  /** Pre-order walk with an explicit stack (insertion order, and so the output, is that of a recursive walk). */
  private visit(root: AnyNode): void {
    const stack: { node: AnyNode; insideFunction: boolean }[] = [{ node: root, insideFunction: false }];
    while (stack.length > 0) {
      const { node, insideFunction } = stack.pop()!;
      this.check(node, insideFunction);
      const isFunction = FUNCTION_TYPES.has(node.type);
      if (isFunction) this.instrumentFunction(node);
      if (LOOP_TYPES.has(node.type)) this.instrumentLoop(node);
      if (node.type === 'ClassBody') this.instrumentClass(node);
      this.instrumentPrototypes(node);
      this.instrumentExpression(node);
      const children = childNodes(node);
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ node: children[i] as AnyNode, insideFunction: insideFunction || isFunction });
      }
    }
  }

  private check(node: AnyNode, insideFunction: boolean): void {
    switch (node.type) {
      case 'Identifier':
      case 'PrivateIdentifier': {
        const name = node.name as string;
        if (name.startsWith(RESERVED_PREFIX)) fail(`reserved identifier ${name}`);
        if (name.length > LIMITS.maxIdentifierLength) fail(`identifier longer than ${LIMITS.maxIdentifierLength} characters`);
        return;
      }
      case 'Literal': {
        if (node.bigint !== undefined) fail('BigInt is not available in contracts (amounts are decimal strings)');
        const regex = node.regex as { pattern: string; flags: string } | undefined;
        const text = typeof node.value === 'string' ? node.value : regex?.pattern;
        if (text !== undefined && text.length > LIMITS.maxStringLength) fail(`literal longer than ${LIMITS.maxStringLength} characters`);
        if (regex !== undefined) checkRegexLiteral(regex.pattern, regex.flags);
        return;
      }
      case 'TemplateElement': {
        const value = node.value as { raw: string };
        if (value.raw.length > LIMITS.maxStringLength) fail(`literal longer than ${LIMITS.maxStringLength} characters`);
        return;
      }
      case 'ImportExpression':
        fail('dynamic import is not supported');
      case 'CallExpression': {
        // The prelude removes eval, but QuickJS compiles a direct `eval(...)` (parenthesised or not) at
        // once: every function around it captures every variable of every scope around it, whatever
        // it names (an arrow holding one, made under 1,000 variables, ran at ~230 ns per gas).
        const callee = node.callee as AnyNode;
        if (callee.type === 'Identifier' && callee.name === 'eval') fail('eval is not available in contracts');
        return;
      }
      case 'MetaProperty':
        if ((node.meta as { name: string }).name === 'import') fail('import.meta is not supported');
        return;
      case 'ImportDeclaration':
      case 'ExportNamedDeclaration':
      case 'ExportDefaultDeclaration':
      case 'ExportAllDeclaration':
        fail('imports and exports must be at the top level');
      case 'AwaitExpression':
        if (!insideFunction) fail('top-level await is not supported');
        return;
      case 'ForOfStatement':
        if (node.await === true && !insideFunction) fail('top-level await is not supported');
        if (isSuperIndex(node.left as AnyNode)) fail('assigning to super[...], super.length, super.NaN or super.Infinity is not supported in contracts');
        return;
      case 'ObjectPattern':
        // A rest element copies every other own property natively for one node's gas: `const { a, ...r } = o`
        // on an object of 20,000 keys took 11 ms for 45 gas (~240,000 ns per gas).
        for (const property of node.properties as AnyNode[]) {
          if (property.type === 'RestElement') fail('object rest patterns are not supported; copy with { ...o } and delete');
        }
        return;
      case 'ArrayPattern':
        // A rest element would drain an iterator natively, without gas.
        for (const element of node.elements as (AnyNode | null)[]) {
          if (element?.type === 'RestElement') fail('array rest patterns are not supported; use slice()');
        }
        // Destructuring closes a contract's iterator when it fails, calling its return() and discarding any
        // error that makes, uncharged (every error costs a stack walk). Only patterns whose value the
        // instrumenter first drains into a plain array (whose iterator has no return()) are allowed.
        if (!this.drainedPatterns.has(node)) {
          fail('array destructuring is only supported in a declaration with an initializer or a for-of declaration');
        }
        return;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        // Promise jobs never run here, and an async function or generator turns any error it makes into
        // a rejected promise or a closed generator without a catch clause that could charge for it.
        if (node.async === true) fail('async functions are not supported in contracts');
        if (node.generator === true) fail('generators are not supported in contracts');
        return;
      case 'CatchClause':
        if (node.param && (node.param as AnyNode).type !== 'Identifier') {
          fail('catch parameters must be plain identifiers');
        }
        return;
      case 'PropertyDefinition':
        // An instance field is defined on the new object natively: on a typed array's subclass, one named
        // like an index converts its value to a number where no check sees it (~3,500 ns per gas).
        if (node.static !== true && (node.computed === true || isIndexLike(node.key as AnyNode))) {
          fail('instance fields with computed or numeric names are not supported in contracts');
        }
        checkNumericName(node);
        return;
      case 'Property':
      case 'MethodDefinition':
        checkNumericName(node);
        return;
      case 'AssignmentExpression':
        if (isSuperIndex(node.left as AnyNode)) fail('assigning to super[...], super.length, super.NaN or super.Infinity is not supported in contracts');
        if (!UNCONVERTED_ASSIGNMENT.has(node.operator as string)) this.checkUpdatedMember(node.left as AnyNode);
        return;
      case 'UpdateExpression':
        this.checkUpdatedMember(node.argument as AnyNode);
        this.checkPostfixMember(node);
        return;
      case 'ForInStatement':
        if (isSuperIndex(node.left as AnyNode)) fail('assigning to super[...], super.length, super.NaN or super.Infinity is not supported in contracts');
        return;
      default:
        return;
    }
  }

  /**
   * A member of `super` or a private one is updated in the contract's own code (see meterInPlace), which
   * names its object twice: only `this`, `super` or a declared variable, which read the same twice.
   */
  private checkUpdatedMember(target: AnyNode): void {
    if (target.type !== 'MemberExpression') return;
    const object = target.object as AnyNode;
    if (object.type !== 'Super' && (target.property as AnyNode).type !== 'PrivateIdentifier') return;
    if (object.type === 'Super' ? target.computed === true : object.type !== 'ThisExpression' && !this.stable(object)) {
      fail('++, -- and compound assignment of a private member need this or a variable before it, and of super a name: write o.#p = o.#p + 1');
    }
  }

  /**
   * A postfix update names its object again after the member's getter ran (see meterInPlace), which
   * may have reassigned a variable: only `this` and `super` cannot change.
   */
  private checkPostfixMember(node: AnyNode): void {
    const target = node.argument as AnyNode;
    if (node.prefix === true || target.type !== 'MemberExpression' || (target.property as AnyNode).type !== 'PrivateIdentifier') return;
    if ((target.object as AnyNode).type !== 'ThisExpression') fail('o.#p++ and o.#p-- need this before #p; write ++o.#p, or o.#p += 1');
  }

  private instrumentFunction(fn: AnyNode): void {
    const body = fn.body as AnyNode;
    // Parameters run before the body (defaults, destructuring): their weight joins the entry charge, and
    // each default also pays for itself before it runs (a later parameter may throw before the body).
    const gas = GAS.callBase + staticWeight(body, this.costs) + parameterWeight(fn, this.costs);
    this.prechargeDefaults(patternDefaults(fn.params as AnyNode[]));
    if (body.type === 'BlockStatement') {
      this.insert(body.start + 1, charge(gas), 0);
    } else {
      // Wrap from just after `=>` so that a parenthesised body stays inside.
      const arrow = this.arrowBefore(body.start);
      this.wrapRange(arrow + 2, fn.end, `{ ${charge(gas)} return (`, '); }');
    }
  }

  /**
   * A default value runs only when its value is undefined, and before the charge of the body (or
   * loop iteration) it belongs to, which a later default that throws would skip: it pays its own
   * weight as it starts.
   */
  private prechargeDefaults(defaults: AnyNode[]): void {
    for (const value of defaults) {
      // A function value charges its own calls: making it is one node and its captures. (The comma drops the
      // name a default function would take from its parameter: it is anonymous, as `(0, () => {})` is.)
      const gas = FUNCTION_TYPES.has(value.type) ? 1 + madeWeight(value, this.costs) : staticWeight(value, this.costs);
      this.wrap(value, `((__hc_g -= ${gas}) < 0 && __hc_oog(), `, ')');
    }
  }

  /**
   * Prototype chains (see chainLength in the prelude): function declarations and expressions get a
   * read-only prototype property as they are made (declarations at the top of their block, where
   * they are hoisted to), class heritage and a literal's __proto__ have their chains checked.
   */
  private instrumentPrototypes(node: AnyNode): void {
    switch (node.type) {
      case 'MethodDefinition':
      case 'Property':
        if (isMethodSlot(node)) this.methodValues.add(node.value as AnyNode);
        return;
      case 'FunctionExpression':
        if (!this.methodValues.has(node)) this.wrap(node, '__hc_sf(', ')');
        return;
      case 'BlockStatement':
      case 'StaticBlock': {
        const statements = node.body as AnyNode[];
        const seals = sealDeclarations(statements);
        if (seals === '') return;
        // A static block starts at `static`, not at its brace: its first statement is where its code starts.
        this.insert(node.type === 'StaticBlock' ? (statements[0]!.start as number) : (node.start as number) + 1, seals, 0);
        return;
      }
      case 'SwitchCase':
        // Hoisted to the switch's block, which has no place before its cases to seal them.
        for (const statement of node.consequent as AnyNode[]) {
          if (statement.type === 'FunctionDeclaration') fail('function declarations directly in a switch case are not supported; wrap the case in a block');
        }
        return;
      case 'ClassDeclaration':
      case 'ClassExpression':
        if (node.superClass) this.wrap(node.superClass as AnyNode, '__hc_ex(', ')');
        return;
      case 'ObjectExpression':
        for (const property of node.properties as AnyNode[]) {
          if (isProtoSetter(property)) this.wrap(property.value as AnyNode, '__hc_pr(', ')');
        }
        return;
      default:
        return;
    }
  }

  /**
   * Instance fields (with or without an initialiser) are defined again by every `new`, before the
   * constructor's body (after `super()` in a derived class): a private field of the instrumenter's,
   * first in the class body, so first initialised, pays for all of them on every construction.
   * Static fields and blocks run once, where the class is: paid with the code around the class.
   */
  private instrumentClass(body: AnyNode): void {
    let gas = 0;
    for (const member of body.body as AnyNode[]) {
      if (member.type === 'PropertyDefinition' && member.static !== true) gas += staticWeight(member, this.costs);
    }
    if (gas > 0) this.insert((body.start as number) + 1, ` #__hc_f = ((__hc_g -= ${gas}) < 0 && __hc_oog(), 0);`, 0);
  }

  /** The last `=>` before `pos`; arrows arrive in token order, so a binary search (a linear scan per arrow was quadratic). */
  private arrowBefore(pos: number): number {
    let lo = 0;
    let hi = this.arrows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.arrows[mid] as number) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? (this.arrows[lo - 1] as number) : -1;
  }

  private instrumentLoop(loop: AnyNode): void {
    const body = loop.body as AnyNode;
    const gas = GAS.loopBase + loopWeight(loop, this.costs);
    if (body.type === 'BlockStatement') {
      this.insert(body.start + 1, charge(gas), 0);
    } else {
      this.wrap(body, `{ ${charge(gas)} `, ' }');
    }
    if (loop.left !== undefined) this.prechargeDefaults(patternDefaults([loop.left as AnyNode]));
    if (loop.type === 'ForInStatement') this.wrap(loop.right as AnyNode, '__hc_fi(', ')');
    if (loop.type === 'ForOfStatement') {
      // A for-of closes its iterator when the body throws, calling return() and discarding any error it
      // makes: iterate plain arrays (and strings) natively, drain anything else into an array, metered.
      const left = loop.left as AnyNode;
      const declared = left.type === 'VariableDeclaration' ? ((left.declarations as AnyNode[])[0] as AnyNode).id as AnyNode : null;
      if (declared?.type === 'ArrayPattern') {
        this.drainedPatterns.add(declared);
        this.wrap(loop.right as AnyNode, '__hc_fe(', ')');
      } else {
        this.wrap(loop.right as AnyNode, '__hc_fo(', ')');
      }
    }
  }

  /**
   * A statement that ended without a semicolon (the parser may have inserted one at a line break) gets
   * one written when an expression statement follows: the instrumenter may open that one with `(`, which
   * would otherwise continue the statement before as a call (`a = b` then `++o.p + 'c'` called b).
   */
  private separateStatements(statements: AnyNode[]): void {
    for (let i = 1; i < statements.length; i++) {
      const before = statements[i - 1]!;
      if (statements[i]!.type !== 'ExpressionStatement') continue;
      // After a block it is an empty statement; after anything else, the one the parser inserted.
      if (this.source[(before.end as number) - 1] !== ';') this.insert(before.end as number, ';', -0.25);
    }
  }

  private instrumentExpression(node: AnyNode): void {
    if (node.type === 'BlockStatement' || node.type === 'StaticBlock') this.separateStatements(node.body as AnyNode[]);
    if (node.type === 'SwitchCase') this.separateStatements(node.consequent as AnyNode[]);
    const stored = storeTarget(node);
    if (stored) for (const member of storedMembers(stored)) this.storedMembers.add(member);
    // A member's += is capped as it is written (see __hc_cst); another target's as the operator returns.
    if (node.type === 'AssignmentExpression' && node.operator === '+=' && (node.left as AnyNode).type !== 'MemberExpression') this.capString(node);
    for (const check of operandChecks(node)) {
      if (check.kind === 'target') this.meterTarget(check.update, check.target);
      else if (check.kind === 'strict') this.meterStrict(check.operand, check.comparisons);
      else if (check.kind === 'store') this.wrap(check.object, '__hc_tw((', '))');
      else if (check.kind === 'length') this.wrap(check.object, '__hc_tl((', '))');
      else if (check.kind === 'key') this.meterKey(check.operand, node.type === 'MemberExpression' && this.storedMembers.has(node));
      else if (check.kind === 'text') {
        // A tagged template's tag receives the values themselves.
        if (!(node.type === 'TemplateLiteral' && this.untouchedTemplates.has(node))) this.meterText(check.operand, node.type === 'TemplateLiteral' ? '__hc_ns' : '__hc_n');
      } else this.meterOperand(check.operand, HELPER_OF[check.kind]);
    }
    switch (node.type) {
      case 'BinaryExpression': {
        if (node.operator !== '+') break;
        const left = node.left as AnyNode;
        if (left.type === 'BinaryExpression' && left.operator === '+') this.chainedSums.add(left);
        // One wrapper per chain, not per operator: wrappers nest, and QuickJS compiles nesting recursively.
        if (!this.chainedSums.has(node)) this.capString(node);
        break;
      }
      case 'TemplateLiteral':
        if ((node.expressions as AnyNode[]).length > 0 && !this.untouchedTemplates.has(node)) this.capString(node);
        return;
      case 'TaggedTemplateExpression':
        // The tag receives the parts, not a concatenation: nothing to cap.
        this.untouchedTemplates.add(node.quasi as AnyNode);
        return;
      case 'ArrayExpression':
        this.meterSpreads(node.elements as (AnyNode | null)[], '__hc_it(');
        return;
      case 'CallExpression':
      case 'NewExpression':
        this.meterSpreads(node.arguments as AnyNode[], '__hc_it(');
        return;
      case 'ObjectExpression':
        this.meterSpreads(node.properties as AnyNode[], '__hc_os(');
        return;
      case 'VariableDeclarator': {
        const id = node.id as AnyNode;
        const init = node.init as AnyNode | null;
        if (id.type === 'ArrayPattern' && init) {
          this.drainedPatterns.add(id);
          this.wrap(init, '__hc_fo(', ')');
        }
        return;
      }
      case 'CatchClause': {
        const body = node.body as AnyNode;
        const param = node.param as AnyNode | null;
        if (param) {
          this.insert(body.start + 1, `__hc_ck(${String(param.name)});`, -0.5);
        } else {
          this.insert(body.start, '(__hc_e) ', 0);
          this.insert(body.start + 1, '__hc_ck(__hc_e);', -0.5);
        }
        return;
      }
      case 'TryStatement': {
        // Out-of-gas and out-of-memory must not be swallowed by contract code:
        // every catch re-checks, and a bare finally gets a catch that does.
        if (!node.handler) {
          this.insert((node.block as AnyNode).end, ' catch (__hc_e) { __hc_ck(__hc_e); throw __hc_e; } ', 0);
        }
        const finalizer = node.finalizer as AnyNode | null;
        if (finalizer) this.insert(finalizer.start + 1, 'if (__hc_g < 0) __hc_oog();', -0.5);
        const handler = node.handler as AnyNode | null;
        if (handler && finalizer) {
          // An error thrown by the catch body goes straight to the finally, which may drop it (return,
          // break, continue): it is paid for on its way there (see chargeError in the prelude).
          const body = handler.body as AnyNode;
          this.insert(body.start + 1, 'try {', 0.5);
          this.insert(body.end - 1, '} catch (__hc_e) { __hc_ck(__hc_e); throw __hc_e; }', 0.75);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Spreading drains an iterator (or copies own properties) natively: meter by size first. */
  private meterSpreads(items: (AnyNode | null)[], helper: string): void {
    for (const item of items) {
      if (item?.type === 'SpreadElement') this.wrap(item.argument as AnyNode, helper, ')');
    }
  }

  /**
   * A string operand is compared, hashed or converted natively in O(length):
   * charge by length first (numbers take the inline fast path). The operand
   * keeps its own parentheses, so a sequence expression stays one operand.
   */
  private meterOperand(node: AnyNode, helper: string): void {
    if (this.stable(node)) {
      // Reading a declared variable twice has no effect: no temporary needed.
      const name = String(node.name);
      this.wrap(node, `(typeof ${name} === "number" ? `, ` : ${helper}(${name}))`);
      return;
    }
    this.wrap(node, '(typeof (__hc_v = (', `)) === "number" ? __hc_v : ${helper}(__hc_v))`);
  }

  /**
   * A value `+` or a template may write as a string: strings and small integers pass inline; anything
   * else goes to the prelude, which pays for writing a number and converts an object there.
   */
  private meterText(node: AnyNode, helper: string): void {
    if (this.stable(node)) {
      const name = String(node.name);
      this.wrap(node, `(${cheapText(name)} ? `, ` : ${helper}(${name}))`);
      return;
    }
    this.wrap(node, '((__hc_v = (', `)), ${cheapText('__hc_v')} ? __hc_v : ${helper}(__hc_v))`);
  }

  /** Whether `node` is a variable the code declares, which reads the same twice in a row (a global may not). */
  private stable(node: AnyNode): boolean {
    return node.type === 'Identifier' && !this.costs.globals.has(node);
  }

  /**
   * A computed property key: small integers and short strings pass inline (see __hc_k in the prelude). A
   * key a value is stored under goes to the prelude when it is `length` too (an array converts it, __hc_sk).
   */
  private meterKey(node: AnyNode, stored: boolean): void {
    const helper = stored ? '__hc_sk' : '__hc_k';
    const cheap = (v: string): string =>
      `typeof ${v} === "number" && (${v} | 0) === ${v} || typeof ${v} === "string" && ${v}.length <= ${GAS.stringFreeChars}${stored ? ` && ${v} !== "length"` : ''}`;
    if (this.stable(node)) {
      const name = String(node.name);
      this.wrap(node, `(${cheap(name)} ? `, ` : ${helper}(${name}))`);
      return;
    }
    this.wrap(node, '((__hc_v = (', `)), ${cheap('__hc_v')} ? __hc_v : ${helper}(__hc_v))`);
  }

  /** Strict equality and switch: only a string longer than the free length costs anything. */
  private meterStrict(node: AnyNode, comparisons: number): void {
    const long = `.length <= ${GAS.stringFreeChars}`;
    if (this.stable(node)) {
      const name = String(node.name);
      this.wrap(node, `(typeof ${name} !== "string" || ${name}${long} ? `, ` : __hc_s(${name}, ${comparisons}))`);
      return;
    }
    this.wrap(node, '(typeof (__hc_v = (', `)) !== "string" || __hc_v${long} ? __hc_v : __hc_s(__hc_v, ${comparisons}))`);
  }

  /**
   * `x++`, `o.p -= y`: the old value is converted to a number. An identifier
   * is read once more first; a member update becomes a call of the prelude
   * that reads the property once, pays for its value and writes the result
   * (reading it in a check and again in the operator let a getter answer
   * each differently); super and private members are written out in place
   * (meterInPlace).
   */
  private meterTarget(node: AnyNode, target: AnyNode): void {
    const text = node.operator === '+=';
    if (target.type === 'Identifier' && !this.stable(target)) {
      // A global's getter could answer the check one value and the operator another: paid as an object.
      this.wrap(node, `((__hc_g -= ${GAS.objectOperand}) < 0 && __hc_oog(), `, ')');
      return;
    }
    if (target.type === 'Identifier') {
      const name = String(target.name);
      // `+=` may write the old value as a string: a string or a number written quickly passes.
      if (text) this.wrap(node, `(${cheapText(name)} || __hc_nt(${name}), `, ')');
      else this.wrap(node, `(typeof ${name} === "number" || __hc_q(${name}), `, ')');
      return;
    }
    if (target.type !== 'MemberExpression') return;
    const object = target.object as AnyNode;
    const property = target.property as AnyNode;
    if (object.type === 'Super' || property.type === 'PrivateIdentifier') {
      this.meterInPlace(node, target);
      return;
    }
    // The object and a computed key keep their text and checks; a name becomes a string.
    const keyed = (close: string): (AnyNode | string)[] =>
      target.computed === true ? [object, '), (', property, `)${close}`] : [object, `), ${JSON.stringify(String(property.name))}${close}`];
    if (node.type === 'UpdateExpression') {
      this.reshape(node, ['__hc_step((', ...keyed(`, ${node.prefix === true ? 0 : 1}, ${node.operator === '++' ? 1 : -1})`)]);
      return;
    }
    const operator = String(node.operator).slice(0, -1);
    const [write, read] = text ? ['__hc_cst', '__hc_cgt'] : ['__hc_cs', '__hc_cg'];
    this.reshape(node, [`${write}(${read}((`, ...keyed(`), __hc_cell.v ${operator} (`), node.right as AnyNode, '))']);
  }

  /**
   * `super.p` and `this.#p` cannot be handed to the prelude: the update is written out as an assignment
   * that reads the member once, hands the value to the prelude to pay for, and writes the result
   * (`this.#p = __hc_q(this.#p) - (x)`). The object is `this`, `super` or a declared variable (see
   * checkUpdatedMember), named twice before the getter runs, so both name the same object; a postfix
   * update names it again after, so only `this` and `super` are taken there (checkPostfixMember).
   */
  private meterInPlace(node: AnyNode, target: AnyNode): void {
    const text = this.source.slice(target.start as number, target.end as number);
    if (node.type === 'UpdateExpression') {
      const step = node.operator === '++' ? 1 : -1;
      // Postfix returns the old value, kept in the prelude while the new one is written (a setter may run).
      if (node.prefix === true) this.reshape(node, ['(', target, ` = __hc_pnew(${text}, ${step}))`]);
      else this.reshape(node, [`__hc_pold(__hc_pslot(${text}, ${step}), `, target, ' = __hc_cell.v)']);
      return;
    }
    const operator = String(node.operator).slice(0, -1);
    if (node.operator === '+=') this.reshape(node, [target, ` = __hc_capv(__hc_nt(${text}) + (`, node.right as AnyNode, '))']);
    else this.reshape(node, [target, ` = __hc_q(${text}) ${operator} (`, node.right as AnyNode, ')']);
  }

  /**
   * Rewrites `node` as `parts`: its child nodes there keep their text (and whatever is inserted in and
   * around them), the strings go between them, and the rest of the node's text is dropped.
   */
  private reshape(node: AnyNode, parts: (AnyNode | string)[]): void {
    const size = (node.end as number) - (node.start as number);
    let cursor = node.start as number;
    let pending = '';
    let first = true;
    for (const part of parts) {
      if (typeof part === 'string') {
        pending += part;
        continue;
      }
      this.cut(cursor, part.start as number);
      // The first text opens inside the node's own wrappers and outside the first child's; the others
      // follow any closing text where they go and precede any opening text.
      this.insert(part.start as number, pending, first ? 1 + 1 / (size + 1) : 0.5);
      first = false;
      pending = '';
      cursor = part.end as number;
    }
    this.cut(cursor, node.end as number);
    this.insert(node.end as number, pending, -1 - 1 / (size + 1));
  }

  private cut(start: number, end: number): void {
    if (end > start) this.cuts.push({ start, end });
  }

  /** A concatenation copies its result: capped, and paid by length beyond the free part (GAS.concatCharsPerGas). */
  private capString(node: AnyNode): void {
    this.wrap(
      node,
      '(__hc_v = (',
      `), typeof __hc_v === "string" && __hc_v.length > ${GAS.stringFreeChars} && __hc_cat(__hc_v), __hc_v)`,
    );
  }

  private wrap(node: AnyNode, before: string, after: string): void {
    this.wrapRange(node.start, node.end, before, after);
  }

  private wrapRange(start: number, end: number, before: string, after: string): void {
    // Outer (larger) wrappers open first and close last; for equal ranges the
    // one registered first is the outer one.
    const size = end - start;
    this.insert(start, before, 1 + 1 / (size + 1));
    this.insert(end, after, -1 - 1 / (size + 1));
  }

  private apply(): string {
    const sorted = [...this.insertions].sort((a, b) => {
      if (a.pos !== b.pos) return a.pos - b.pos;
      if (a.order !== b.order) return a.order - b.order;
      return a.order < 0 ? b.seq - a.seq : a.seq - b.seq;
    });
    const cuts = [...this.cuts].sort((a, b) => a.start - b.start);
    let next = 0;
    // The source in [from, to) without the cut text (cuts are disjoint, and `from` only grows).
    const kept = (from: number, to: number): string => {
      let text = '';
      for (; next < cuts.length && cuts[next]!.start < to; next++) {
        const cut = cuts[next]!;
        if (cut.end > to) throw new Error('an insertion falls inside cut text');
        text += this.source.slice(from, cut.start);
        from = cut.end;
      }
      return text + this.source.slice(from, to);
    };
    let out = '';
    let cursor = 0;
    for (const insertion of sorted) {
      this.insertedAt.push(insertion.pos);
      this.insertedBefore.push((this.insertedBefore[this.insertedBefore.length - 1] as number) + insertion.text.length);
      out += kept(cursor, insertion.pos) + insertion.text;
      cursor = insertion.pos;
    }
    return out + kept(cursor, this.source.length);
  }
}

/**
 * Validate and instrument contract source. The result's `code` is what the
 * chain stores and later passes to execute(); never pass unprepared text there.
 * Throws a RuleError when the source breaks a consensus limit (see
 * source-limits.ts), a ContractError when it is not an acceptable contract.
 */
export function prepareContract(source: string): PreparedContract {
  if (typeof source !== 'string') fail('source must be a string');
  const arrows: number[] = [];
  const program = parseContractSource(source, (token) => {
    if (token.type.label === '=>') arrows.push(token.start);
  });
  const prepared = instrumented(source, arrows, program);
  checkInstrumentedDepth(prepared.code);
  return prepared;
}

/**
 * A failure of the instrumenter itself on a parsed source (a bug, such as an empty static block once
 * was) is a refusal of that source, the same on every node, rather than an exception out of block
 * validation. The reason is fixed text: an engine's own error message could differ between nodes.
 * The host's stack running out is not a verdict, and is passed on.
 */
function instrumented(source: string, arrows: number[], program: AnyNode): PreparedContract {
  try {
    return new Instrumenter(source, arrows).run(program);
  } catch (e) {
    if (e instanceof ContractError || e instanceof RuleError || (e instanceof RangeError && /call stack/i.test(e.message))) throw e;
    throw new ContractError('bad-contract-source: the source could not be instrumented');
  }
}
