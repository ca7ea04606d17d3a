import { compareJava, EVALUATION_FAILED, type JavaValue } from './sql92-java.js';
import type { CompareOperator, SourcePosition, Sql92Problem, SyntaxNode } from './sql92-syntax.js';

/**
 * The semantic pass over the syntax tree: RocketMQ's parse-time checks (reference §5.11, the
 * checks its expression factories make while the parser builds the tree) and the desugaring of
 * `<>`, IS [NOT] NULL, [NOT] BETWEEN into `=`, comparisons, AND/OR/NOT, exactly as RocketMQ
 * builds them. The result is the tree the compiler turns into closures.
 */
export type Expression =
  /** A literal. TRUE, FALSE and NULL are also boolean expressions (`booleanLiteral`). */
  | { readonly kind: 'literal'; readonly value: JavaValue; readonly booleanLiteral: boolean }
  | { readonly kind: 'property'; readonly name: string }
  | { readonly kind: 'negate'; readonly operand: Expression }
  | { readonly kind: 'and' | 'or'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'not'; readonly operand: Expression }
  /** A bare property used as a boolean: FALSE when present (it is a string), null when absent. */
  | { readonly kind: 'cast'; readonly name: string }
  | { readonly kind: 'equal'; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'compare'; readonly op: CompareOperator; readonly left: Expression; readonly right: Expression }
  | { readonly kind: 'in'; readonly name: string; readonly list: ReadonlySet<string>; readonly negated: boolean };

/** Thrown inside this pass only; `checkSql92` returns it as a value. */
class CheckFailure {
  constructor(readonly problem: Sql92Problem) {}
}

function fail(at: SourcePosition, message: string): never {
  throw new CheckFailure({ message, at });
}

const NULL_LITERAL: Expression = { kind: 'literal', value: null, booleanLiteral: true };
const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;
const LONG_MAX = 2n ** 63n - 1n;

export type CheckOutcome =
  | { readonly ok: true; readonly expression: Expression }
  | { readonly ok: false; readonly problem: Sql92Problem };

/** Checks and desugars a parsed selector; the whole selector must be boolean. */
export function checkSql92(tree: SyntaxNode): CheckOutcome {
  try {
    return { ok: true, expression: asBoolean(tree, build(tree)) };
  } catch (error) {
    if (error instanceof CheckFailure) return { ok: false, problem: error.problem };
    throw error;
  }
}

function build(node: SyntaxNode): Expression {
  switch (node.kind) {
    case 'or':
    case 'and':
      return { kind: node.kind, left: asBoolean(node.left, build(node.left)), right: asBoolean(node.right, build(node.right)) };
    case 'equal':
      return equal(node.at, build(node.left), build(node.right));
    case 'notEqual':
      return { kind: 'not', operand: equal(node.at, build(node.left), build(node.right)) };
    case 'isNull': {
      const isNull: Expression = { kind: 'equal', left: build(node.operand), right: NULL_LITERAL };
      return node.negated ? { kind: 'not', operand: isNull } : isNull;
    }
    case 'compare':
      return compare(node.at, node.op, build(node.left), build(node.right));
    case 'between':
      return between(node.at, node.negated, build(node.value), build(node.low), build(node.high));
    case 'in':
      return inList(node.at, node.negated, build(node.value), node.list);
    case 'negate':
      return { kind: 'negate', operand: build(node.operand) };
    case 'not':
      return { kind: 'not', operand: asBoolean(node.operand, build(node.operand)) };
    case 'string':
      return { kind: 'literal', value: node.value, booleanLiteral: false };
    case 'decimal':
      return { kind: 'literal', value: decimalValue(node.at, node.text), booleanLiteral: false };
    case 'float':
      return { kind: 'literal', value: floatValue(node.at, node.text), booleanLiteral: false };
    case 'boolean':
      return { kind: 'literal', value: node.value, booleanLiteral: true };
    case 'null':
      return NULL_LITERAL;
    case 'property':
      return { kind: 'property', name: node.name };
  }
}

/** RocketMQ's BooleanExpression: what AND, OR, NOT and the whole selector accept as is. */
export function isBooleanExpression(expression: Expression): boolean {
  switch (expression.kind) {
    case 'literal': return expression.booleanLiteral;
    case 'property':
    case 'negate': return false;
    default: return true;
  }
}

/** A property becomes a boolean cast; anything else that is not boolean is refused. */
function asBoolean(node: SyntaxNode, expression: Expression): Expression {
  if (isBooleanExpression(expression)) return expression;
  if (expression.kind === 'property') return { kind: 'cast', name: expression.name };
  return fail(node.at, `${describe(expression)} is not a boolean expression`);
}

function equal(at: SourcePosition, left: Expression, right: Expression): Expression {
  for (const operand of [left, right]) {
    if (operand.kind === 'literal' && operand.value === null) {
      fail(at, 'NULL cannot be compared with = or <> (use IS NULL / IS NOT NULL)');
    }
  }
  if (left.kind === 'literal' && right.kind === 'literal' && left.booleanLiteral && !right.booleanLiteral) {
    fail(at, `${describe(left)} cannot be compared with ${describe(right)}`);
  }
  return { kind: 'equal', left, right };
}

function compare(at: SourcePosition, op: CompareOperator, left: Expression, right: Expression): Expression {
  checkOrderedOperand(at, op, left);
  checkOrderedOperand(at, op, right);
  return { kind: 'compare', op, left, right };
}

/** Only numbers (or non-literal values such as properties) may be ordered. */
function checkOrderedOperand(at: SourcePosition, op: string, operand: Expression): void {
  if (operand.kind === 'literal') {
    if (operand.value !== null && typeof operand.value === 'object') return;
    fail(at, `${describe(operand)} cannot be compared with ${op} (only numbers can)`);
  }
  if (isBooleanExpression(operand)) fail(at, `a boolean expression cannot be compared with ${op}`);
}

function between(at: SourcePosition, negated: boolean, value: Expression, low: Expression, high: Expression): Expression {
  if (negated) {
    return { kind: 'or', left: compare(at, '<', value, low), right: compare(at, '>', value, high) };
  }
  if (low.kind === 'literal' && high.kind === 'literal') checkBetweenBounds(at, low.value, high.value);
  return { kind: 'and', left: compare(at, '>=', value, low), right: compare(at, '<=', value, high) };
}

function checkBetweenBounds(at: SourcePosition, low: JavaValue, high: JavaValue): void {
  if (low === null || high === null) fail(at, 'BETWEEN bounds cannot be NULL');
  let order: number;
  try {
    order = compareJava(high, low);
  } catch (error) {
    if (error !== EVALUATION_FAILED) throw error;
    return fail(at, `BETWEEN bounds ${literalText(low)} and ${literalText(high)} cannot be compared`);
  }
  if (order < 0) {
    fail(at, `BETWEEN lower bound ${literalText(low)} must be less than or equal to the upper bound ${literalText(high)}`);
  }
}

function inList(at: SourcePosition, negated: boolean, value: Expression, list: readonly string[]): Expression {
  if (value.kind !== 'property') fail(at, `${negated ? 'NOT IN' : 'IN'} needs a property name on its left`);
  return { kind: 'in', name: value.name, list: new Set(list), negated };
}

/** `0`, `[1-9][0-9]*` (an `l`/`L` suffix is already dropped): Integer when it fits, else Long. */
function decimalValue(at: SourcePosition, text: string): JavaValue {
  const value = BigInt(text);
  if (value > LONG_MAX) fail(at, `integer literal ${text} is out of the long range`);
  if (value >= INT_MIN && value <= INT_MAX) return { type: 'int', value: Number(value) };
  return { type: 'long', value };
}

/** A Double; RocketMQ refuses values above Double.MAX_VALUE and below Double.MIN_VALUE (so 0.0). */
function floatValue(at: SourcePosition, text: string): JavaValue {
  const value = Number(text);
  if (value > Number.MAX_VALUE) fail(at, `number ${text} is greater than the largest double`);
  if (value < Number.MIN_VALUE) fail(at, `number ${text} is less than the smallest positive double (RocketMQ refuses it)`);
  return { type: 'double', value };
}

function literalText(value: JavaValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return String(value.value);
}

function describe(expression: Expression): string {
  switch (expression.kind) {
    case 'literal': return typeof expression.value === 'string' ? `the string ${literalText(expression.value)}` : literalText(expression.value);
    case 'property': return `property ${expression.name}`;
    case 'negate': return 'a negated value';
    default: return 'a boolean expression';
  }
}
