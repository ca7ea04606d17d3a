/**
 * Tag filtering for pulls (reference §5.9). A subscription string is `*` (or empty) for every
 * message, or tags separated by `||`, each trimmed. The broker compares each consume-queue
 * entry's tagsCode (Java `String.hashCode()` of the TAGS property, 0 when there is none) with
 * the hash codes of the subscribed tags; the client re-checks the exact tag string, so hash
 * collisions only cost a wasted transfer.
 */

import { javaStringHashCode } from '../../protocol/java-hash.js';

export { javaStringHashCode };

/** A parsed TAG subscription: `all` or a set of tag hash codes. */
export type TagSubscription =
  | { readonly kind: 'all' }
  | { readonly kind: 'tags'; readonly codes: ReadonlySet<number> };

const SUBSCRIBE_ALL: TagSubscription = { kind: 'all' };

/** Parses `*`, ``, `TagA`, `TagA || TagB` (Java's FilterAPI.buildSubscriptionData for TAG). */
export function parseTagSubscription(subString: string | null | undefined): TagSubscription {
  if (subString === null || subString === undefined) return SUBSCRIBE_ALL;
  const trimmed = subString.trim();
  if (trimmed === '' || trimmed === '*') return SUBSCRIBE_ALL;
  const codes = new Set<number>();
  for (const part of trimmed.split('||')) {
    const tag = part.trim();
    if (tag !== '') codes.add(javaStringHashCode(tag));
  }
  if (codes.size === 0) return SUBSCRIBE_ALL;
  return { kind: 'tags', codes };
}

/** Whether a consume-queue entry with this tagsCode passes the subscription. */
export function tagsCodeMatches(subscription: TagSubscription, tagsCode: number): boolean {
  if (subscription.kind === 'all') return true;
  return subscription.codes.has(tagsCode);
}

/** The codes as a plain array (structured-cloneable, for the dispatch pool); null = all. */
export function subscriptionCodes(subscription: TagSubscription): number[] | null {
  return subscription.kind === 'all' ? null : [...subscription.codes];
}
