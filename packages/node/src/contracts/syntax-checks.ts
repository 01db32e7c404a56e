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

/** A check the instrumenter puts around an operand (or before an update of a target). */
export type OperandCheck =
  | { kind: 'convert' | 'loose'; operand: AnyNode }
  | { kind: 'strict'; operand: AnyNode; comparisons: number }
  | { kind: 'target'; update: AnyNode; target: AnyNode };

/**
 * The operand checks a node needs: strings compared, hashed or converted to
 * numbers natively in O(length), which one operation's gas does not cover.
 */
export function operandChecks(node: AnyNode): OperandCheck[] {
  const out: OperandCheck[] = [];
  const convert = (kind: 'convert' | 'loose', operand: AnyNode): void => {
    if (!isShort(operand)) out.push({ kind, operand });
  };
  switch (node.type) {
    case 'BinaryExpression': {
      const operator = node.operator as string;
      const left = node.left as AnyNode;
      const right = node.right as AnyNode;
      if (STRICT_EQUALITY.has(operator)) {
        // Comparing stops at the shorter string: one side's length bounds the work.
        if (!isShort(left) && !isShort(right)) out.push({ kind: 'strict', operand: left, comparisons: 1 });
      } else if (CONVERTING.has(operator)) {
        convert('convert', left);
        convert('convert', right);
      } else if (LOOSE_EQUALITY.has(operator) && !isNull(left) && !isNull(right)) {
        convert('loose', left);
        convert('loose', right);
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
      if (CONVERTING_ASSIGNMENT.has(node.operator as string)) {
        out.push({ kind: 'target', update: node, target: left });
        convert('convert', node.right as AnyNode);
      } else if (node.operator === '=' && left.type === 'MemberExpression') {
        // A typed array element or an array's length converts what is stored to a number.
        convert('loose', node.right as AnyNode);
      }
      break;
    }
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
