import { GAS } from './gas-schedule.js';
import { childNodes, isNode, type AnyNode } from './source-limits.js';
import { isMethodSlot, isProtoSetter, operandChecks } from './syntax-checks.js';

/**
 * What functions cost beyond their syntax nodes: making one (its closure's captured variables, see
 * analyseScopes) and entering one (its parameters and bindings).
 */
export interface ScopeCosts {
  /** Gas of making a function, or a class's field and static initialisers (keyed by its ClassBody), on top of its node. */
  made: WeakMap<AnyNode, number>;
  /** Gas a function's entry (or the program's) pays on top of its code's weight. */
  entry: WeakMap<AnyNode, number>;
  /**
   * Identifiers no scope declares: they read the global object, where a getter may answer differently
   * each time, so the instrumenter reads them once into a temporary rather than twice.
   */
  globals: WeakSet<AnyNode>;
}

/** Globals the engine makes non-writable and non-configurable: reading one twice gives the same value. */
const STABLE_GLOBALS = new Set(['undefined', 'NaN', 'Infinity']);

/** One function's closure as QuickJS compiles it (or a class's field initialisers or static block, which it compiles as functions). */
interface Closure {
  /** Names it (or a function inside it) uses that none of its own scopes declares: each is a variable reference made with it. */
  free: Set<string>;
  /** Bindings declared in its own scopes (parameters apart): QuickJS initialises every one of them at entry. */
  bindings: number;
}

interface Scope {
  parent: Scope | null;
  names: Set<string>;
  closure: Closure;
  /** Where `var` declarations go: a function's body, the program, a static block. */
  hoists: boolean;
}

/**
 * Not identifiers: what a non-arrow function (or class initialiser) binds for itself and an arrow
 * takes from around it, as QuickJS captures them.
 */
const IMPLICIT = [' this', ' new.target', ' super'];
const ENTRY_HELPERS = ['__hc_g', '__hc_oog'];
/** The prelude's helper each operand check calls (a template's text checks call __hc_ns). */
const OPERAND_HELPERS = { strict: '__hc_s', convert: '__hc_q', equal: '__hc_lq', text: '__hc_n', key: '__hc_k' } as const;
const STRING_CAP_HELPERS = ['__hc_v', '__hc_cat'];

/**
 * The prelude's bindings that the instrumenter's insertions for `node` use (a superset): they are
 * closure variables too (see CONTRACT_HEAD in the prelude), captured like the contract's own.
 */
function helpersOf(node: AnyNode, parent: AnyNode | null): string[] {
  const out: string[] = [];
  // As meterTarget, meterStrict and meterOperand use them.
  for (const check of operandChecks(node)) {
    if (check.kind === 'target') {
      const target = check.target;
      // As meterTarget: += has text variants (a superset: both are counted).
      if (target.type === 'Identifier') out.push('__hc_q', '__hc_nt');
      // As meterTarget and meterInPlace (super and private members).
      else if (target.type === 'MemberExpression' && node.type === 'UpdateExpression') out.push('__hc_step', '__hc_pnew', '__hc_pslot', '__hc_pold', '__hc_cell', '__hc_q');
      else if (target.type === 'MemberExpression') out.push('__hc_cg', '__hc_cgt', '__hc_cs', '__hc_cst', '__hc_cell', '__hc_q', '__hc_nt', '__hc_capv');
      continue;
    }
    if (check.kind === 'store' || check.kind === 'length') {
      out.push(check.kind === 'store' ? '__hc_tw' : '__hc_tl');
      continue;
    }
    // A stored key may call __hc_sk instead (counted as a superset).
    if (check.kind === 'key') out.push('__hc_sk');
    out.push(check.kind === 'text' && node.type === 'TemplateLiteral' ? '__hc_ns' : OPERAND_HELPERS[check.kind]);
    if (check.operand.type !== 'Identifier') out.push('__hc_v');
  }
  const spreads = (items: (AnyNode | null)[]): boolean => items.some((item) => item?.type === 'SpreadElement');
  switch (node.type) {
    case 'BinaryExpression':
      if (node.operator === '+') out.push(...STRING_CAP_HELPERS);
      break;
    case 'AssignmentExpression':
      if (node.operator === '+=') out.push(...STRING_CAP_HELPERS);
      break;
    case 'TemplateLiteral':
      if ((node.expressions as AnyNode[]).length > 0) out.push(...STRING_CAP_HELPERS);
      break;
    case 'FunctionDeclaration':
      out.push('__hc_sf');
      break;
    case 'FunctionExpression':
      if (parent === null || !isMethodSlot(parent)) out.push('__hc_sf');
      break;
    case 'ForInStatement':
      out.push(...ENTRY_HELPERS, '__hc_fi');
      break;
    case 'ForOfStatement':
      out.push(...ENTRY_HELPERS, '__hc_fe', '__hc_fo');
      break;
    case 'ForStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
      out.push(...ENTRY_HELPERS);
      break;
    case 'VariableDeclarator':
      if ((node.id as AnyNode).type === 'ArrayPattern') out.push('__hc_fo');
      break;
    case 'ArrayExpression':
      if (spreads(node.elements as (AnyNode | null)[])) out.push('__hc_it');
      break;
    case 'CallExpression':
    case 'NewExpression':
      if (spreads(node.arguments as AnyNode[])) out.push('__hc_it');
      break;
    case 'ObjectExpression':
      if (spreads(node.properties as AnyNode[])) out.push('__hc_os');
      if ((node.properties as AnyNode[]).some(isProtoSetter)) out.push('__hc_pr');
      break;
    case 'ClassDeclaration':
    case 'ClassExpression':
      if (node.superClass) out.push('__hc_ex');
      break;
    case 'CatchClause':
      out.push('__hc_ck');
      break;
    case 'TryStatement':
      out.push('__hc_ck', ...ENTRY_HELPERS);
      break;
    default:
      break;
  }
  return out;
}

/** The names a binding pattern declares (an explicit stack: patterns nest as deep as the source). */
function patternNames(pattern: AnyNode): string[] {
  const out: string[] = [];
  const stack = [pattern];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.type) {
      case 'Identifier':
        out.push(node.name as string);
        break;
      case 'ObjectPattern':
        for (const property of node.properties as AnyNode[]) stack.push(property.type === 'RestElement' ? property : (property.value as AnyNode));
        break;
      case 'ArrayPattern':
        for (const element of node.elements as (AnyNode | null)[]) if (element) stack.push(element);
        break;
      case 'AssignmentPattern':
        stack.push(node.left as AnyNode);
        break;
      case 'RestElement':
        stack.push(node.argument as AnyNode);
        break;
      default:
        break;
    }
  }
  return out;
}

/**
 * Scope analysis for closure and entry costs. Making a function makes a variable reference for
 * every outer variable it (or a function inside it) uses (~45-100 ns each, measured); entering one
 * initialises each parameter and every binding of its own scopes, those of loop bodies that never
 * run included. Each use of a name is resolved through the block scopes around it; every function
 * it passes on the way out captures the name. Where the resolution is unsure it resolves outwards
 * (a loop's iterated value, a class heritage: their own TDZ bindings aside), so a capture may be
 * counted that QuickJS does not make, never the other way round; names nothing declares (globals,
 * the prelude's helpers) count as captures too. An explicit stack: the tree's depth is bounded by
 * a consensus limit, not by the host stack.
 */
export function analyseScopes(program: AnyNode): ScopeCosts {
  const uses: { name: string; scope: Scope }[] = [];
  const named: { node: AnyNode; scope: Scope }[] = [];
  const functions: { node: AnyNode; closure: Closure; parameters: number }[] = [];
  const classes: { body: AnyNode; closures: Closure[] }[] = [];
  const scopeIn = (parent: Scope | null, closure: Closure, hoists = false): Scope => ({ parent, names: new Set(), closure, hoists });
  const declare = (scope: Scope, name: string, binding = true): void => {
    if (scope.names.has(name)) return;
    scope.names.add(name);
    if (binding) scope.closure.bindings++;
  };
  const use = (scope: Scope, names: string[]): void => {
    for (const name of names) uses.push({ name, scope });
  };
  /** An initialiser's scope: what this/new.target/super mean in field values and static blocks. */
  const initialiser = (around: Scope): Scope => {
    const scope = scopeIn(around, { free: new Set(), bindings: 0 }, true);
    for (const name of IMPLICIT) declare(scope, name, false);
    return scope;
  };

  const top = scopeIn(null, { free: new Set(), bindings: 0 }, true);
  functions.push({ node: program, closure: top.closure, parameters: 0 });
  const stack: { node: AnyNode; scope: Scope; parent: AnyNode | null }[] = [];
  const push = (node: unknown, scope: Scope, parent: AnyNode | null): void => {
    if (isNode(node)) stack.push({ node, scope, parent });
  };
  for (const statement of program.body as AnyNode[]) push(statement, top, program);
  while (stack.length > 0) {
    const { node, scope, parent } = stack.pop()!;
    use(scope, helpersOf(node, parent));
    switch (node.type) {
      case 'Identifier':
        // Only positions that name a variable get here (keys, member names and labels are skipped below).
        use(scope, [node.name as string]);
        named.push({ node, scope });
        continue;
      case 'ThisExpression':
        use(scope, [' this']);
        continue;
      case 'Super':
        use(scope, [' super']);
        continue;
      case 'MetaProperty':
        use(scope, [' new.target']);
        continue;
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression': {
        const closure: Closure = { free: new Set(), bindings: 0 };
        const own = scopeIn(scope, closure);
        const id = node.id as AnyNode | null;
        // A declaration's name is its block's binding; an expression's own name is one of its own.
        if (id) declare(node.type === 'FunctionDeclaration' ? scope : own, id.name as string);
        if (node.type !== 'ArrowFunctionExpression') for (const name of ['arguments', ...IMPLICIT]) declare(own, name, false);
        const params = node.params as AnyNode[];
        for (const param of params) {
          for (const name of patternNames(param)) declare(own, name, false);
          push(param, own, node);
        }
        use(own, ENTRY_HELPERS);
        functions.push({ node, closure, parameters: params.length });
        // The body's declarations get a scope of their own: a default value does not see them.
        const body = node.body as AnyNode;
        if (body.type === 'BlockStatement') {
          const inner = scopeIn(own, closure, true);
          for (const statement of body.body as AnyNode[]) push(statement, inner, body);
        } else {
          push(body, own, node);
        }
        continue;
      }
      case 'ClassDeclaration':
      case 'ClassExpression': {
        const inner = scopeIn(scope, scope.closure);
        const id = node.id as AnyNode | null;
        if (id) {
          if (node.type === 'ClassDeclaration') declare(scope, id.name as string);
          declare(inner, id.name as string);
        }
        push(node.superClass, scope, node);
        push(node.body, inner, node);
        continue;
      }
      case 'ClassBody': {
        // QuickJS compiles instance fields into one initialiser function and static fields into
        // another; each static block counts as one more here (over-counting only).
        const instance = initialiser(scope);
        const statics = initialiser(scope);
        const closures = [instance.closure, statics.closure];
        let fields = false;
        for (const member of node.body as AnyNode[]) {
          if (member.type === 'StaticBlock') {
            const block = initialiser(scope);
            closures.push(block.closure);
            for (const statement of member.body as AnyNode[]) push(statement, block, member);
            continue;
          }
          if (member.computed === true) push(member.key, scope, member);
          if (member.type === 'PropertyDefinition') {
            if (member.static !== true) fields = true;
            push(member.value, member.static === true ? statics : instance, member);
          } else {
            push(member.value, scope, member);
          }
        }
        // The instrumenter's field that charges for instance fields (see instrumentClass).
        if (fields) use(instance, ENTRY_HELPERS);
        classes.push({ body: node, closures });
        continue;
      }
      case 'VariableDeclaration': {
        let target = scope;
        if (node.kind === 'var') while (!target.hoists) target = target.parent!;
        for (const declarator of node.declarations as AnyNode[]) {
          for (const name of patternNames(declarator.id as AnyNode)) declare(target, name);
        }
        break;
      }
      case 'BlockStatement': {
        const inner = scopeIn(scope, scope.closure);
        for (const statement of node.body as AnyNode[]) push(statement, inner, node);
        continue;
      }
      case 'ForStatement': {
        const inner = scopeIn(scope, scope.closure);
        for (const key of ['init', 'test', 'update', 'body']) push(node[key], inner, node);
        continue;
      }
      case 'ForInStatement':
      case 'ForOfStatement': {
        const inner = scopeIn(scope, scope.closure);
        push(node.right, scope, node);
        push(node.left, inner, node);
        push(node.body, inner, node);
        continue;
      }
      case 'SwitchStatement': {
        const inner = scopeIn(scope, scope.closure);
        push(node.discriminant, scope, node);
        for (const c of node.cases as AnyNode[]) push(c, inner, node);
        continue;
      }
      case 'CatchClause': {
        const inner = scopeIn(scope, scope.closure);
        const param = node.param as AnyNode | null;
        if (param) {
          for (const name of patternNames(param)) declare(inner, name);
          push(param, inner, node);
        } else {
          scope.closure.bindings++; // the instrumenter's `(__hc_e)`
        }
        push(node.body, inner, node);
        continue;
      }
      case 'TryStatement':
        if (!node.handler) scope.closure.bindings++; // the instrumenter's `catch (__hc_e)`
        break;
      case 'MemberExpression':
        push(node.object, scope, node);
        if (node.computed === true) push(node.property, scope, node);
        continue;
      case 'Property':
        if (node.computed === true) push(node.key, scope, node);
        push(node.value, scope, node);
        continue;
      case 'LabeledStatement':
        push(node.body, scope, node);
        continue;
      case 'BreakStatement':
      case 'ContinueStatement':
        continue;
      default:
        break;
    }
    for (const child of childNodes(node)) push(child, scope, node);
  }

  // Each use walks out through its scopes; leaving a closure's outermost scope, the closure captures
  // the name. A closure that already captures it was left on the same path before: stop there.
  for (const { name, scope } of uses) {
    for (let s: Scope | null = scope; s !== null; ) {
      if (s.names.has(name)) break;
      const parent: Scope | null = s.parent;
      if (parent === null || parent.closure !== s.closure) {
        if (s.closure.free.has(name)) break;
        s.closure.free.add(name);
      }
      s = parent;
    }
  }

  const costs: ScopeCosts = { made: new WeakMap(), entry: new WeakMap(), globals: new WeakSet() };
  for (const { node, scope } of named) {
    let s: Scope | null = scope;
    while (s !== null && !s.names.has(node.name as string)) s = s.parent;
    if (s === null && !STABLE_GLOBALS.has(node.name as string)) costs.globals.add(node);
  }
  for (const { node, closure, parameters } of functions) {
    if (node !== program) costs.made.set(node, GAS.captureVar * closure.free.size);
    costs.entry.set(node, GAS.parameter * parameters + GAS.binding * closure.bindings);
  }
  for (const { body, closures } of classes) {
    let gas = 0;
    // Static initialisers run where the class is made, and the instance one's bindings are few (class names).
    for (const closure of closures) gas += GAS.captureVar * closure.free.size + GAS.binding * closure.bindings;
    costs.made.set(body, gas);
  }
  return costs;
}
