// Proves compileSql92 refuses what RocketMQ 4.x's selector parser refuses (reference §5.11:
// syntax outside the grammar, the parse-time operand checks, literal ranges), each with a message
// that names the line and column, and accepts the edge cases RocketMQ accepts.
import { describe, expect, it } from 'vitest';
import { compileSql92 } from '../../../src/filter/sql92.js';

type Refusal = readonly [expression: string, column: number, mentions: RegExp, rule: string];

const REFUSED: readonly Refusal[] = [
  ['', 1, /end/, 'an empty selector'],
  ['a >', 4, /end/, 'a missing right operand'],
  ["a > 'x'", 3, /string 'x' cannot be compared with >/, 'ordering operands that are literals must be numbers'],
  ['a > TRUE', 3, /TRUE cannot be compared/, 'a boolean literal cannot be ordered'],
  ['a <= NULL', 3, /NULL cannot be compared/, 'NULL cannot be ordered'],
  ['a = NULL', 3, /IS NULL/, '= NULL is refused: use IS NULL'],
  ['NULL <> a', 6, /IS NULL/, '<> with a NULL literal on either side'],
  ['TRUE = 1', 6, /TRUE cannot be compared with 1/, 'a boolean literal on the left of a non-boolean literal'],
  ['a BETWEEN 3 AND 1', 3, /lower bound 3 .* upper bound 1/, 'BETWEEN with literal bounds needs low <= high'],
  ["a BETWEEN 'a' AND 'b'", 3, /cannot be compared with >=/, 'BETWEEN bounds must be numbers'],
  ['a BETWEEN NULL AND 1', 3, /cannot be NULL/, 'BETWEEN bounds cannot be NULL'],
  ["a BETWEEN 1 AND 'x'", 3, /cannot be compared/, 'bounds that do not convert to each other'],
  ["1 IN ('x')", 3, /needs a property/, 'IN needs a property on its left'],
  ["NOT a IN ('x')", 7, /needs a property/, 'NOT binds tighter: (NOT a) IN (...) has no property on the left'],
  ['a IN (1, 2)', 7, /string literal/, 'IN lists hold string literals only'],
  ['a IN ()', 7, /string literal/, 'IN lists are not empty'],
  ['1', 1, /not a boolean expression/, 'the selector must be boolean'],
  ["'x'", 1, /not a boolean expression/, 'a string is not a selector'],
  ['-a', 1, /not a boolean expression/, 'a negated value is not a selector'],
  ['a AND 1', 7, /not a boolean expression/, 'AND operands must be boolean (or a bare property)'],
  ['NOT 1', 5, /not a boolean expression/, 'NOT needs a boolean operand'],
  ['(a > 1) > 2', 9, /boolean expression cannot be compared with >/, 'a boolean expression cannot be ordered'],
  ['a > 1 > 2', 7, /boolean expression cannot be compared/, 'comparisons do not chain'],
  ['a + 1 = 2', 3, /Expected/, 'no arithmetic'],
  ["a LIKE 'x'", 3, /Expected/, 'no LIKE in 4.x'],
  ['a == 1', 4, /Expected/, 'no == operator'],
  ['a != 1', 3, /Expected/, 'no != operator'],
  ['a.b = 1', 2, /Expected/, 'identifiers have no dots'],
  ['a = 05', 6, /Expected/, 'no octal: 05 is two tokens'],
  ['a = 0x1F', 6, /Expected/, 'no hex literals'],
  ['0.0 < a', 1, /smallest positive double/, 'RocketMQ refuses float literals below Double.MIN_VALUE, so 0.0'],
  ['a = 1e400', 5, /largest double/, 'float literals above Double.MAX_VALUE'],
  ['a = 9223372036854775808', 5, /out of the long range/, 'integer literals must fit a long'],
  ["a = 'open", 5, /Expected/, 'an unterminated string'],
  ['a = 1 -- no line break', 7, /Expected/, 'a line comment needs its line break (else it is two minus signs)'],
  ['a = 1 /* open', 7, /Expected/, 'an unterminated block comment'],
  ['a = 1 b = 2', 7, /Expected/, 'trailing input (RocketMQ silently ignores it; Petrel refuses)'],
  ['a = 1)', 6, /Expected/, 'an unbalanced parenthesis'],
];

describe('SQL92 refusals', () => {
  it.each(REFUSED)('refuses %j at column %i (%s)', (expression, column, mentions) => {
    const result = compileSql92(expression);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(`line 1, column ${column}`);
    expect(result.error).toMatch(mentions);
  });

  it('names the line of a multi-line expression', () => {
    const result = compileSql92("a = 1 AND\n  b > 'x'");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('line 2, column 5');
  });

  it.each([
    ['a = 9223372036854775807', 'the largest long literal'],
    ['a > -2147483648', 'a negated long that equals Integer.MIN_VALUE'],
    ['a > 1.7976931348623157e308', 'Double.MAX_VALUE'],
    ['a > 4.9e-324', 'Double.MIN_VALUE'],
    ['a > 5. AND b < .5 AND c = 5e3 AND d = 5E+3', 'every float form'],
    ['a NOT BETWEEN 3 AND 1', 'NOT BETWEEN does not check its bounds'],
    ['a BETWEEN 1 AND 1', 'equal bounds'],
    ['a BETWEEN 1 AND 2.5', 'mixed numeric bounds'],
    ['a > -b', 'a negated property is not a literal, so it may be ordered'],
    ['1 = TRUE', 'a number on the left of a boolean literal is allowed'],
    ['NOT NULL', 'NULL is a boolean literal'],
    ['(((a = 1)))', 'nested parentheses'],
    ['\t\r\n\fa = 1\f', 'every whitespace character'],
    ['+a > +1', 'unary plus'],
  ])('accepts %j (%s)', (expression) => {
    const result = compileSql92(expression);
    expect(result).toMatchObject({ ok: true });
  });
});
