import { connect } from 'node:net';
import fc from 'fast-check';

/** One answer read off the wire. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What came back for raw bytes: the answers in order (several when the bytes held several requests). */
export interface WireResult {
  responses: WireResponse[];
  /** The server closed the connection without a word. */
  silent: boolean;
}

/** Parses HTTP/1.1 responses (Content-Length or chunked bodies) from the bytes a server sent. */
export function parseResponses(raw: Buffer): WireResponse[] {
  const out: WireResponse[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const [statusLine = '', ...lines] = raw.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    at = end + 4;
    let body: Buffer = Buffer.alloc(0);
    if (headers['transfer-encoding']?.includes('chunked')) {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at);
        if (lineEnd === -1) break;
        const size = Number.parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
        at = lineEnd + 2;
        if (!(size > 0)) {
          at += 2;
          break;
        }
        parts.push(raw.subarray(at, at + size));
        at += size + 2;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      body = raw.subarray(at, at + length);
      at += length;
    }
    out.push({ status, headers, body: body.toString('utf8') });
  }
  return out;
}

/**
 * Writes `bytes` to a fresh connection and reads until the server closes it (requests say
 * `Connection: close`). A server still waiting after `quietMs` gets the end of the stream, so a
 * request that is incomplete on purpose ends too.
 */
export function sendRaw(
  port: number,
  bytes: Buffer,
  quietMs = 1_500,
  timeoutMs = 15_000,
): Promise<WireResult | 'timeout'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const hush = () => {
      clearTimeout(quiet);
      quiet = setTimeout(() => socket.end(), quietMs);
    };
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, timeoutMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      hush();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A server may reset a connection it refused; what it said before still counts.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') {
        clearTimeout(timer);
        clearTimeout(quiet);
        reject(err);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(quiet);
      const raw = Buffer.concat(chunks);
      resolve({ responses: parseResponses(raw), silent: raw.length === 0 });
    });
    socket.write(bytes, () => hush());
  });
}

/** A request as raw parts, so that each can be broken on its own. */
export interface RawRequest {
  note: string;
  /** The bytes end before the request does: no answer is the right answer. */
  incomplete?: boolean;
  method: string;
  target: Buffer;
  version: string;
  headers: Buffer[];
  body: Buffer;
}

export function rawBytes(r: RawRequest): Buffer {
  return Buffer.concat([
    Buffer.from(`${r.method} `),
    r.target,
    Buffer.from(` ${r.version}\r\n`),
    ...r.headers.flatMap((h) => [h, Buffer.from('\r\n')]),
    Buffer.from('\r\n'),
    r.body,
  ]);
}

const b = (s: string) => Buffer.from(s, 'latin1');

/** Bytes no well-behaved client puts in a request line or a header: non-ASCII, controls, NUL. */
const WIRE_BAD = [[0x80], [0xff], [0xc3, 0x28], [0x00], [0x7f], [0x1b], [0x0b], [0x0d], [0xed, 0xa0, 0x80]];

export interface RawTargets {
  /** Paths worth reaching (real routes of the fixture project). */
  paths: string[];
  /** `Authorization` header values that authenticate. */
  authorizations: string[];
}

/**
 * Requests that `app.inject` cannot send: raw bytes in the request line and headers, framing
 * tricks (both Content-Length and Transfer-Encoding, bad chunk sizes, duplicate lengths),
 * obsolete line folding, oversized headers, wrong HTTP versions.
 */
export function rawRequestOf(t: RawTargets): fc.Arbitrary<RawRequest> {
  const base = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    path: fc.constantFrom(...t.paths),
    auth: fc.constantFrom(...t.authorizations, ''),
  });
  const body = b('{"title":"wire"}');
  const plain = ({ method, path, auth }: { method: string; path: string; auth: string }): RawRequest => ({
    note: 'plain',
    method,
    target: b(path),
    version: 'HTTP/1.1',
    headers: [
      b('Host: 127.0.0.1'),
      b('Connection: close'),
      b('Content-Type: application/json'),
      b(`Content-Length: ${body.length}`),
      ...(auth === '' ? [] : [b(`Authorization: ${auth}`)]),
    ],
    body,
  });
  const broken = (r: RawRequest): fc.Arbitrary<RawRequest> =>
    fc.oneof(
      fc.constantFrom(...WIRE_BAD).map((bad) => ({
        ...r,
        note: `byte ${Buffer.from(bad).toString('hex')} in the path`,
        target: Buffer.concat([r.target, b('/'), Buffer.from(bad), b('x')]),
      })),
      fc.constantFrom(...WIRE_BAD).map((bad) => ({
        ...r,
        note: `byte ${Buffer.from(bad).toString('hex')} in the query`,
        target: Buffer.concat([r.target, b('?q='), Buffer.from(bad)]),
      })),
      fc.constantFrom(...WIRE_BAD).map((bad) => ({
        ...r,
        note: `byte ${Buffer.from(bad).toString('hex')} in a header value`,
        headers: [...r.headers, Buffer.concat([b('X-Note: a'), Buffer.from(bad), b('b')])],
      })),
      fc.constantFrom(...WIRE_BAD).map((bad) => ({
        ...r,
        note: `byte ${Buffer.from(bad).toString('hex')} in the Authorization header`,
        headers: [
          ...r.headers.filter((h) => !h.toString().startsWith('Authorization')),
          Buffer.concat([b('Authorization: Bearer a'), Buffer.from(bad)]),
        ],
      })),
      fc
        .constantFrom(
          { note: 'both lengths', headers: [b('Transfer-Encoding: chunked')] },
          { note: 'two lengths', headers: [b('Content-Length: 3')] },
          { note: 'obsolete line folding', headers: [b('X-Folded: a'), b(' b')] },
          { note: 'header without colon', headers: [b('NoColonHere')] },
          { note: 'space before colon', headers: [b('Content-Type : text/plain')] },
          { note: 'huge header', headers: [b(`X-Huge: ${'h'.repeat(20_000)}`)] },
          { note: 'many headers', headers: Array.from({ length: 3_000 }, (_, i) => b(`X-H${i}: ${i}`)) },
          { note: 'negative length', headers: [b('Content-Length: -1')] },
        )
        .map((extra) => ({ ...r, note: extra.note, headers: [...r.headers, ...extra.headers] })),
      fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'HTTX/1.1', 'http/1.1', '').map((version) => ({
        ...r,
        note: `version ${JSON.stringify(version)}`,
        version,
      })),
      fc
        .constantFrom(
          'zz\r\n{}\r\n0\r\n\r\n',
          '2\r\n{}\r\n',
          '-1\r\n\r\n',
          'ffffffffffffffff\r\nx\r\n0\r\n\r\n',
        )
        .map((chunks) => ({
          ...r,
          note: `chunked body ${JSON.stringify(chunks.slice(0, 20))}`,
          incomplete: !chunks.endsWith('0\r\n\r\n'),
          headers: [
            ...r.headers.filter((h) => !h.toString().startsWith('Content-Length')),
            b('Transfer-Encoding: chunked'),
          ],
          body: b(chunks),
        })),
      fc
        .constantFrom('//', '/%', '/%zz', `/${'a'.repeat(10_000)}`, '*', 'http://evil.example/feedback', '')
        .map((target) => ({
          ...r,
          note: `target ${JSON.stringify(target.slice(0, 30))}`,
          target: b(target),
        })),
    );
  return base
    .map(plain)
    .chain((r) => fc.oneof({ arbitrary: fc.constant(r), weight: 1 }, { arbitrary: broken(r), weight: 6 }));
}
