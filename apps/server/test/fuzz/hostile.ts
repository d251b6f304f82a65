import fc from 'fast-check';
import {
  controlChars,
  deepNesting,
  hugeStrings,
  invalidUtf8,
  malformedJson,
  oddContentType,
  protoKeys,
  type Target,
  type Trick,
  wrongBody,
} from './hostile-bodies.js';
import { text } from './json-schema.js';
import type { RequestCase } from './request-case.js';
import { percentEncode } from './values.js';

/** Path parameters that no route should choke on: overlong, undecodable, traversal, odd scripts. */
const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%FF%FE',
  '%C0%AF',
  '%00',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..',
  '.',
  '%2F',
  '%E2%82',
  '%F0%9F%98%80',
  'a%20b',
  '%u0041',
  '%24%7Bjndi:ldap%7D',
  'a;b=c',
];

const hostilePath: Trick = (c) => {
  const names = [...c.operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  if (names.length === 0) return malformedJson(c, { bodyLimit: 0 });
  return fc
    .record({
      name: fc.constantFrom(...names),
      raw: fc.oneof(
        fc.constantFrom(...RAW_SEGMENTS),
        fc.constantFrom(63, 64, 199, 200, 201, 299, 300, 301, 1_000, 5_000).map((n) => 'a'.repeat(n)),
        text(1, 20).map(percentEncode),
      ),
    })
    .map(({ name, raw }) => ({
      ...c,
      note: `path parameter ${name} = ${JSON.stringify(raw.slice(0, 40))}${raw.length > 40 ? `… (${raw.length})` : ''}`,
      rawParams: { ...c.rawParams, [name]: raw },
    }));
};

const RAW_QUERIES = [
  'limit=1&limit=2',
  'limit=0',
  'limit=-1',
  'limit=1e3',
  'limit=0x10',
  'limit=%2B5',
  'limit=%205',
  'limit=NaN',
  'limit=Infinity',
  'limit=99999999999999999999999',
  'limit[]=1',
  'cursor=&q=',
  'q=a&q=b&q=c',
  'sort=size&sort=trend',
  'status=open&status=closed',
  'minSize=2&maxSize=1',
  '&&&=&==',
  '%',
  'q=%',
  '=x',
  'after=1-1&after=2-2',
  'after=99999999999999999999-99999999999999999999',
  'cursor=eyJ4IjoxfQ',
  'cursor=%00%00',
  `${'a=1&'.repeat(2_000)}b=2`,
];

const hostileQuery: Trick = (c) =>
  fc
    .constantFrom(...RAW_QUERIES)
    .map((q) => ({ ...c, note: `query ${JSON.stringify(q.slice(0, 60))}`, rawQuery: q }));

const HEADERS: Array<Record<string, string>> = [
  { authorization: 'Bearer' },
  { authorization: 'Bearer ' },
  { authorization: `Bearer ${'k'.repeat(513)}` },
  { authorization: `Bearer ${'k'.repeat(20_000)}` },
  { authorization: 'Basic dXNlcjpwYXNz' },
  { authorization: 'Bearer a b' },
  { authorization: 'Bearer fli_e30.AAAA' },
  { authorization: 'Bearer fli_.' },
  { authorization: 'Bearer flk_ü' },
  { cookie: 'fixloop_session=' },
  { cookie: 'fixloop_session="' },
  { cookie: `fixloop_session=${'s'.repeat(10_000)}` },
  { cookie: ';;;=;fixloop_session' },
  { cookie: 'fixloop_session=%00', origin: 'null' },
  { origin: 'null' },
  { referer: 'not a url' },
  { referer: 'http://[::1' },
  { 'x-request-id': '../../etc' },
  { 'x-request-id': 'é'.repeat(100) },
  { 'content-encoding': 'gzip' },
  { 'content-encoding': 'br, deflate' },
  { 'content-length': '0' },
  { 'content-length': '3' },
  { accept: 'application/xml' },
  { accept: '*/*;q=0' },
  { 'x-forwarded-for': '1.2.3.4, not-an-ip' },
  { 'x-github-event': 'issues' },
  { 'x-github-event': 'ping' },
  { 'x-github-event': 'é' },
  { 'x-hub-signature-256': 'sha256=00' },
  { 'x-hub-signature-256': 'sha1=abc' },
  { 'sentry-hook-resource': 'issue' },
  { 'sentry-hook-resource': 'event_alert' },
  { 'sentry-hook-signature': 'zz' },
  { 'stripe-signature': 't=1,v1=abc' },
  { 'stripe-signature': 't=,v1=' },
  { 'last-event-id': '1-1' },
  { 'last-event-id': 'x'.repeat(5_000) },
  { host: 'evil.example' },
];

const hostileHeaders: Trick = (c) =>
  fc.constantFrom(...HEADERS).map((headers) => ({
    ...c,
    note: `headers ${JSON.stringify(headers).slice(0, 80)}`,
    headers: { ...c.headers, ...headers },
  }));

const OTHER_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];

const otherMethod: Trick = (c) =>
  fc
    .constantFrom(...OTHER_METHODS.filter((m) => m !== c.method))
    .map((method) => ({ ...c, note: `method ${method} instead of ${c.method}`, method }));

/** Requests no client should send, built from a valid one. */
export function hostileOf(c: RequestCase, t: Target): fc.Arbitrary<RequestCase> {
  const tricks: Array<[Trick, number]> = [
    [hugeStrings, 2],
    [deepNesting, 2],
    [invalidUtf8, 3],
    [protoKeys, 3],
    [controlChars, 2],
    [oddContentType, 2],
    [malformedJson, 2],
    [wrongBody, 1],
    [hostilePath, 3],
    [hostileQuery, 2],
    [hostileHeaders, 3],
    [otherMethod, 1],
  ];
  return fc.oneof(...tricks.map(([trick, weight]) => ({ arbitrary: trick(c, t), weight })));
}
