import {
  type ExtFields, missing, parseBoolean, parseDecimal, parseInt32, toExt,
} from './fields.js';

/**
 * Declarative custom headers for the commands off the hot path. A spec lists each field of
 * the TypeScript interface with its wire kind; a trailing "?" marks it optional, and the spec's
 * type is derived from the interface, so a missing field or a kind that does not fit the field's
 * type is a compile error. A field whose wire key differs from its TypeScript name (the wire's
 * bare "offset" is `queueOffset` or `physicalOffset` here) is given as { kind, key }.
 *
 * decode: required fields absent or unparsable throw ERR_HEADER_FIELD_MISSING naming the wire
 * key; optional ones that do not parse are left undefined (Java logs and leaves them null);
 * unknown keys are ignored. encode: numbers decimal, booleans "true"/"false", undefined dropped.
 * SEND_MESSAGE(_V2) and PULL_MESSAGE are hand-written for speed instead.
 */
type Kind = 'string' | 'int' | 'long' | 'bool';
type KindFor<T> = [T] extends [string] ? 'string' : [T] extends [boolean] ? 'bool' : [T] extends [number] ? 'int' | 'long' : never;
type KindSpecFor<T> = undefined extends T ? `${KindFor<Exclude<T, undefined>>}?` : KindFor<T>;
export type HeaderSpec<X> = {
  readonly [K in keyof X]-?: KindSpecFor<X[K]> | { readonly kind: KindSpecFor<X[K]>; readonly key: string };
};

export interface HeaderCodec<X> {
  decode(ext: ExtFields): X;
  encode(header: X): Record<string, string>;
}

interface CompiledField {
  name: string;
  key: string;
  kind: Kind;
  required: boolean;
}

export function defineHeader<X>(spec: HeaderSpec<X>): HeaderCodec<X> {
  const fields: CompiledField[] = Object.entries(spec).map(([name, entry]) => {
    const text = typeof entry === 'string' ? entry : (entry as { kind: string }).kind;
    const key = typeof entry === 'string' ? name : (entry as { key: string }).key;
    const required = !text.endsWith('?');
    return { name, key, kind: (required ? text : text.slice(0, -1)) as Kind, required };
  });
  return {
    decode: (ext) => decodeFields(fields, ext) as X,
    encode: (header) => encodeFields(fields, header as Record<string, unknown>),
  };
}

function decodeFields(fields: readonly CompiledField[], ext: ExtFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const text = ext === null ? undefined : ext[field.key];
    if (text === undefined) {
      if (field.required) throw missing(field.key);
      out[field.name] = undefined;
      continue;
    }
    const value = parseKind(field.kind, text);
    if (value === undefined && field.required) throw missing(field.key, text);
    out[field.name] = value;
  }
  return out;
}

function parseKind(kind: Kind, text: string): string | number | boolean | undefined {
  switch (kind) {
    case 'string': return text;
    case 'int': return parseInt32(text);
    case 'long': return parseDecimal(text);
    case 'bool': return parseBoolean(text);
  }
}

function encodeFields(fields: readonly CompiledField[], header: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string | number | boolean | undefined> = {};
  for (const field of fields) {
    const value = header[field.name];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[field.key] = value;
  }
  return toExt(values);
}
