import { findProperty } from '../protocol/properties.js';
import { checkSql92, type Expression } from './sql92-check.js';
import { type BooleanNode, compileBoolean, type PropertyLookup } from './sql92-compile.js';
import { EVALUATION_FAILED } from './sql92-java.js';
import { parseSql92, type Sql92Problem } from './sql92-syntax.js';

/**
 * RocketMQ's SQL92 message selector (reference §5.9, §5.11): `compileSql92` parses and checks an
 * expression once per subscription and returns a CompiledFilter whose `evaluate` runs the closure
 * tree on one message's properties.
 */

/** Property values of one message: a Map, or a function returning the value or undefined. */
export type PropertySource = ReadonlyMap<string, string> | ((name: string) => string | undefined);

/**
 * The three-valued result of one evaluation, plus `'error'` for what RocketMQ reports as an
 * evaluation exception (e.g. a property "abc" compared with the number 5). Only `true` matches.
 */
export type Sql92Outcome = true | false | null | 'error';

export interface CompiledFilter {
  /** The expression text as given. */
  readonly expression: string;
  /** The property names the expression reads, each once, in order of first appearance. */
  readonly propertyNames: readonly string[];
  /** True only when the expression is TRUE; unknown (null) and evaluation errors do not match. */
  evaluate(properties: PropertySource): boolean;
  /** The raw result, for tests and diagnostics. */
  outcome(properties: PropertySource): Sql92Outcome;
  /**
   * `evaluate` over an encoded properties string (`name\u0001value\u0002...`, reference §3.4),
   * looking up only the names the expression uses, without building a map.
   */
  matchesPropertiesText(text: string): boolean;
}

export type CompileSql92Result =
  | { readonly ok: true; readonly filter: CompiledFilter }
  | { readonly ok: false; readonly error: string };

/** Compiles a SQL92 selector; a bad one comes back with a message naming line and column. */
export function compileSql92(expression: string): CompileSql92Result {
  const parsed = parseSql92(expression);
  if (!parsed.ok) return { ok: false, error: formatProblem(expression, parsed.problem) };
  const checked = checkSql92(parsed.tree);
  if (!checked.ok) return { ok: false, error: formatProblem(expression, checked.problem) };
  return { ok: true, filter: new Sql92Filter(expression, checked.expression) };
}

const EXCERPT_CHARS = 24;

function formatProblem(expression: string, problem: Sql92Problem): string {
  const { line, column, offset } = problem.at;
  const rest = expression.slice(offset, offset + EXCERPT_CHARS).replace(/\s+/g, ' ');
  const near = rest.length === 0 ? 'at the end' : `near '${rest}${offset + EXCERPT_CHARS < expression.length ? '…' : ''}'`;
  return `invalid SQL92 expression at line ${line}, column ${column} (${near}): ${problem.message}`;
}

/**
 * Reads properties straight from an encoded properties string, one name at a time, remembering
 * the last one (BETWEEN reads its property twice).
 */
class PropertiesTextLookup implements PropertyLookup {
  private text = '';
  private lastName: string | null = null;
  private lastValue: string | undefined = undefined;

  reset(text: string): void {
    this.text = text;
    this.lastName = null;
    this.lastValue = undefined;
  }

  get(name: string): string | undefined {
    if (name === this.lastName) return this.lastValue;
    this.lastName = name;
    this.lastValue = findProperty(this.text, name);
    return this.lastValue;
  }
}

class FunctionLookup implements PropertyLookup {
  constructor(private readonly lookup: (name: string) => string | undefined) {}

  get(name: string): string | undefined {
    return this.lookup(name);
  }
}

class Sql92Filter implements CompiledFilter {
  readonly propertyNames: readonly string[];
  private readonly root: BooleanNode;
  /** Reused by matchesPropertiesText: evaluation is synchronous, so one per filter is enough. */
  private readonly textLookup = new PropertiesTextLookup();

  constructor(readonly expression: string, checked: Expression) {
    this.root = compileBoolean(checked);
    this.propertyNames = namesOf(checked);
  }

  evaluate(properties: PropertySource): boolean {
    return this.run(lookupOf(properties)) === true;
  }

  outcome(properties: PropertySource): Sql92Outcome {
    return this.run(lookupOf(properties));
  }

  matchesPropertiesText(text: string): boolean {
    this.textLookup.reset(text);
    const result = this.run(this.textLookup);
    this.textLookup.reset('');
    return result === true;
  }

  private run(lookup: PropertyLookup): Sql92Outcome {
    try {
      return this.root(lookup);
    } catch (error) {
      if (error === EVALUATION_FAILED) return 'error';
      throw error;
    }
  }
}

function lookupOf(properties: PropertySource): PropertyLookup {
  return typeof properties === 'function' ? new FunctionLookup(properties) : properties;
}

function namesOf(expression: Expression): string[] {
  const names: string[] = [];
  const visit = (node: Expression): void => {
    switch (node.kind) {
      case 'property':
      case 'cast':
      case 'in':
        if (!names.includes(node.name)) names.push(node.name);
        return;
      case 'negate':
      case 'not':
        return visit(node.operand);
      case 'and':
      case 'or':
      case 'equal':
      case 'compare':
        visit(node.left);
        return visit(node.right);
      case 'literal':
        return;
    }
  };
  visit(expression);
  return names;
}
