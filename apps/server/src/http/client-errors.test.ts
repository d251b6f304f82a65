import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerClientError } from './client-errors.js';

/** A socket stand-in that keeps what the server wrote (and, like Node's, listens for its errors). */
function socket() {
  const s = new PassThrough();
  const written: Buffer[] = [];
  s.on('data', (c: Buffer) => written.push(c));
  s.on('error', () => {});
  return { s, text: () => Buffer.concat(written).toString('utf8') };
}

function fail(code: string): Error & { code: string } {
  return Object.assign(new Error(code), { code });
}

describe('answerClientError', () => {
  it('answers what the HTTP parser refused with a 400 and the error envelope, then closes', async () => {
    for (const [code, message] of [
      ['HPE_INVALID_HEADER_TOKEN', 'malformed HTTP request'],
      ['HPE_HEADER_OVERFLOW', 'request headers are too large'],
      ['ERR_HTTP_REQUEST_TIMEOUT', 'the request took too long to arrive'],
    ] as const) {
      const { s, text } = socket();
      answerClientError(fail(code), s);
      await new Promise((r) => setImmediate(r));
      const [head = '', body = ''] = text().split('\r\n\r\n');
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
      expect(head).toContain('Content-Type: application/json; charset=utf-8');
      expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
      expect(JSON.parse(body)).toEqual({ error: { code: 'bad_request', message } });
      expect(s.destroyed).toBe(true);
    }
  });

  it('writes nothing to a connection that was reset or is gone', () => {
    const reset = socket();
    answerClientError(fail('ECONNRESET'), reset.s);
    expect(reset.text()).toBe('');
    const gone = socket();
    gone.s.destroy();
    answerClientError(fail('HPE_INVALID_METHOD'), gone.s);
    expect(gone.text()).toBe('');
  });
});
