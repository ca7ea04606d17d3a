// Proves tag expressions parse as RocketMQ's (trimmed, '||'-separated, '*' = all), that the
// tag hash equals Java's String.hashCode (checked against the reference's example codeSet and
// against an independent BigInt implementation of Java's formula), and the client re-check.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { buildSubscription, javaHashCode, parseTagExpression, tagMatches } from '../../../src/client/subscription.js';

function javaHashReference(text: string): number {
  let hash = 0n;
  for (const unit of Array.from({ length: text.length }, (_, i) => text.charCodeAt(i))) {
    hash = (hash * 31n + BigInt(unit)) & 0xffffffffn;
  }
  return Number(BigInt.asIntN(32, hash));
}

describe('subscription', () => {
  it('hashes tags like Java (reference §2.3 example)', () => {
    expect(javaHashCode('TagA')).toBe(2598919);
    expect(javaHashCode('TagB')).toBe(2598920);
  });

  test.prop([fc.string({ maxLength: 40 })])('javaHashCode matches the BigInt formula', (text) => {
    expect(javaHashCode(text)).toBe(javaHashReference(text));
  });

  it('parses expressions', () => {
    expect(parseTagExpression('*')).toEqual([]);
    expect(parseTagExpression('  ')).toEqual([]);
    expect(parseTagExpression('TagA || TagB ||TagC')).toEqual(['TagA', 'TagB', 'TagC']);
    const sub = buildSubscription('T', 'TagA || TagB', 'TAG', 5);
    expect(sub).toMatchObject({ subString: 'TagA || TagB', tagsSet: ['TagA', 'TagB'], codeSet: [2598919, 2598920] });
  });

  it('re-checks tags on the client', () => {
    const sub = buildSubscription('T', 'TagA');
    expect(tagMatches(sub, 'TagA')).toBe(true);
    expect(tagMatches(sub, 'TagB')).toBe(false);
    expect(tagMatches(sub, undefined)).toBe(false);
    expect(tagMatches(buildSubscription('T', '*'), undefined)).toBe(true);
  });
});
