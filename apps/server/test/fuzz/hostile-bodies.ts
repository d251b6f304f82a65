import fc from 'fast-check';
import type { Body, RequestCase } from './request-case.js';
import { percentEncode, Raw } from './values.js';

/** What a hostile trick needs to know about the route it attacks. */
export interface Target {
  /** The route's body limit in bytes (the import route has its own). */
  bodyLimit: number;
}

export type Trick = (c: RequestCase, t: Target) => fc.Arbitrary<RequestCase>;

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Defines an own enumerable key, so that `__proto__` is data and not the prototype setter. */
function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...obj };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Raw);

/** The body as an object to plant things in (a non-object body is wrapped: the damage is the point). */
function bodyObject(c: RequestCase): Record<string, unknown> {
  if (c.body.kind === 'json' && isObject(c.body.value)) return c.body.value;
  if (c.body.kind === 'json' && Array.isArray(c.body.value) && isObject(c.body.value[0]))
    return c.body.value[0];
  return { title: 'hostile' };
}

/** Puts `value` under a key of the body (an existing one, or a new one), keeping the body's shape. */
function plant(c: RequestCase, key: string, value: unknown): Body {
  const obj = withKey(bodyObject(c), key, value);
  const shaped =
    c.body.kind === 'json' && Array.isArray(c.body.value) ? [obj, ...c.body.value.slice(1)] : obj;
  return { kind: 'json', value: shaped, contentType: 'application/json' };
}

const keyOf = (c: RequestCase) => fc.constantFrom(...Object.keys(bodyObject(c)), 'title', 'metadata', 'x');

export const hugeStrings: Trick = (c, t) =>
  fc
    .record({
      key: keyOf(c),
      size: fc.constantFrom(65_536, t.bodyLimit - 512, t.bodyLimit + 1, t.bodyLimit * 2),
      unit: fc.constantFrom('a', 'é', '😀', '\u0000'),
      where: fc.constantFrom('body', 'body', 'query', 'path'),
    })
    .map(({ key, size, unit, where }) => {
      const s = unit.repeat(Math.ceil(size / Buffer.byteLength(unit)));
      const note = `huge string (${size} bytes of ${JSON.stringify(unit)}) in ${where}`;
      if (where === 'query') return { ...c, note, rawQuery: `q=${percentEncode(s.slice(0, 100_000))}` };
      const param = /\{([^}]+)\}/.exec(c.operation.path)?.[1];
      if (where === 'path' && param)
        return { ...c, note, rawParams: { [param]: percentEncode(s.slice(0, 100_000)) } };
      return { ...c, note, body: plant(c, key, s) };
    });

function nested(depth: number, shape: 'array' | 'object' | 'mixed'): string {
  if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'[{"a":'.repeat(depth)}0${'}]'.repeat(depth)}`;
}

export const deepNesting: Trick = (c) =>
  fc
    .record({
      depth: fc.constantFrom(1_000, 5_000, 20_000, 100_000),
      shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
      key: fc.option(keyOf(c), { nil: undefined }),
    })
    .map(({ depth, shape, key }) => ({
      ...c,
      note: `${depth} levels of ${shape} nesting ${key === undefined ? 'as the body' : `under ${key}`}`,
      body:
        key === undefined
          ? { kind: 'json', value: new Raw(nested(depth, shape)), contentType: 'application/json' }
          : plant(c, key, new Raw(nested(depth, shape))),
    }));

/** Byte sequences that are not UTF-8: stray continuation, overlong, surrogate, truncated, out of range. */
const BAD_UTF8 = [
  [0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xf4, 0x90, 0x80, 0x80],
  [0xfe, 0xfe],
];

export const invalidUtf8: Trick = (c) =>
  fc
    .record({
      bytes: fc.constantFrom(...BAD_UTF8),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      inString: fc.boolean(),
      where: fc.constantFrom('body', 'body', 'query', 'path'),
    })
    .map(({ bytes, at, inString, where }) => {
      const encoded = bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
      const note = `invalid UTF-8 ${encoded} in ${where}`;
      if (where === 'query')
        return { ...c, note, rawQuery: `q=${encoded}&source=${encoded}x&limit=1${encoded}` };
      const param = /\{([^}]+)\}/.exec(c.operation.path)?.[1];
      if (where === 'path' && param) return { ...c, note, rawParams: { [param]: `a${encoded}` } };
      const value = c.body.kind === 'json' ? c.body.value : { title: 'x' };
      return {
        ...c,
        note,
        body: {
          kind: 'json',
          value,
          contentType: 'application/json',
          damage: { kind: 'insert-bytes', at, bytes, inString },
        },
      };
    });

export const protoKeys: Trick = (c) =>
  fc
    .record({
      key: fc.constantFrom(...PROTO_KEYS),
      payload: fc.constantFrom<unknown>(
        { polluted: true },
        { prototype: { polluted: true } },
        'x',
        null,
        [1],
      ),
      depth: fc.constantFrom(0, 1, 2),
      inQuery: fc.boolean(),
    })
    .map(({ key, payload, depth, inQuery }) => {
      const note = `${key} key at depth ${depth}${inQuery ? ' and in the query' : ''}`;
      let planted: unknown = withKey({}, key, payload);
      for (let i = 0; i < depth; i++) planted = { metadata: planted };
      const obj = bodyObject(c);
      const merged = isObject(planted)
        ? withKey(obj, Object.keys(planted)[0] as string, Object.values(planted)[0])
        : obj;
      const body: Body =
        c.body.kind === 'json' && Array.isArray(c.body.value)
          ? { kind: 'json', value: [merged, ...c.body.value.slice(1)], contentType: 'application/json' }
          : { kind: 'json', value: merged, contentType: 'application/json' };
      return {
        ...c,
        note,
        body,
        ...(inQuery ? { rawQuery: `${key}[polluted]=1&${key}=x&constructor[prototype][polluted]=1` } : {}),
      };
    });

const CONTROL = [
  '\u0000',
  '\u0001',
  '\u001b[31m',
  '\u007f',
  '\u2028',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\u202e',
  '\r\n',
];

export const controlChars: Trick = (c) =>
  fc
    .record({
      key: keyOf(c),
      ch: fc.constantFrom(...CONTROL),
      where: fc.constantFrom('body', 'query', 'path'),
    })
    .map(({ key, ch, where }) => {
      const s = `a${ch}b${ch}`;
      const note = `control character ${JSON.stringify(ch)} in ${where}`;
      if (where === 'query')
        return { ...c, note, rawQuery: `q=${percentEncode(s)}&cursor=${percentEncode(s)}` };
      const param = /\{([^}]+)\}/.exec(c.operation.path)?.[1];
      if (where === 'path' && param) return { ...c, note, params: { ...c.params, [param]: s } };
      return { ...c, note, body: plant(c, key, s) };
    });

const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  'application/JSON',
  'application/json-patch+json',
  'application/x-ndjson',
  'application/json, text/plain',
  ';;;',
  'application/json; boundary="',
  `application/json; ${'p=1; '.repeat(500)}`,
  '',
];

export const oddContentType: Trick = (c) =>
  fc.record({ type: fc.constantFrom<string | null>(...CONTENT_TYPES, null) }).map(({ type }) => {
    const value = c.body.kind === 'json' ? c.body.value : { title: 'x' };
    return {
      ...c,
      note: `content-type ${JSON.stringify(type)}`,
      body: { kind: 'json', value, contentType: type },
    };
  });

const MALFORMED = [
  '{',
  '{"title": "x"',
  '{"title": "x",}',
  "{'title': 'x'}",
  '{title: "x"}',
  '{"title": "x"}}',
  '{"a":1}{"b":2}',
  '[1,2',
  'NaN',
  '{"n": NaN}',
  '{"n": Infinity}',
  '{"title": "x" /* comment */}',
  '\ufeff{"title": "x"}',
  '   ',
  '"unterminated',
  '{"title": "\\uZZZZ"}',
  '{"title": "\\ud800"}',
  '{"n": 1e400}',
  '{"n": -0}',
  '{"n": 123456789012345678901234567890}',
  '{"title": "a", "title": "b"}',
  '\u0000',
  'true',
  'null',
];

export const malformedJson: Trick = (c) =>
  fc.oneof(
    fc.constantFrom(...MALFORMED).map(
      (t): RequestCase => ({
        ...c,
        note: `malformed JSON ${JSON.stringify(t.slice(0, 40))}`,
        body: { kind: 'text', text: t, contentType: 'application/json' },
      }),
    ),
    fc.double({ min: 0, max: 0.99, noNaN: true }).map(
      (at): RequestCase => ({
        ...c,
        note: 'truncated JSON',
        body: {
          kind: 'json',
          value: c.body.kind === 'json' ? c.body.value : { title: 'x' },
          contentType: 'application/json',
          damage: { kind: 'truncate', at },
        },
      }),
    ),
    fc.constant<RequestCase>({
      ...c,
      note: 'single-quoted JSON',
      body: {
        kind: 'json',
        value: c.body.kind === 'json' ? c.body.value : { title: 'x' },
        contentType: 'application/json',
        damage: { kind: 'single-quotes' },
      },
    }),
  );

export const wrongBody: Trick = (c) =>
  fc
    .constantFrom<unknown>(42, 'text', null, [], true, [[]], {}, [null], -1.5, new Raw('""'))
    .map((value) => ({
      ...c,
      note: 'body of the wrong type',
      body: { kind: 'json', value, contentType: 'application/json' },
    }));
