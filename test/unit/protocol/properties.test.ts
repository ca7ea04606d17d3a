// Proves the properties codec follows Java's string2messageProperties rules piece by piece
// (short pieces, empty names/values, missing separators, trailing separator, last one wins,
// values containing \u0001), that findProperty agrees with decodeProperties, and that the
// append/remove helpers edit the string without disturbing other entries.
import { describe, expect, it } from 'vitest';
import {
  appendProperty, decodeProperties, encodeProperties, findProperty, removeProperty,
} from '../../../src/protocol/properties.js';

const S1 = '\u0001';
const S2 = '\u0002';

describe('properties', () => {
  it('encodes without a trailing separator and skips null values', () => {
    expect(encodeProperties({ TAGS: 'TagA', WAIT: 'true', X: undefined, Y: null })).toBe(`TAGS${S1}TagA${S2}WAIT${S1}true`);
    expect(encodeProperties({})).toBe('');
  });

  const cases: Array<[string, Record<string, string>]> = [
    [`TAGS${S1}TagA${S2}KEYS${S1}k1 k2`, { TAGS: 'TagA', KEYS: 'k1 k2' }],
    [`TAGS${S1}TagA${S2}`, { TAGS: 'TagA' }],
    [`a${S1}b`, { a: 'b' }],
    [`a${S1}`, {}],
    [`${S1}b${S2}c${S1}d`, { c: 'd' }],
    [`ab${S2}c${S1}d`, { c: 'd' }],
    [`x${S1}1${S2}x${S1}2`, { x: '2' }],
    [`k${S1}v${S1}w`, { k: `v${S1}w` }],
    [`${S2}${S2}k${S1}v${S2}${S2}`, { k: 'v' }],
    [`k${S1}${S2}z${S1}zz`, { z: 'zz' }],
    ['', {}],
  ];
  it.each(cases)('decodes %j like Java', (text, expected) => {
    expect(decodeProperties(text)).toEqual(expected);
    for (const [name, value] of Object.entries(expected)) expect(findProperty(text, name)).toBe(value);
  });

  it('findProperty does not match a longer name or a name prefix', () => {
    const text = `TAGSX${S1}no${S2}XTAGS${S1}no2${S2}TAGS${S1}yes`;
    expect(findProperty(text, 'TAGS')).toBe('yes');
    expect(findProperty(`TAGSX${S1}no`, 'TAGS')).toBeUndefined();
    expect(findProperty(`TAGS${S1}`, 'TAGS')).toBeUndefined();
  });

  it('keeps a __proto__ name as an own property', () => {
    const properties = decodeProperties(`__proto__${S1}x`);
    expect(Object.keys(properties)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
  });

  it('appends and removes entries', () => {
    expect(appendProperty('', 'CLUSTER', 'c')).toBe(`CLUSTER${S1}c`);
    expect(appendProperty(`a${S1}b${S2}`, 'CLUSTER', 'c')).toBe(`a${S1}b${S2}CLUSTER${S1}c`);
    expect(appendProperty(`a${S1}b`, 'CLUSTER', 'c')).toBe(`a${S1}b${S2}CLUSTER${S1}c`);
    const text = `WAIT${S1}true${S2}TAGS${S1}a${S2}WAIT${S1}false${S2}WAITX${S1}1`;
    expect(removeProperty(text, 'WAIT')).toBe(`TAGS${S1}a${S2}WAITX${S1}1`);
    expect(removeProperty(`TAGS${S1}a`, 'WAIT')).toBe(`TAGS${S1}a`);
  });
});
