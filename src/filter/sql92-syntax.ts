import { parseSelector } from './sql92-parser.js';

/**
 * The syntax tree the SQL92 parser returns (sql92-parser.ts; grammar: sql92.peggy), and
 * `parseSql92`, which gives a tree or a positioned syntax problem. sql92-check.ts is the tree's
 * only reader.
 */

/** A position in the expression text; line and column count from 1, offset from 0. */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

export type SyntaxNode =
  | { readonly kind: 'or' | 'and'; readonly at: SourcePosition; readonly left: SyntaxNode; readonly right: SyntaxNode }
  | { readonly kind: 'equal' | 'notEqual'; readonly at: SourcePosition; readonly left: SyntaxNode; readonly right: SyntaxNode }
  | { readonly kind: 'isNull'; readonly at: SourcePosition; readonly operand: SyntaxNode; readonly negated: boolean }
  | {
    readonly kind: 'compare'; readonly op: CompareOperator; readonly at: SourcePosition;
    readonly left: SyntaxNode; readonly right: SyntaxNode;
  }
  | {
    readonly kind: 'between'; readonly at: SourcePosition; readonly value: SyntaxNode;
    readonly low: SyntaxNode; readonly high: SyntaxNode; readonly negated: boolean;
  }
  | {
    readonly kind: 'in'; readonly at: SourcePosition; readonly value: SyntaxNode;
    readonly list: readonly string[]; readonly negated: boolean;
  }
  | { readonly kind: 'negate' | 'not'; readonly at: SourcePosition; readonly operand: SyntaxNode }
  | { readonly kind: 'string'; readonly at: SourcePosition; readonly value: string }
  | { readonly kind: 'decimal' | 'float'; readonly at: SourcePosition; readonly text: string }
  | { readonly kind: 'boolean'; readonly at: SourcePosition; readonly value: boolean }
  | { readonly kind: 'null'; readonly at: SourcePosition }
  | { readonly kind: 'property'; readonly at: SourcePosition; readonly name: string };

export type CompareOperator = '>' | '>=' | '<' | '<=';

/** A refused expression: what is wrong and where. */
export interface Sql92Problem {
  readonly message: string;
  readonly at: SourcePosition;
}

export type ParseOutcome =
  | { readonly ok: true; readonly tree: SyntaxNode }
  | { readonly ok: false; readonly problem: Sql92Problem };

/** Parses without any semantic check; a syntax error comes back with its position. */
export function parseSql92(expression: string): ParseOutcome {
  return parseSelector(expression);
}
