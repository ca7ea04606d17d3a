// Proves the broker-side SQL92 helpers: recordPropertiesText finds the PROPERTIES string of a V1
// record (IPv4 and IPv6 hosts, empty properties) without touching the body; the record matcher
// applies a compiled filter to it; compileSql92Cached returns the same compiled filter for the
// same text and stays within its bound.
import { describe, expect, it } from 'vitest';
import { encodeProperties } from '../../../src/protocol/properties.js';
import { encodeRecord } from '../../../src/protocol/record.js';
import { RecordPosition, SysFlag } from '../../../src/protocol/record-layout.js';
import {
  compileSql92Cached, recordPropertiesText, SQL92_CACHE_ENTRIES_MAX, sql92RecordMatcher,
} from '../../../src/filter/record-filter.js';

function record(properties: Record<string, string>, bornHost = '10.0.0.1:1234', body = 'a=999 body'): Buffer {
  return encodeRecord({
    topic: 'TopicFilter', body: Buffer.from(body), properties, queueId: 0, flag: 0, sysFlag: 0,
    bornTimestampMs: 1_700_000_000_000, bornHost,
  });
}

describe('recordPropertiesText', () => {
  it('returns the encoded properties of an IPv4 record', () => {
    const properties = { a: '3', TAGS: 'TagA', KEYS: 'k1 k2' };
    expect(recordPropertiesText(record(properties))).toBe(encodeProperties(properties));
  });

  it('follows the wider host fields of an IPv6 record', () => {
    const properties = { region: 'eu' };
    const ipv6 = record(properties, '[::1]:9876');
    expect(ipv6.readInt32BE(RecordPosition.SYS_FLAG) & SysFlag.BORNHOST_V6).toBe(SysFlag.BORNHOST_V6);
    expect(recordPropertiesText(ipv6)).toBe(encodeProperties(properties));
  });

  it('reads a record at a position inside a larger buffer', () => {
    const first = record({ a: '1' });
    const second = record({ a: '2', b: 'x' });
    const both = Buffer.concat([first, second]);
    expect(recordPropertiesText(both, first.length)).toBe(encodeProperties({ a: '2', b: 'x' }));
  });

  it('gives an empty string for a record without properties', () => {
    expect(recordPropertiesText(record({}))).toBe('');
  });
});

describe('sql92RecordMatcher', () => {
  it('matches on properties, never on the body', () => {
    const compiled = compileSql92Cached('a between 0 and 3');
    if (!compiled.ok) throw new Error(compiled.error);
    const matches = sql92RecordMatcher(compiled.filter);
    const delivered = Array.from({ length: 10 }, (_, a) => a).filter((a) => matches(record({ a: String(a) })));
    expect(delivered).toEqual([0, 1, 2, 3]);
    expect(matches(record({}, undefined, 'a=1'))).toBe(false);
  });
});

describe('compileSql92Cached', () => {
  it('returns the same result object for the same expression, refusals included', () => {
    expect(compileSql92Cached('x = 1')).toBe(compileSql92Cached('x = 1'));
    const refused = compileSql92Cached('x = ');
    expect(refused.ok).toBe(false);
    expect(compileSql92Cached('x = ')).toBe(refused);
  });

  it('evicts the least recently used entry beyond its bound', () => {
    const first = compileSql92Cached('first = 1');
    for (let i = 0; i < SQL92_CACHE_ENTRIES_MAX; i++) compileSql92Cached(`n${i} = ${i}`);
    expect(compileSql92Cached('first = 1')).not.toBe(first);
    const kept = compileSql92Cached(`n${SQL92_CACHE_ENTRIES_MAX - 1} = ${SQL92_CACHE_ENTRIES_MAX - 1}`);
    expect(compileSql92Cached(`n${SQL92_CACHE_ENTRIES_MAX - 1} = ${SQL92_CACHE_ENTRIES_MAX - 1}`)).toBe(kept);
  });
});
