// Proves compileSql92 evaluates like RocketMQ 4.x's SQL92 selector (reference §5.11): a table of
// expressions with message properties and the three-valued result each must give (true, false,
// null = unknown, 'error' = RocketMQ's evaluation exception), every row naming the rule it checks;
// plus `evaluate` (only TRUE matches) and the tutorial example `a between 0 and 3` over a = 0..9.
import { describe, expect, it } from 'vitest';
import { compileSql92, type CompiledFilter, type Sql92Outcome } from '../../../src/filter/sql92.js';

type Properties = Readonly<Record<string, string>>;
type Row = readonly [expression: string, properties: Properties, expected: Sql92Outcome, rule: string];

const ROWS: readonly Row[] = [
  // --- NULL semantics: a missing property is null (unknown) ---
  ['a = 1', {}, null, '= with a missing left side is null'],
  ["'x' = a", {}, false, '= with only the right side null is FALSE (RocketMQ doCreateEqual asymmetry)'],
  ["'x' <> a", {}, true, '<> is NOT(=), so the FALSE above becomes TRUE'],
  ['a <> 1', {}, null, '<> with a missing left side stays null'],
  ['a = b', {}, true, '= with both sides null is TRUE (Java: null == null)'],
  ['a IS NULL', {}, true, 'IS NULL is TRUE iff the property is absent'],
  ['a IS NULL', { a: '' }, false, 'an empty-string property is present for IS NULL (the map has it)'],
  ['a IS NOT NULL', { a: 'x' }, true, 'IS NOT NULL is the negation of IS NULL'],
  ['a IS NOT NULL', {}, false, 'IS NOT NULL of an absent property is FALSE, never null'],
  ['a > 1', {}, null, 'ordering with a null operand is null'],
  ["a IN ('x')", {}, null, 'IN on a missing property is null'],
  ["a NOT IN ('x')", {}, null, 'NOT IN on a missing property is still null'],
  ['NOT (a = 1)', {}, null, 'NOT null is null'],
  ['a', { a: 'true' }, false, 'a bare property is cast to boolean: a string is never Boolean TRUE'],
  ['a', {}, null, 'a bare missing property casts to null'],
  ['NOT a', { a: 'x' }, true, 'NOT of the FALSE cast of a present property is TRUE'],
  // --- three-valued AND / OR ---
  ['a = 1 AND b = 2', { b: '3' }, false, 'null AND FALSE is FALSE'],
  ['a = 1 AND b = 2', { b: '2' }, null, 'null AND TRUE is null'],
  ['a = 1 OR b = 2', { b: '2' }, true, 'null OR TRUE is TRUE'],
  ['a = 1 OR b = 2', { b: '3' }, null, 'null OR FALSE is null'],
  ['a = 1 OR b = 2', { a: 'x', b: '2' }, 'error', 'OR evaluates its left side first: a conversion failure there wins'],
  ['b = 2 OR a = 1', { a: 'x', b: '2' }, true, 'OR short-circuits on a TRUE left side (the right is never evaluated)'],
  ['b = 3 AND a = 1', { a: 'x', b: '2' }, false, 'AND short-circuits on a FALSE left side'],
  // --- precedence and parentheses ---
  ['a = 1 OR b = 1 AND c = 1', { a: '1', b: '0', c: '0' }, true, 'AND binds tighter than OR'],
  ['(a = 1 OR b = 1) AND c = 1', { a: '1', b: '0', c: '0' }, false, 'parentheses override precedence'],
  ['NOT a = 1 OR b = 2', { a: '1', b: '2' }, true, 'NOT binds tighter than =: (NOT a) = 1 is Boolean vs Integer, FALSE; OR TRUE'],
  ['NOT (a = 1) AND b = 2', { a: '1', b: '2' }, false, 'NOT (...) then AND'],
  ['a > 1 = TRUE', { a: '5' }, true, 'comparison binds tighter than =: (a > 1) = TRUE'],
  // --- numbers: property strings converted to the literal type ---
  ['a = 10', { a: '10' }, true, 'String vs Integer: Integer.valueOf(property)'],
  ['a > 5', { a: '10' }, true, 'numeric, not lexicographic, ordering ("10" > 5)'],
  ['a = 3', { a: '3.0' }, 'error', 'Integer.valueOf("3.0") throws: evaluation error, not matched'],
  ['a = 3.0', { a: '3' }, true, 'String vs Double: Double.valueOf("3") = 3.0'],
  ['a > 1.5', { a: ' 2 ' }, true, 'Double.valueOf trims surrounding whitespace'],
  ['a > 1', { a: ' 2' }, 'error', 'Integer.valueOf does not trim'],
  ['a >= -5', { a: '-5' }, true, 'unary minus on a literal; signed property values parse'],
  ['a < 3000000000', { a: '2999999999' }, true, 'a literal beyond int range is a Long; the property parses as Long'],
  ['a = 1L', { a: '1' }, true, 'an l/L suffix that fits int is an Integer'],
  ['a < 2.5', { a: 'NaN' }, false, 'Double.compare puts NaN above everything'],
  ['a > 5', { a: 'abc' }, 'error', 'type mismatch: a non-numeric property against a number is an evaluation error'],
  ['a > 5', { a: '99999999999' }, 'error', 'Integer.valueOf of a value beyond int range throws'],
  ['a > b', { a: '10', b: '9' }, true, 'two properties under > are both parsed as doubles'],
  ['a > b', { a: 'x', b: '9' }, 'error', 'two strings that are not numbers cannot be ordered'],
  ['a = b', { a: '1', b: '1.0' }, false, 'two properties under = compare as strings'],
  ['a = -b', { a: '1', b: '1' }, false, 'negating a string gives null; non-null = null is FALSE'],
  // --- BETWEEN ---
  ['a BETWEEN 1 AND 3', { a: '1' }, true, 'BETWEEN includes the low bound'],
  ['a BETWEEN 1 AND 3', { a: '3' }, true, 'BETWEEN includes the high bound'],
  ['a BETWEEN 1 AND 3', { a: '4' }, false, 'outside the range'],
  ['a NOT BETWEEN 1 AND 3', { a: '4' }, true, 'NOT BETWEEN is a < low OR a > high'],
  ['a NOT BETWEEN 1 AND 3', { a: '2' }, false, 'inside the range'],
  ['a NOT BETWEEN 3 AND 1', { a: '2' }, true, 'NOT BETWEEN does not check low <= high (RocketMQ only checks BETWEEN)'],
  ['a BETWEEN 1 AND 3', {}, null, 'BETWEEN on a missing property is null'],
  ['a BETWEEN 1.5 AND 2.5', { a: '2' }, true, 'double bounds parse the property as Double'],
  // --- IN ---
  ["a IN ('x', 'y')", { a: 'y' }, true, 'IN: exact string membership'],
  ["a IN ('x', 'y')", { a: 'Y' }, false, 'IN is case-sensitive'],
  ["a NOT IN ('x', 'y')", { a: 'z' }, true, 'NOT IN inverts a non-null IN'],
  ["a IN ('1')", { a: '01' }, false, 'IN compares strings, never numbers'],
  // --- strings ---
  ["a = 'it''s'", { a: "it's" }, true, "'' inside a string literal is one quote"],
  ["a = 'abc'", { a: 'ABC' }, false, 'string equality is case-sensitive'],
  ["a <> 'abc'", { a: 'abd' }, true, '<> between different strings'],
  ["a = ''", { a: '' }, true, 'the empty string literal'],
  // --- booleans ---
  ['TRUE', {}, true, 'a bare TRUE literal is a selector'],
  ['FALSE OR TRUE', {}, true, 'boolean literals combine'],
  ['NULL', {}, null, 'a bare NULL literal is a (never matching) selector'],
  ['a = TRUE', { a: 'TRUE' }, true, 'String vs Boolean: Boolean.valueOf ignores case'],
  ['a = FALSE', { a: 'yes' }, true, 'Boolean.valueOf of anything but "true" is false'],
  ['TRUE = a', { a: 'true' }, 'error', 'Boolean on the left of a String: RocketMQ throws ClassCastException'],
  ['(a > 1) = 1', { a: '5' }, false, 'Boolean vs Integer compares as "less than": = is FALSE'],
  // --- keywords, identifiers, comments ---
  ['a Between 1 aNd 3 oR b iS nOt NuLl', { a: '2' }, true, 'keywords are case-insensitive'],
  ['A = 1', { a: '1' }, null, 'identifiers are case-sensitive property names'],
  ['$x_1 = 1', { $x_1: '1' }, true, 'identifiers may use $ and _'],
  ['notx = 1', { notx: '1' }, true, 'a keyword prefix does not end an identifier'],
  ['a = 1 -- trailing comment\n', { a: '1' }, true, 'a line comment up to its line break'],
  ['a /* c */ = /* c */ 1', { a: '1' }, true, 'block comments are whitespace'],
  ['a=1and b=2', { a: '1', b: '2' }, true, 'a keyword may follow a number without a space (JavaCC tokens)'],
];

function outcomeOf(expression: string, properties: Properties): Sql92Outcome {
  const compiled = compileSql92(expression);
  if (!compiled.ok) throw new Error(`${expression}: ${compiled.error}`);
  return compiled.filter.outcome(new Map(Object.entries(properties)));
}

describe('SQL92 evaluation table (reference §5.11)', () => {
  it('has at least 40 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(ROWS)('%s with %o is %s (%s)', (expression, properties, expected) => {
    expect(outcomeOf(expression, properties)).toBe(expected);
  });

  it('evaluate matches only TRUE: null and evaluation errors do not match', () => {
    const filter = compile('a > 5');
    expect(filter.evaluate(new Map([['a', '6']]))).toBe(true);
    expect(filter.evaluate(new Map([['a', '5']]))).toBe(false);
    expect(filter.evaluate(new Map())).toBe(false);
    expect(filter.evaluate(new Map([['a', 'abc']]))).toBe(false);
  });

  it('accepts a lookup function as well as a Map', () => {
    const filter = compile("region = 'eu' AND price < 100");
    const asked: string[] = [];
    const lookup = (name: string): string | undefined => {
      asked.push(name);
      return ({ region: 'eu', price: '42' } as Record<string, string>)[name];
    };
    expect(filter.evaluate(lookup)).toBe(true);
    expect(asked).toEqual(['region', 'price']);
    expect(filter.propertyNames).toEqual(['region', 'price']);
  });

  it('tutorial: a between 0 and 3 delivers exactly a in {0,1,2,3} among a = 0..9', () => {
    const filter = compile('a between 0 and 3');
    const delivered = Array.from({ length: 10 }, (_, a) => a)
      .filter((a) => filter.evaluate(new Map([['a', String(a)]])));
    expect(delivered).toEqual([0, 1, 2, 3]);
  });
});

function compile(expression: string): CompiledFilter {
  const compiled = compileSql92(expression);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.filter;
}
