// Proves the hand-written SQL92 parser (src/filter/sql92-parser.ts) is the grammar in
// src/filter/sql92.peggy: peggy compiles the grammar here, in memory, and for every input both
// must agree, the same syntax tree (positions included) or the same error message at the same
// line and column. Inputs: hand-picked edge cases, token soups built from the selector's own
// vocabulary (keywords in any case, numbers, strings, operators, comments, stray characters),
// and arbitrary strings.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import peggy from 'peggy';
import { describe, expect, it } from 'vitest';
import { parseSelector } from '../../../src/filter/sql92-parser.js';

const grammar = readFileSync(new URL('../../../src/filter/sql92.peggy', import.meta.url), 'utf8');
const reference = peggy.generate(grammar);

function viaGrammar(input: string): unknown {
  try {
    return { ok: true, tree: JSON.parse(JSON.stringify(reference.parse(input))) as unknown };
  } catch (error) {
    const { message, location } = error as { message: string; location: { start: unknown } };
    return { ok: false, problem: { message, at: location.start } };
  }
}

function viaParser(input: string): unknown {
  return JSON.parse(JSON.stringify(parseSelector(input))) as unknown;
}

const TOKENS = [
  'a', 'b_1', '$x', 'x9', 'notx', 'In', 'IS', 'Null', 'NOT', 'and', 'OR', 'between', 'in', 'is', 'not', 'null',
  'TRUE', 'false', '0', '05', '7', '42L', '1.5', '.5', '5.', '1e3', '2E-4', '3e', '0x1F', "'s'", "'it''s'", "''",
  "'open", '=', '<>', '<', '>', '<=', '>=', '==', '!=', '(', ')', ',', '+', '-', '*', '.', '"', '\u00e9', '\u0301',
] as const;
const SEPARATORS = [' ', '', '\n', '\t', '\r\n', '-- c\n', '--', '/* x */', '/*', '\f'] as const;

const tokenSoup = fc.array(fc.tuple(fc.constantFrom(...TOKENS), fc.constantFrom(...SEPARATORS)), { maxLength: 12 })
  .map((parts) => parts.map(([token, separator]) => token + separator).join(''));

describe('SQL92 parser against its grammar', () => {
  it('agrees on hand-picked inputs', () => {
    const inputs = [
      '', ' ', 'a', 'a = 1', "a IN ('x', 'y')", "a not in ('x')", 'a between 0 and 3', 'a NOT BETWEEN -1 AND +2',
      'a IS NULL', 'a is not null', 'not a = 1 or b <> 2 and c >= 3', '(a > 1) = true', 'a < > 1', 'a <> > 1',
      'a + 1 = 2', "a LIKE 'x'", 'a == 1', 'a != 1', 'a.b = 1', 'a = 05', 'a = 0x1F', "a = 'open",
      'a = 1 -- no line break', 'a = 1 /* open', 'a = 1 b = 2', 'a = 1)', 'a =\n  1 and\n b', "a in ('x',)",
      'a between 1', 'a is', 'a is not', 'notx = 1', 'in_ = 2', 'a = .5e3', 'a = 5.e-2L', "a = 'it''s'",
      'a = 1 -- c\r\n and b = 2', 'a = 1 /**/ or/* c */b=2', '\u00e9 = 1', 'a = \u0301', 'a = "x"',
      'a = \u0001', 'a = \u007f', 'a = \u0085', 'a = \\', 'a = \u200b', 'a \u0000', 'a = \ud83d\ude00',
    ];
    for (const input of inputs) expect(viaParser(input), JSON.stringify(input)).toEqual(viaGrammar(input));
  });

  it('agrees on token soups from the selector vocabulary', () => {
    fc.assert(fc.property(tokenSoup, (input) => {
      expect(viaParser(input)).toEqual(viaGrammar(input));
    }), { numRuns: 3000 });
  });

  it('agrees on arbitrary strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (input) => {
      expect(viaParser(input)).toEqual(viaGrammar(input));
    }), { numRuns: 1000 });
  });
});
