import { ExpressionType } from './subscription.js';

/**
 * How a consumer selects the messages of a topic (Java's MessageSelector):
 * `MessageSelector.byTag('TagA || TagC')` (the broker filters by tag hash, the client re-checks
 * the exact tag) or `MessageSelector.bySql('a between 0 and 3')` (SQL92 over message
 * properties, evaluated by the broker, which must run with `enablePropertyFilter=true`;
 * reference §5.9, §5.11). Pass it to `consumer.subscribe(topic, selector)`.
 */
export class MessageSelector {
  private constructor(
    readonly expressionType: ExpressionType,
    readonly expression: string,
  ) {}

  /** SQL92 over message properties; a blank expression is refused (as Java's FilterAPI does). */
  static bySql(sql: string): MessageSelector {
    if (sql.trim().length === 0) throw new TypeError('Expression can\'t be null! SQL92');
    return new MessageSelector(ExpressionType.SQL92, sql);
  }

  /** A tag expression: '*' (or blank) for all, else tags separated by '||'. */
  static byTag(tag: string): MessageSelector {
    return new MessageSelector(ExpressionType.TAG, tag);
  }

  toString(): string {
    return `MessageSelector [${this.expressionType}: ${this.expression}]`;
  }
}
