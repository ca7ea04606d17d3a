/**
 * Subscriptions and tag expressions (reference §5.9). `'*'` (or empty) subscribes to every
 * message; otherwise tags are separated by `||` and trimmed. The broker filters by Java
 * `String.hashCode()` of each tag (`codeSet`); the client re-checks the exact TAGS string
 * because of hash collisions.
 */
export const SUB_ALL = '*';

export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;
export type ExpressionType = (typeof ExpressionType)[keyof typeof ExpressionType];

export interface SubscriptionData {
  topic: string;
  subString: string;
  tagsSet: string[];
  codeSet: number[];
  /** Version of the subscription, a ms timestamp as in Java. */
  subVersion: number;
  expressionType: ExpressionType;
  classFilterMode: false;
}

/** Java `String.hashCode()` over UTF-16 code units, as a signed 32-bit integer. */
export function javaHashCode(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** Splits `'TagA || TagB'` into trimmed tags; `[]` means all (`*` or blank). */
export function parseTagExpression(expression: string): string[] {
  const trimmed = expression.trim();
  if (trimmed.length === 0 || trimmed === SUB_ALL) return [];
  const tags: string[] = [];
  for (const piece of trimmed.split('||')) {
    const tag = piece.trim();
    if (tag.length > 0 && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

export function buildSubscription(
  topic: string,
  expression: string,
  expressionType: ExpressionType = ExpressionType.TAG,
  subVersion: number = Date.now(),
): SubscriptionData {
  if (expressionType === ExpressionType.SQL92) {
    return { topic, subString: expression, tagsSet: [], codeSet: [], subVersion, expressionType, classFilterMode: false };
  }
  const tagsSet = parseTagExpression(expression);
  const subString = tagsSet.length === 0 ? SUB_ALL : expression.trim();
  return {
    topic, subString, tagsSet, codeSet: tagsSet.map(javaHashCode), subVersion, expressionType, classFilterMode: false,
  };
}

/** Client-side re-check: a non-`*` TAG subscription needs the exact tag; SQL92 is broker-only. */
export function tagMatches(subscription: SubscriptionData, tags: string | undefined): boolean {
  if (subscription.expressionType !== ExpressionType.TAG) return true;
  if (subscription.tagsSet.length === 0) return true;
  return tags !== undefined && subscription.tagsSet.includes(tags);
}
