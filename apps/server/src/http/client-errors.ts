import type { Duplex } from 'node:stream';
import { errorBody } from './errors.js';

/** Why Node's HTTP parser refused a request, in the words of the answer. */
function messageFor(code: string | undefined): string {
  if (code === 'HPE_HEADER_OVERFLOW') return 'request headers are too large';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'the request took too long to arrive';
  return 'malformed HTTP request';
}

/**
 * Answers a request that Node's HTTP parser refused (a control byte in the request line or a
 * header, broken framing, oversized headers, a client too slow to send them): it never reaches a
 * route or hook, so it is written to the socket here, with the same envelope as every other
 * error. Always a 400 `bad_request`, as nginx and Apache answer oversized headers, so that the
 * code stays one of the closed set.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) {
    const body = JSON.stringify(errorBody('bad_request', messageFor(err.code)));
    socket.write(
      'HTTP/1.1 400 Bad Request\r\n' +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(err);
}
