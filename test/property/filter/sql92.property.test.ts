// Proves algebraic laws of the SQL92 evaluator with fast-check over random selectors and random
// message properties (values chosen to hit numbers, non-numbers, empty strings and absence):
// NOT inverts every non-null result (and keeps null and evaluation errors); BETWEEN equals its
// `>= AND <=` form and, for integers, the arithmetic model; NOT BETWEEN equals `< OR >`; IN equals
// an OR chain of `=`. Failures print fast-check's seed; rerun with that seed to replay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSql92, type CompiledFilter, type Sql92Outcome } from '../../../src/filter/sql92.js';

const NAMES = ['a', 'b', 'c'] as const;
const VALUES = ['0', '1', '2', '3', '-1', '2.5', '10', 'x', '', 'true', 'NaN', '99999999999'];

const propertiesArbitrary = fc.record(
  { a: fc.constantFrom(...VALUES), b: fc.constantFrom(...VALUES), c: fc.constantFrom(...VALUES) },
  { requiredKeys: [] },
);

const nameArbitrary = fc.constantFrom(...NAMES);
const numberArbitrary = fc.constantFrom('0', '1', '2', '3', '2.5', '-1', '10');
const stringArbitrary = fc.constantFrom("'x'", "'1'", "''", "'true'");

const atomArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(nameArbitrary, fc.constantFrom('=', '<>', '>', '>=', '<', '<='), numberArbitrary).map(([n, op, v]) => `${n} ${op} ${v}`),
  fc.tuple(nameArbitrary, fc.constantFrom('=', '<>'), stringArbitrary).map(([n, op, v]) => `${n} ${op} ${v}`),
  fc.tuple(nameArbitrary, fc.constantFrom('IS NULL', 'IS NOT NULL')).map(([n, tail]) => `${n} ${tail}`),
  fc.tuple(nameArbitrary, fc.constantFrom('IN', 'NOT IN'), fc.array(stringArbitrary, { minLength: 1, maxLength: 3 }))
    .map(([n, op, list]) => `${n} ${op} (${list.join(', ')})`),
  fc.tuple(nameArbitrary, fc.constantFrom('BETWEEN', 'NOT BETWEEN')).map(([n, op]) => `${n} ${op} 1 AND 3`),
  fc.tuple(nameArbitrary, nameArbitrary).map(([l, r]) => `${l} = ${r}`),
  fc.constantFrom('TRUE', 'FALSE', 'NULL'),
  nameArbitrary,
);

const selectorArbitrary: fc.Arbitrary<string> = fc.letrec<{ selector: string }>((tie) => ({
  selector: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atomArbitrary,
    fc.tuple(tie('selector'), fc.constantFrom('AND', 'OR'), tie('selector')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
    tie('selector').map((inner) => `NOT (${inner})`),
  ),
})).selector;

function compile(expression: string): CompiledFilter {
  const compiled = compileSql92(expression);
  if (!compiled.ok) throw new Error(`${expression}: ${compiled.error}`);
  return compiled.filter;
}

function outcome(expression: string, properties: Record<string, string>): Sql92Outcome {
  return compile(expression).outcome(new Map(Object.entries(properties)));
}

describe('SQL92 laws', () => {
  it('NOT inverts a non-null result and keeps null and errors', () => {
    fc.assert(fc.property(selectorArbitrary, propertiesArbitrary, (selector, properties) => {
      const plain = outcome(selector, properties);
      const negated = outcome(`NOT (${selector})`, properties);
      if (plain === true || plain === false) expect(negated).toBe(!plain);
      else expect(negated).toBe(plain);
    }), { numRuns: 500 });
  });

  it('BETWEEN equals the >= AND <= form, NOT BETWEEN the < OR > form', () => {
    const bound = fc.constantFrom('-1', '0', '1', '2', '2.5', '3', '10', '3000000000');
    fc.assert(fc.property(bound, bound, propertiesArbitrary, (low, high, properties) => {
      if (Number(low) > Number(high)) [low, high] = [high, low];
      expect(outcome(`a BETWEEN ${low} AND ${high}`, properties)).toBe(outcome(`a >= ${low} AND a <= ${high}`, properties));
      expect(outcome(`a NOT BETWEEN ${low} AND ${high}`, properties)).toBe(outcome(`a < ${low} OR a > ${high}`, properties));
    }), { numRuns: 300 });
  });

  it('BETWEEN over integer properties and bounds is the arithmetic range test', () => {
    const int = fc.integer({ min: -1000, max: 1000 });
    fc.assert(fc.property(int, int, int, (value, first, second) => {
      const [low, high] = first <= second ? [first, second] : [second, first];
      const filter = compile(`v BETWEEN ${low} AND ${high}`);
      expect(filter.evaluate(new Map([['v', String(value)]]))).toBe(low <= value && value <= high);
    }), { numRuns: 300 });
  });

  it('IN equals an OR chain of =, NOT IN its negation', () => {
    const listArbitrary = fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(listArbitrary, propertiesArbitrary, (list, properties) => {
      const literals = list.map((value) => `'${value}'`);
      const chain = literals.map((literal) => `a = ${literal}`).join(' OR ');
      expect(outcome(`a IN (${literals.join(', ')})`, properties)).toBe(outcome(chain, properties));
      expect(outcome(`a NOT IN (${literals.join(', ')})`, properties)).toBe(outcome(`NOT (${chain})`, properties));
    }), { numRuns: 300 });
  });

  it('every generated selector compiles and evaluates without throwing', () => {
    fc.assert(fc.property(selectorArbitrary, propertiesArbitrary, (selector, properties) => {
      expect([true, false, null, 'error']).toContain(outcome(selector, properties));
    }), { numRuns: 300 });
  });
});
