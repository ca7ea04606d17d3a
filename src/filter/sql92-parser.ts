import type { CompareOperator, ParseOutcome, SourcePosition, SyntaxNode } from './sql92-syntax.js';

/**
 * The SQL92 selector parser: a recursive-descent reading of the grammar in sql92.peggy, one
 * method per rule, with PEG semantics (ordered choice, each failed alternative rewinds) and
 * peggy's error reporting: a syntax error is placed at the furthest position any token was
 * tried, and names every token expected there (a named rule, "string literal", "number",
 * "identifier", stands for everything inside it; lookaheads and whitespace report nothing).
 * test/property/filter/sql92-parser.property.test.ts holds it to the grammar: it compiles
 * sql92.peggy with peggy and asserts the same tree, or the same message and position, for
 * generated and hand-picked inputs.
 */

type Node = SyntaxNode;
type Step = (left: Node) => Node;

const KEYWORDS = ['not', 'and', 'or', 'between', 'in', 'true', 'false', 'null', 'is'] as const;
type Keyword = (typeof KEYWORDS)[number];

const COMPARE_TOKENS: readonly CompareOperator[] = ['>=', '>', '<=', '<'];

export function parseSelector(input: string): ParseOutcome {
  const parser = new SelectorParser(input);
  const tree = parser.selector();
  return tree === null ? { ok: false, problem: parser.problem() } : { ok: true, tree };
}

class SelectorParser {
  private pos = 0;
  private furthest = 0;
  private expected: string[] = [];
  private silent = 0;
  private readonly lineStarts: number[] = [0];

  constructor(private readonly input: string) {
    for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  // Selector = _ OrExpression EndOfInput
  selector(): Node | null {
    this.whitespace();
    const expression = this.or();
    return expression !== null && this.pos === this.input.length ? expression : null;
  }

  problem(): { message: string; at: SourcePosition } {
    const at = this.furthest;
    const found = at < this.input.length ? `"${escapeText(String.fromCodePoint(this.input.codePointAt(at) ?? 0))}"` : 'end of input';
    return { message: `Expected ${describeExpected(this.expected)} but ${found} found.`, at: this.position(at) };
  }

  // OrExpression = AndExpression (OrKeyword AndExpression)*
  private or(): Node | null {
    return this.chain('or', () => this.and());
  }

  // AndExpression = EqualityExpression (AndKeyword EqualityExpression)*
  private and(): Node | null {
    return this.chain('and', () => this.equality());
  }

  /** `operand (word operand)*`, folded to the left. */
  private chain(word: 'or' | 'and', operand: () => Node | null): Node | null {
    let left = operand();
    if (left === null) return null;
    for (;;) {
      const start = this.pos;
      const at = this.keyword(word);
      const right = at === null ? null : operand();
      if (at === null || right === null) return this.rewind(start, left);
      left = { kind: word, at, left, right };
    }
  }

  private equality(): Node | null {
    return this.withSteps(this.comparison(), () => this.equalityStep());
  }

  private equalityStep(): Step | null {
    for (const [token, kind] of [['=', 'equal'], ['<>', 'notEqual']] as const) {
      const start = this.pos;
      const at = this.here();
      if (this.token(token)) {
        const right = this.comparison();
        if (right !== null) return (left) => ({ kind, at, left, right });
      }
      this.pos = start;
    }
    for (const negated of [false, true]) {
      const start = this.pos;
      const at = this.keyword('is');
      if (at !== null && (!negated || this.keyword('not') !== null) && this.keyword('null') !== null) {
        return (operand) => ({ kind: 'isNull', at, operand, negated });
      }
      this.pos = start;
    }
    return null;
  }

  private comparison(): Node | null {
    return this.withSteps(this.unary(), () => this.comparisonStep());
  }

  private comparisonStep(): Step | null {
    for (const op of COMPARE_TOKENS) {
      const start = this.pos;
      const at = this.here();
      // `<` must not be the start of `<>` (a lookahead: reports nothing).
      if (this.token(op, op === '<' ? '>' : undefined)) {
        const right = this.unary();
        if (right !== null) return (left) => ({ kind: 'compare', op, at, left, right });
      }
      this.pos = start;
    }
    for (const negated of [false, true]) {
      const start = this.pos;
      const at = negated ? this.keyword('not') : this.keyword('between');
      if (at !== null && (!negated || this.keyword('between') !== null)) {
        const low = this.unary();
        const high = low !== null && this.keyword('and') !== null ? this.unary() : null;
        if (low !== null && high !== null) return (value) => ({ kind: 'between', at, value, low, high, negated });
      }
      this.pos = start;
    }
    for (const negated of [false, true]) {
      const start = this.pos;
      const at = negated ? this.keyword('not') : this.keyword('in');
      const list = at !== null && (!negated || this.keyword('in') !== null) ? this.stringList() : null;
      if (at !== null && list !== null) return (value) => ({ kind: 'in', at, value, list, negated });
      this.pos = start;
    }
    return null;
  }

  // StringList = "(" _ StringLiteral ("," _ StringLiteral)* ")" _
  private stringList(): string[] | null {
    const start = this.pos;
    const head = this.token('(') ? this.stringLiteral() : null;
    if (head === null) return this.rewind(start, null);
    const values = [head.value];
    for (;;) {
      const itemStart = this.pos;
      const item = this.token(',') ? this.stringLiteral() : null;
      if (item === null) {
        this.pos = itemStart;
        break;
      }
      values.push(item.value);
    }
    return this.token(')') ? values : this.rewind(start, null);
  }

  private unary(): Node | null {
    const start = this.pos;
    if (this.token('+')) {
      const operand = this.unary();
      if (operand !== null) return operand;
      this.pos = start;
    }
    const at = this.here();
    if (this.token('-')) {
      const operand = this.unary();
      if (operand !== null) return { kind: 'negate', at, operand };
      this.pos = start;
    }
    const notAt = this.keyword('not');
    if (notAt !== null) {
      const operand = this.unary();
      if (operand !== null) return { kind: 'not', at: notAt, operand };
      this.pos = start;
    }
    return this.primary();
  }

  // PrimaryExpression = Literal / Identifier / "(" _ OrExpression ")" _
  private primary(): Node | null {
    const literal = this.literal();
    if (literal !== null) return literal;
    const property = this.named('identifier', () => this.identifier());
    if (property !== null) return property;
    const start = this.pos;
    if (this.token('(')) {
      const expression = this.or();
      if (expression !== null && this.token(')')) return expression;
      this.pos = start;
    }
    return null;
  }

  private literal(): Node | null {
    const string = this.stringLiteral();
    if (string !== null) return string;
    const number = this.named('number', () => this.floatLiteral()) ?? this.named('number', () => this.decimalLiteral());
    if (number !== null) return number;
    for (const [word, value] of [['true', true], ['false', false]] as const) {
      const at = this.keyword(word);
      if (at !== null) return { kind: 'boolean', at, value };
    }
    const nullAt = this.keyword('null');
    return nullAt === null ? null : { kind: 'null', at: nullAt };
  }

  // StringLiteral "string literal" = "'" ("''" / [^'])* "'" _
  private stringLiteral(): { kind: 'string'; at: SourcePosition; value: string } | null {
    return this.named('string literal', () => {
      const start = this.pos;
      if (this.input.charCodeAt(start) !== QUOTE) return null;
      let value = '';
      let i = start + 1;
      for (;;) {
        const quote = this.input.indexOf("'", i);
        if (quote < 0) return null;
        value += this.input.slice(i, quote);
        if (this.input.charCodeAt(quote + 1) !== QUOTE) {
          this.pos = quote + 1;
          break;
        }
        value += "'";
        i = quote + 2;
      }
      this.whitespace();
      return { kind: 'string', at: this.position(start), value };
    });
  }

  // FloatLiteral = $([0-9]+ "." [0-9]* Exponent? / "." [0-9]+ Exponent? / [0-9]+ Exponent) _
  private floatLiteral(): Node | null {
    const start = this.pos;
    const whole = this.digits(start);
    let end: number;
    if (whole > start && this.input.charCodeAt(whole) === DOT) end = this.exponent(this.digits(whole + 1));
    else if (whole === start && this.input.charCodeAt(start) === DOT && this.digits(start + 1) > start + 1) {
      end = this.exponent(this.digits(start + 1));
    } else if (whole > start && this.exponent(whole) > whole) end = this.exponent(whole);
    else return null;
    this.pos = end;
    this.whitespace();
    return { kind: 'float', at: this.position(start), text: this.input.slice(start, end) };
  }

  // DecimalLiteral = $("0" / [1-9] [0-9]*) [lL]? _
  private decimalLiteral(): Node | null {
    const start = this.pos;
    const first = this.input.charCodeAt(start);
    if (!(first >= ZERO && first <= NINE)) return null;
    const end = first === ZERO ? start + 1 : this.digits(start);
    const suffix = this.input[end];
    this.pos = suffix === 'l' || suffix === 'L' ? end + 1 : end;
    this.whitespace();
    return { kind: 'decimal', at: this.position(start), text: this.input.slice(start, end) };
  }

  // Identifier = !(Keyword !IdentifierPart) $([a-zA-Z_$] [a-zA-Z0-9_$]*) _
  private identifier(): Node | null {
    const start = this.pos;
    const word = KEYWORDS.find((keyword) => this.input.slice(start, start + keyword.length).toLowerCase() === keyword);
    if (word !== undefined && !isIdentifierPart(this.input.charCodeAt(start + word.length))) return null;
    if (!isIdentifierStart(this.input.charCodeAt(start))) return null;
    let end = start + 1;
    while (isIdentifierPart(this.input.charCodeAt(end))) end++;
    this.pos = end;
    this.whitespace();
    return { kind: 'property', at: this.position(start), name: this.input.slice(start, end) };
  }

  /** A keyword rule: the word in any case, not followed by an identifier character, then `_`. */
  private keyword(word: Keyword): SourcePosition | null {
    const start = this.pos;
    if (this.input.slice(start, start + word.length).toLowerCase() !== word) {
      this.fail(`"${word}"`);
      return null;
    }
    if (isIdentifierPart(this.input.charCodeAt(start + word.length))) return null;
    this.pos = start + word.length;
    this.whitespace();
    return this.position(start);
  }

  /** A punctuation token and the whitespace after it; `notBefore`: a lookahead that must fail. */
  private token(text: string, notBefore?: string): boolean {
    if (!this.input.startsWith(text, this.pos)) {
      this.fail(`"${text}"`);
      return false;
    }
    if (notBefore !== undefined && this.input.startsWith(notBefore, this.pos + text.length)) return false;
    this.pos += text.length;
    this.whitespace();
    return true;
  }

  // _ "whitespace" = ([ \t\n\r\f] / LineComment / BlockComment)*; never fails, reports nothing.
  private whitespace(): void {
    const { input } = this;
    for (;;) {
      const code = input.charCodeAt(this.pos);
      if (code === 32 || code === 9 || code === 10 || code === 13 || code === 12) {
        this.pos++;
      } else if (input.startsWith('--', this.pos)) {
        // LineComment = "--" [^\n\r]* ("\r\n" / "\n" / "\r"): no line break, no comment.
        const end = input.slice(this.pos + 2).search(/[\n\r]/);
        if (end < 0) return;
        const breakAt = this.pos + 2 + end;
        this.pos = breakAt + (input.startsWith('\r\n', breakAt) ? 2 : 1);
      } else if (input.startsWith('/*', this.pos)) {
        const end = input.indexOf('*/', this.pos + 2);
        if (end < 0) return;
        this.pos = end + 2;
      } else {
        return;
      }
    }
  }

  /** A named rule: nothing inside it reports; its name is reported where it failed to start. */
  private named<T>(name: string, rule: () => T | null): T | null {
    const start = this.pos;
    this.silent++;
    const result = rule();
    this.silent--;
    if (result === null) {
      this.pos = start;
      this.fail(name);
    }
    return result;
  }

  private withSteps(head: Node | null, step: () => Step | null): Node | null {
    let node = head;
    if (node === null) return null;
    for (let next = step(); next !== null; next = step()) node = next(node);
    return node;
  }

  private fail(description: string): void {
    if (this.silent > 0 || this.pos < this.furthest) return;
    if (this.pos > this.furthest) {
      this.furthest = this.pos;
      this.expected = [];
    }
    this.expected.push(description);
  }

  private rewind<T>(start: number, value: T): T {
    this.pos = start;
    return value;
  }

  private digits(from: number): number {
    let i = from;
    for (let code = this.input.charCodeAt(i); code >= ZERO && code <= NINE; code = this.input.charCodeAt(++i));
    return i;
  }

  /** Exponent = [eE] [+-]? [0-9]+ after `from`: where it ends, or `from` when there is none. */
  private exponent(from: number): number {
    const e = this.input[from];
    if (e !== 'e' && e !== 'E') return from;
    const sign = this.input[from + 1];
    const digitsAt = sign === '+' || sign === '-' ? from + 2 : from + 1;
    const end = this.digits(digitsAt);
    return end > digitsAt ? end : from;
  }

  private here(): SourcePosition {
    return this.position(this.pos);
  }

  /** Line and column from 1 (only LF starts a line, as peggy counts), offset from 0. */
  private position(offset: number): SourcePosition {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { offset, line: low + 1, column: offset - (this.lineStarts[low] as number) + 1 };
  }
}

const QUOTE = 39;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

function isIdentifierStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || (code >= ZERO && code <= NINE);
}

/** peggy's list of expectations: sorted, without repeats, "a", "a or b", "a, b, or c". */
function describeExpected(expected: readonly string[]): string {
  const descriptions = [...new Set(expected)].sort();
  if (descriptions.length <= 2) return descriptions.join(' or ');
  return `${descriptions.slice(0, -1).join(', ')}, or ${descriptions[descriptions.length - 1]}`;
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\', '"': '\\"', '\0': '\\0', '\t': '\\t', '\n': '\\n', '\r': '\\r',
};
const NOT_PRINTABLE = /[\p{C}\p{Mn}\p{Mc}]/u;

/** How peggy quotes the character it found: backslash escapes, \xNN controls, \u{..} marks. */
function escapeText(text: string): string {
  let escaped = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const hex = code.toString(16).toUpperCase();
    if (NAMED_ESCAPES[ch] !== undefined) escaped += NAMED_ESCAPES[ch];
    else if (code <= 0x0f) escaped += `\\x0${hex}`;
    else if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) escaped += `\\x${hex}`;
    else if (NOT_PRINTABLE.test(ch)) escaped += `\\u{${hex}}`;
    else escaped += ch;
  }
  return escaped;
}
