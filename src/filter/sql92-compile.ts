import type { Expression } from './sql92-check.js';
import {
  compareDoubles, compareJava, type JavaNumber, type JavaValue, parseJavaDouble, parseJavaInt,
} from './sql92-java.js';
import type { CompareOperator } from './sql92-syntax.js';

/**
 * Turns a checked SQL92 expression into a tree of closures, built once per subscription, so a
 * message costs a few calls and property lookups, never a parse. Evaluation is RocketMQ's
 * (reference §5.11): three-valued (null = unknown), AND/OR short-circuit left to right as Java's
 * LogicExpression does, comparisons convert as sql92-java.ts says; a failed conversion throws
 * EVALUATION_FAILED to the caller of the root.
 */

/** Where property values come from during one evaluation. A Map satisfies it. */
export interface PropertyLookup {
  get(name: string): string | undefined;
}

export type BooleanNode = (properties: PropertyLookup) => boolean | null;
type ValueNode = (properties: PropertyLookup) => JavaValue;

export function compileBoolean(expression: Expression): BooleanNode {
  switch (expression.kind) {
    case 'literal': {
      const value = expression.value;
      if (value !== null && typeof value !== 'boolean') throw new Error('compileBoolean: non-boolean literal');
      return () => value;
    }
    case 'and': return andNode(compileBoolean(expression.left), compileBoolean(expression.right));
    case 'or': return orNode(compileBoolean(expression.left), compileBoolean(expression.right));
    case 'not': return notNode(compileBoolean(expression.operand));
    case 'cast': {
      const name = expression.name;
      return (properties) => (properties.get(name) === undefined ? null : false);
    }
    case 'in': return inNode(expression.name, expression.list, expression.negated);
    case 'equal': return equalNode(expression.left, expression.right);
    case 'compare': return compareNode(expression.op, expression.left, expression.right);
    case 'property':
    case 'negate':
      throw new Error(`compileBoolean: ${expression.kind} is not boolean (the checker casts or refuses it)`);
  }
}

function andNode(left: BooleanNode, right: BooleanNode): BooleanNode {
  return (properties) => {
    const leftValue = left(properties);
    if (leftValue === false) return false;
    const rightValue = right(properties);
    if (rightValue === false) return false;
    return leftValue === null || rightValue === null ? null : true;
  };
}

function orNode(left: BooleanNode, right: BooleanNode): BooleanNode {
  return (properties) => {
    const leftValue = left(properties);
    if (leftValue === true) return true;
    const rightValue = right(properties);
    if (rightValue === true) return true;
    return leftValue === null || rightValue === null ? null : false;
  };
}

function notNode(operand: BooleanNode): BooleanNode {
  return (properties) => {
    const value = operand(properties);
    return value === null ? null : !value;
  };
}

function inNode(name: string, list: ReadonlySet<string>, negated: boolean): BooleanNode {
  return (properties) => {
    const value = properties.get(name);
    return value === undefined ? null : list.has(value) !== negated;
  };
}

/** A literal's value folded at compile time, or undefined when the expression is not constant. */
function constantOf(expression: Expression): { value: JavaValue } | undefined {
  if (expression.kind === 'literal') return { value: expression.value };
  if (expression.kind !== 'negate') return undefined;
  const operand = constantOf(expression.operand);
  if (operand !== undefined) return { value: negate(operand.value) };
  // A negated property is null at runtime whatever the property holds (it is a string).
  return expression.operand.kind === 'property' ? { value: null } : undefined;
}

/** Java's unary minus: numbers negate (Integer stays Integer), anything else is null. */
function negate(value: JavaValue): JavaValue {
  if (value === null || typeof value !== 'object') return null;
  switch (value.type) {
    case 'int': return { type: 'int', value: 0 - value.value };
    case 'long': return { type: 'long', value: -value.value };
    case 'double': return { type: 'double', value: -value.value };
  }
}

function compileValue(expression: Expression): ValueNode {
  const constant = constantOf(expression);
  if (constant !== undefined) {
    const value = constant.value;
    return () => value;
  }
  if (expression.kind === 'property') {
    const name = expression.name;
    return (properties) => properties.get(name) ?? null;
  }
  if (expression.kind === 'negate') {
    // The operand is evaluated for its failures only: negating a non-number gives null.
    const operand = compileValue(expression.operand);
    return (properties) => {
      const value = operand(properties);
      return value !== null && typeof value === 'object' ? negate(value) : null;
    };
  }
  return compileBoolean(expression);
}

/** `=` (also IS NULL, whose right side is the NULL literal): RocketMQ's doCreateEqual. */
function equalNode(left: Expression, right: Expression): BooleanNode {
  const rightConstant = constantOf(right);
  if (left.kind === 'property' && rightConstant !== undefined) {
    return propertyEqualsConstant(left.name, rightConstant.value);
  }
  const leftNode = compileValue(left);
  const rightNode = compileValue(right);
  return (properties) => {
    const leftValue = leftNode(properties);
    const rightValue = rightNode(properties);
    if (leftValue === null) return rightValue === null ? true : null;
    if (rightValue === null) return false;
    return compareJava(leftValue, rightValue) === 0;
  };
}

/** Fast forms of `property = literal` and `property IS NULL`. */
function propertyEqualsConstant(name: string, constant: JavaValue): BooleanNode {
  if (constant === null) return (properties) => properties.get(name) === undefined;
  if (typeof constant === 'string') {
    return (properties) => {
      const value = properties.get(name);
      return value === undefined ? null : value === constant;
    };
  }
  if (typeof constant === 'object' && constant.type === 'int') {
    const expected = constant.value;
    return (properties) => {
      const value = properties.get(name);
      return value === undefined ? null : parseJavaInt(value) === expected;
    };
  }
  return (properties) => {
    const value = properties.get(name);
    return value === undefined ? null : compareJava(value, constant) === 0;
  };
}

type Order = (sign: number) => boolean;

const ORDERS: Readonly<Record<CompareOperator, Order>> = {
  '>': (sign) => sign > 0,
  '>=': (sign) => sign >= 0,
  '<': (sign) => sign < 0,
  '<=': (sign) => sign <= 0,
};

/** `<`, `<=`, `>`, `>=`: null when either side is null (the right is not evaluated then). */
function compareNode(op: CompareOperator, left: Expression, right: Expression): BooleanNode {
  const order = ORDERS[op];
  const rightConstant = constantOf(right);
  if (left.kind === 'property' && rightConstant !== undefined && isNumber(rightConstant.value)) {
    return propertyComparedWithNumber(left.name, rightConstant.value, order);
  }
  const leftNode = compileValue(left);
  const rightNode = compileValue(right);
  return (properties) => {
    const leftValue = leftNode(properties);
    if (leftValue === null) return null;
    const rightValue = rightNode(properties);
    if (rightValue === null) return null;
    if (typeof leftValue === 'string' && typeof rightValue === 'string') {
      // Two strings (two properties): RocketMQ compares them as doubles or fails.
      return order(compareDoubles(parseJavaDouble(leftValue), parseJavaDouble(rightValue)));
    }
    return order(compareJava(leftValue, rightValue));
  };
}

function isNumber(value: JavaValue): value is JavaNumber {
  return value !== null && typeof value === 'object';
}

/** The common case (`a > 5`, `a BETWEEN 0 AND 3`): parse the property as the literal's type. */
function propertyComparedWithNumber(name: string, constant: JavaNumber, order: Order): BooleanNode {
  if (constant.type === 'int') {
    const bound = constant.value;
    return (properties) => {
      const value = properties.get(name);
      if (value === undefined) return null;
      const number = parseJavaInt(value);
      return order(number < bound ? -1 : number > bound ? 1 : 0);
    };
  }
  if (constant.type === 'double') {
    const bound = constant.value;
    return (properties) => {
      const value = properties.get(name);
      return value === undefined ? null : order(compareDoubles(parseJavaDouble(value), bound));
    };
  }
  return (properties) => {
    const value = properties.get(name);
    return value === undefined ? null : order(compareJava(value, constant));
  };
}
