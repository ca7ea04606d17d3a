/**
 * Java value semantics of RocketMQ's SQL92 evaluator (reference §5.11): the types a literal can
 * have (Integer, Long, Double, String, Boolean), the conversions a comparison applies when the two
 * sides differ (RocketMQ always converts strings: a property "10" compared with the literal 5 is
 * parsed with Integer.valueOf), and Java's parse and compare rules for each type. A failed
 * conversion is RocketMQ's evaluation exception, thrown here as EVALUATION_FAILED and turned into
 * "not matched" at the top of the evaluation.
 */

/** A numeric literal (or a negated one): Java Integer, Long or Double. */
export type JavaNumber =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number };

/** What an SQL92 sub-expression evaluates to. Property values are always strings (or null). */
export type JavaValue = null | boolean | string | JavaNumber;

/**
 * Thrown (never allocated per failure) when Java would throw during evaluation: a string that
 * does not parse as the number it is compared with, or a Boolean compared with a string on its
 * right (a ClassCastException in RocketMQ). Only the top-level evaluation catches it.
 */
export const EVALUATION_FAILED: Readonly<{ reason: string }> = Object.freeze({ reason: 'SQL92 evaluation failed' });

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const INTEGER_TEXT = /^[+-]?[0-9]+$/;
const DECIMAL_DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)$/;
const HEX_DOUBLE_TEXT = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))[pP]([+-]?[0-9]+)[fFdD]?$/;

export function intValue(value: number): JavaNumber {
  return { type: 'int', value };
}

/** Java `Integer.valueOf(String)`: optional sign, decimal digits, int range; no whitespace. */
export function parseJavaInt(text: string): number {
  const length = text.length;
  // Fast path: up to 9 plain digits always fit an int.
  if (length > 0 && length <= 9) {
    let value = 0;
    let i = 0;
    for (; i < length; i++) {
      const digit = text.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (i === length) return value;
  }
  if (!INTEGER_TEXT.test(text)) throw EVALUATION_FAILED;
  const value = Number(text);
  if (value < INT_MIN || value > INT_MAX) throw EVALUATION_FAILED;
  return value + 0;
}

/** Java `Long.valueOf(String)`: optional sign, decimal digits, 64-bit range. */
export function parseJavaLong(text: string): bigint {
  if (!INTEGER_TEXT.test(text)) throw EVALUATION_FAILED;
  const value = BigInt(text);
  if (value < LONG_MIN || value > LONG_MAX) throw EVALUATION_FAILED;
  return value;
}

/**
 * Java `Double.valueOf(String)`: surrounding characters <= U+0020 trimmed, optional sign, NaN,
 * Infinity, decimal or hexadecimal (`0x1.8p1`) forms, optional f/F/d/D suffix.
 */
export function parseJavaDouble(text: string): number {
  const trimmed = javaTrim(text);
  if (DECIMAL_DOUBLE_TEXT.test(trimmed)) {
    const last = trimmed.charCodeAt(trimmed.length - 1) | 0x20;
    const digits = last === 0x66 || last === 0x64 ? trimmed.slice(0, -1) : trimmed; // f, d
    return Number(digits);
  }
  const hex = HEX_DOUBLE_TEXT.exec(trimmed);
  if (hex === null) throw EVALUATION_FAILED;
  return hexDouble(hex);
}

function hexDouble(match: RegExpExecArray): number {
  const [, sign, whole = '', fractionAfterWhole = '', fractionOnly, exponentText = '0'] = match;
  const fraction = fractionOnly ?? fractionAfterWhole;
  const mantissa = BigInt('0x' + (whole + fraction === '' ? '0' : whole + fraction));
  const exponent = Number(exponentText) - 4 * fraction.length;
  const magnitude = Number(mantissa) * 2 ** exponent;
  return sign === '-' ? -magnitude : magnitude;
}

/** Java `String.trim()`: strips code units <= U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Java `Boolean.valueOf(String)`: true iff the text is "true" ignoring case. */
export function parseJavaBoolean(text: string): boolean {
  return text.length === 4 && text.toLowerCase() === 'true';
}

/** Java `Double.compare`: NaN above everything and equal to itself, -0.0 below 0.0. */
export function compareDoubles(left: number, right: number): number {
  if (left < right) return -1;
  if (left > right) return 1;
  if (left === right) {
    if (left !== 0) return 0;
    const leftNegative = Object.is(left, -0);
    return leftNegative === Object.is(right, -0) ? 0 : leftNegative ? -1 : 1;
  }
  const leftNaN = Number.isNaN(left);
  return leftNaN === Number.isNaN(right) ? 0 : leftNaN ? 1 : -1;
}

function sign(left: number | bigint | string | boolean, right: number | bigint | string | boolean): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

function doubleOf(value: JavaNumber): number {
  return value.type === 'long' ? Number(value.value) : value.value;
}

function compareNumbers(left: JavaNumber, right: JavaNumber): number {
  if (left.type === 'double' || right.type === 'double') return compareDoubles(doubleOf(left), doubleOf(right));
  return sign(left.value, right.value);
}

/** The number `text` becomes when compared with `like` (Integer/Long/Double.valueOf). */
function convertText(text: string, like: JavaNumber): JavaNumber {
  switch (like.type) {
    case 'int': return { type: 'int', value: parseJavaInt(text) };
    case 'long': return { type: 'long', value: parseJavaLong(text) };
    case 'double': return { type: 'double', value: parseJavaDouble(text) };
  }
}

/**
 * RocketMQ's ComparisonExpression.__compare with string conversion on (it is always on): same
 * types compare naturally; numbers widen (Integer → Long → Double); a String meeting a number or
 * a Boolean on its right is converted to that type; a Boolean on the left of a String throws
 * (Java casts the Boolean to String); every other mix compares as "less than" (-1).
 */
export function compareJava(left: NonNullable<JavaValue>, right: NonNullable<JavaValue>): number {
  if (typeof left === 'string') {
    if (typeof right === 'string') return sign(left, right);
    if (typeof right === 'boolean') return sign(parseJavaBoolean(left), right);
    return compareNumbers(convertText(left, right), right);
  }
  if (typeof left === 'boolean') {
    if (typeof right === 'boolean') return sign(left, right);
    if (typeof right === 'string') throw EVALUATION_FAILED;
    return -1;
  }
  if (typeof right === 'string') return compareNumbers(left, convertText(right, left));
  if (typeof right === 'boolean') return -1;
  return compareNumbers(left, right);
}
