import { GAS } from './gas-schedule.js';
import type { AnyNode } from './source-limits.js';

/** What the instrumenter reads off the syntax tree, shared by its charges and its scope analysis. */

/** Operators that compare their operands as they are: at most min(length) code units compared. */
const STRICT_EQUALITY = new Set(['===', '!==']);
/** Operators that may convert a string operand to a number (or compare two strings). */
const CONVERTING = new Set(['<', '>', '<=', '>=', '-', '*', '/', '%', '**', '&', '|', '^', '<<', '>>', '>>>']);
const LOOSE_EQUALITY = new Set(['==', '!=']);
const CONVERTING_UNARY = new Set(['+', '-', '~']);
const CONVERTING_ASSIGNMENT = new Set(['-=', '*=', '/=', '%=', '**=', '&=', '|=', '^=', '<<=', '>>=', '>>>=']);

/**
 * Operands whose value is a non-string primitive or a string no longer than
 * GAS.stringFreeChars whatever the contract does: nothing to charge.
 */
function isShort(node: AnyNode): boolean {
  switch (node.type) {
    case 'Literal':
      if (node.regex !== undefined) return false;
      return typeof node.value !== 'string' || node.value.length <= GAS.stringFreeChars;
    case 'TemplateLiteral':
      return (node.expressions as AnyNode[]).length === 0 && (node.end as number) - (node.start as number) <= GAS.stringFreeChars;
    case 'UnaryExpression':
    case 'UpdateExpression':
      return true;
    case 'BinaryExpression':
      return node.operator !== '+';
    default:
      return false;
  }
}

function isNull(node: AnyNode): boolean {
  return node.type === 'Literal' && node.value === null && node.regex === undefined;
}

/**
 * Operands that reach a string conversion as primitives no dearer than a short string: a number
 * written as a string costs microseconds at the ends of the double range (see dtoaCost in the prelude).
 */
function isCheapText(node: AnyNode): boolean {
  switch (node.type) {
    case 'Literal':
      if (node.regex !== undefined) return false;
      return typeof node.value !== 'number' || isCheapNumber(node.value);
    case 'TemplateLiteral':
      return true;
    case 'UnaryExpression':
      return node.operator === 'typeof' || node.operator === '!' || node.operator === 'void' || node.operator === '~';
    case 'BinaryExpression':
      return BOOLEAN_RESULT.has(node.operator as string) || INTEGER_RESULT.has(node.operator as string);
    default:
      return false;
  }
}

/** Numbers the inline text checks let through (the same test, in instrument.ts). */
function isCheapNumber(v: number): boolean {
  return (v | 0) === v;
}

/** A key the engine uses as it is: an integer, or a string no longer than the free length. */
function isCheapKey(node: AnyNode): boolean {
  if (node.type === 'BinaryExpression') return INTEGER_RESULT.has(node.operator as string);
  if (node.type === 'UnaryExpression') return node.operator === '~';
  if (node.type !== 'Literal' || node.regex !== undefined) return false;
  if (typeof node.value === 'number') return (node.value | 0) === node.value;
  return typeof node.value !== 'string' || node.value.length <= GAS.stringFreeChars;
}

const BOOLEAN_RESULT = new Set(['==', '!=', '===', '!==', '<', '>', '<=', '>=', 'in', 'instanceof']);
/** Bitwise operators: a 32-bit integer, written as a string quickly (a BigInt cannot occur: contracts have none). */
const INTEGER_RESULT = new Set(['&', '|', '^', '<<', '>>', '>>>']);
/** Assignments whose target may be a typed array element receiving a value it converts to a number. */
const STORING_ASSIGNMENT = new Set(['=', '+=', '||=', '&&=', '??=']);

/** A check the instrumenter puts around an operand (or before an update of a target). */
export type OperandCheck =
  | { kind: 'convert' | 'equal'; operand: AnyNode }
  | { kind: 'strict'; operand: AnyNode; comparisons: number }
  | { kind: 'target'; update: AnyNode; target: AnyNode }
  /** A value the engine may write as a string: `+` (hint default), a template or a property key (hint string). */
  | { kind: 'text' | 'key'; operand: AnyNode }
  /** The object of a member a value is stored into: a typed array converts what it stores, an array its length. */
  | { kind: 'store'; object: AnyNode }
  | { kind: 'length'; object: AnyNode };

/** Gas for a check: the inline ones run a few comparisons, the others a call or more. */
export function checkWeight(check: OperandCheck): number {
  return check.kind === 'text' || check.kind === 'key' ? GAS.inlineCheck : GAS.operandCheck;
}

/**
 * The object of a member that a value is stored into through syntax, when it could be a typed array
 * element or an array's length (a computed key naming `length` is paid where the key is checked).
 */
function storedInto(target: AnyNode, out: OperandCheck[]): void {
  for (const member of storedMembers(target)) {
    const object = member.object as AnyNode;
    if (object.type === 'Super') continue;
    const name = memberName(member);
    if (name === 'length') out.push({ kind: 'length', object });
    // A typed array takes 'NaN' and 'Infinity' as numeric keys too: it converts the value and drops it.
    else if (member.computed === true || name === 'NaN' || name === 'Infinity') out.push({ kind: 'store', object });
  }
}

/** The members a value is stored into by assigning to `target`: itself, or those in a destructuring pattern. */
export function storedMembers(target: AnyNode, out: AnyNode[] = []): AnyNode[] {
  switch (target.type) {
    case 'MemberExpression':
      out.push(target);
      break;
    case 'ObjectPattern':
      for (const property of target.properties as AnyNode[]) storedMembers(property.type === 'Property' ? (property.value as AnyNode) : property, out);
      break;
    case 'ArrayPattern':
      for (const element of target.elements as (AnyNode | null)[]) if (element) storedMembers(element, out);
      break;
    case 'AssignmentPattern':
      storedMembers(target.left as AnyNode, out);
      break;
    default:
      break;
  }
  return out;
}

/** The name a member expression names when it is fixed in the source (`o.x`, `o['x']`), else undefined. */
export function memberName(member: AnyNode): string | undefined {
  const property = member.property as AnyNode;
  if (member.computed !== true) return property.type === 'Identifier' ? String(property.name) : undefined;
  return property.type === 'Literal' && typeof property.value === 'string' ? property.value : undefined;
}

/** What `node` (an assignment or a for-in/of) stores values into, if anything: its members' keys are stored keys. */
export function storeTarget(node: AnyNode): AnyNode | undefined {
  if (node.type === 'AssignmentExpression' && STORING_ASSIGNMENT.has(node.operator as string)) return node.left as AnyNode;
  if (node.type === 'ForInStatement' || node.type === 'ForOfStatement') return node.left as AnyNode;
  return undefined;
}

/**
 * The operand checks a node needs: strings compared, hashed or converted to
 * numbers natively in O(length), which one operation's gas does not cover.
 */
export function operandChecks(node: AnyNode): OperandCheck[] {
  const out: OperandCheck[] = [];
  const convert = (kind: 'convert' | 'equal', operand: AnyNode): void => {
    if (!isShort(operand)) out.push({ kind, operand });
  };
  const text = (operand: AnyNode): void => {
    if (!isCheapText(operand)) out.push({ kind: 'text', operand });
  };
  switch (node.type) {
    case 'BinaryExpression': {
      const operator = node.operator as string;
      const left = node.left as AnyNode;
      const right = node.right as AnyNode;
      if (operator === '+') {
        // A chain's inner sums are operands of the outer one: each leaf is checked once, by its own `+`.
        if (!(left.type === 'BinaryExpression' && left.operator === '+')) text(left);
        text(right);
      } else if (operator === 'in') {
        if (left.type !== 'PrivateIdentifier' && !isCheapKey(left)) out.push({ kind: 'key', operand: left });
      } else if (STRICT_EQUALITY.has(operator)) {
        // Comparing stops at the shorter string: one side's length bounds the work.
        if (!isShort(left) && !isShort(right)) out.push({ kind: 'strict', operand: left, comparisons: 1 });
      } else if (CONVERTING.has(operator)) {
        convert('convert', left);
        convert('convert', right);
      } else if (LOOSE_EQUALITY.has(operator) && !isNull(left) && !isNull(right)) {
        convert('equal', left);
        convert('equal', right);
      }
      break;
    }
    case 'UnaryExpression':
      if (CONVERTING_UNARY.has(node.operator as string)) convert('convert', node.argument as AnyNode);
      break;
    case 'UpdateExpression':
      out.push({ kind: 'target', update: node, target: node.argument as AnyNode });
      break;
    case 'AssignmentExpression': {
      const left = node.left as AnyNode;
      const operator = node.operator as string;
      if (CONVERTING_ASSIGNMENT.has(operator)) {
        out.push({ kind: 'target', update: node, target: left });
        convert('convert', node.right as AnyNode);
      } else if (operator === '+=') {
        // The old value may be written as a string too, or converted with the new one.
        out.push({ kind: 'target', update: node, target: left });
        text(node.right as AnyNode);
      }
      if (STORING_ASSIGNMENT.has(operator) && (left.type !== 'MemberExpression' || !isShort(node.right as AnyNode))) storedInto(left, out);
      break;
    }
    case 'ForInStatement':
    case 'ForOfStatement':
      storedInto(node.left as AnyNode, out);
      break;
    case 'TemplateLiteral':
      for (const expression of node.expressions as AnyNode[]) text(expression);
      break;
    case 'MemberExpression':
      if (node.computed === true && !isCheapKey(node.property as AnyNode)) out.push({ kind: 'key', operand: node.property as AnyNode });
      break;
    case 'Property':
    case 'PropertyDefinition':
    case 'MethodDefinition':
      if (node.computed === true && !isCheapKey(node.key as AnyNode)) out.push({ kind: 'key', operand: node.key as AnyNode });
      break;
    case 'SwitchStatement': {
      const tests = (node.cases as AnyNode[]).filter((c) => c.test !== null).length;
      const discriminant = node.discriminant as AnyNode;
      if (tests > 0 && !isShort(discriminant)) out.push({ kind: 'strict', operand: discriminant, comparisons: tests });
      break;
    }
    default:
      break;
  }
  return out;
}

/** Whether `parent`'s child `fn` is a method, accessor or class constructor: those have no prototype property. */
export function isMethodSlot(parent: AnyNode): boolean {
  return parent.type === 'MethodDefinition' || (parent.type === 'Property' && (parent.method === true || parent.kind !== 'init'));
}

/** A literal's `__proto__: value`, which sets the new object's prototype (a computed or shorthand one makes a property). */
export function isProtoSetter(property: AnyNode): boolean {
  if (property.type !== 'Property' || property.computed === true || property.shorthand === true || property.method === true || property.kind !== 'init') return false;
  const key = property.key as AnyNode;
  return (key.type === 'Identifier' && key.name === '__proto__') || (key.type === 'Literal' && key.value === '__proto__');
}
