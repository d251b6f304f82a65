/** Connect's streaming framing: a flags byte, a big-endian length, then the JSON message. */
export const END_STREAM_FLAG = 0b10;

export function envelope(message: unknown, flags = 0): Buffer {
  const json = Buffer.from(JSON.stringify(message));
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(json.length, 1);
  return Buffer.concat([head, json]);
}

/** The JSON messages of an enveloped request body. */
export function readEnvelopes(body: Buffer): unknown[] {
  const messages: unknown[] = [];
  let at = 0;
  while (at + 5 <= body.length) {
    const length = body.readUInt32BE(at + 1);
    messages.push(JSON.parse(body.subarray(at + 5, at + 5 + length).toString('utf8')));
    at += 5 + length;
  }
  return messages;
}
