import { createHash } from 'node:crypto';
import { DUMP_FORMAT, type DumpRecord } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { decodeBytes, encodeBytes } from './dump-bytes.js';
import { checksumOf, DumpError, parseDump } from './parse-dump.js';

const hash = createHash('sha256').update('key').digest('hex');
const record: DumpRecord = {
  key: 'project:{acme}',
  type: 'hash',
  value: [
    ['id', 'acme'],
    ['name', 'Acme'],
  ],
};
const apiKeyIndex: DumpRecord = { key: 'project:{acme}:api-keys', type: 'hash', value: [['k1', hash]] };
const apiKey: DumpRecord = {
  key: `apikey:${hash}`,
  type: 'hash',
  value: [
    ['id', 'k1'],
    ['projectId', 'acme'],
    ['admin', '0'],
  ],
};
const members: DumpRecord = { key: 'project:{acme}:members', type: 'hash', value: [['u1', 'owner']] };

/** A well-formed dump of `records` (the header and trailer computed), as bytes. */
function dumpOf(records: unknown[], projectId = 'acme'): Buffer {
  const body = records.map((r) => JSON.stringify(r));
  const header = {
    format: DUMP_FORMAT,
    version: 1,
    projectId,
    exportedAt: '2026-01-01T00:00:00.000Z',
    keyCount: body.length,
  };
  const trailer = { end: DUMP_FORMAT, keyCount: body.length, sha256: checksumOf(body) };
  return Buffer.from(`${[JSON.stringify(header), ...body, JSON.stringify(trailer)].join('\n')}\n`);
}

const refused = (input: Buffer, message: RegExp | string, projectId = 'acme') => {
  expect(() => parseDump(input, projectId)).toThrow(DumpError);
  expect(() => parseDump(input, projectId)).toThrow(message);
};

describe('dump bytes', () => {
  it('keeps text as text (a leading BOM included) and anything else as base64, losslessly', () => {
    const samples = [
      Buffer.from('plain'),
      Buffer.from('\uFEFFwith a BOM'),
      Buffer.from('naïve ☃ \u0000 nul'),
      Buffer.from([0xff, 0xfe, 0x00, 0x80]),
      new Uint8Array(new Float32Array([0.25, -1.5]).buffer),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate is not UTF-8
    ].map((b) => Buffer.from(b));
    for (const b of samples) expect(decodeBytes(encodeBytes(b)).equals(b)).toBe(true);
    expect(encodeBytes(Buffer.from('plain'))).toBe('plain');
    expect(encodeBytes(Buffer.from([0xff]))).toEqual({ b64: '/w==' });
  });
});

describe('parseDump', () => {
  it('accepts a whole dump of the project, its global keys included', () => {
    const parsed = parseDump(
      dumpOf([
        record,
        apiKeyIndex,
        apiKey,
        members,
        { key: 'projects:all', type: 'set', shared: true, value: ['acme'] },
        { key: 'user:u1:projects', type: 'zset', shared: true, value: [['acme', '1000']] },
        { key: 'project:{acme}:feedback:vectors', type: 'hash', value: [['f1', { b64: 'AACAPw==' }]] },
      ]),
      'acme',
    );
    expect(parsed.lines.map((l) => l.role)).toEqual([
      'record',
      'prefixed',
      'api-key',
      'prefixed',
      'projects-index',
      'user-projects',
      'prefixed',
    ]);
  });

  it('refuses a truncated dump: no trailer, a cut line, a missing line, no final newline', () => {
    const whole = dumpOf([record, apiKeyIndex, members]);
    const text = whole.toString();
    const rows = text.trimEnd().split('\n');
    refused(Buffer.from(`${rows.slice(0, -1).join('\n')}\n`), 'truncated');
    refused(Buffer.from(`${rows.slice(0, 3).join('\n')}\n${rows[3]?.slice(0, 10)}\n`), 'truncated');
    refused(whole.subarray(0, whole.length - 1), 'truncated');
    refused(Buffer.from(`${[rows[0], rows[1], rows[3], rows[4]].join('\n')}\n`), /truncated or altered/);
    refused(Buffer.from(''), 'empty');
  });

  it('refuses an altered dump whose checksum no longer matches', () => {
    const text = dumpOf([record, members]).toString().replace('"owner"', '"viewer"');
    refused(Buffer.from(text), 'checksum');
  });

  it('refuses a dump of another project, and one without the project record', () => {
    refused(dumpOf([record]), 'the dump is of project "acme", not "other"', 'other');
    refused(dumpOf([members]), 'no record');
  });

  it('refuses any key outside the project, or a global key that is not the project’s own', () => {
    const otherHash = createHash('sha256').update('other').digest('hex');
    const cases: Array<[unknown, RegExp]> = [
      [{ key: 'project:{other}:feedback:f1', type: 'string', value: 'x' }, /outside project "acme"/],
      [{ key: 'emb:abc', type: 'string', value: 'x' }, /outside/],
      [{ key: 'apikey:admins', type: 'set', value: ['x'] }, /outside/],
      [{ key: 'user:u1', type: 'hash', value: [['name', 'x']] }, /outside/],
      // An API key the project does not list, or one that names another project or is an admin key.
      [{ ...apiKey, key: `apikey:${otherHash}` }, /not one of project "acme"'s API keys/],
      [{ ...apiKey, value: [['projectId', 'other']] }, /API keys/],
      [
        {
          ...apiKey,
          value: [
            ['projectId', 'acme'],
            ['admin', '1'],
          ],
        },
        /API keys/,
      ],
      // Shared keys carry only the project's own member.
      [{ key: 'projects:all', type: 'set', shared: true, value: ['acme', 'other'] }, /only hold the member/],
      [{ key: 'user:u1:projects', type: 'zset', shared: true, value: [['other', '1']] }, /only hold/],
      [{ key: 'user:u2:projects', type: 'zset', shared: true, value: [['acme', '1']] }, /not a member/],
      [{ key: 'projects:all', type: 'set', value: ['acme'] }, /must be marked shared/],
      [{ key: 'project:{acme}:x', type: 'string', shared: true, value: 'x' }, /cannot be marked shared/],
      [{ key: 'billing:customer:cus_1', type: 'string', value: 'acme' }, /billing customer link/],
      [{ key: `session:${hash}`, type: 'hash', value: [['projectId', 'acme']] }, /sessions are not part/],
      [{ key: 'project:{acme}:members', type: 'hash', value: [['u9', 'owner']] }, /appears twice/],
      [{ key: 'project:{acme}:x', type: 'nope', value: 'x' }, /line 5: not a valid key line/],
      [{ key: 'project:{acme}:x', type: 'zset', value: [['m', 'NaN']] }, /not a valid key line/],
    ];
    for (const [line, message] of cases) {
      refused(dumpOf([record, apiKeyIndex, members, line]), message);
    }
  });

  it('checks the billing customer link against the billing hash', () => {
    const billing = { key: 'project:{acme}:billing', type: 'hash', value: [['customerId', 'cus_1']] };
    const link = { key: 'billing:customer:cus_1', type: 'string', value: 'acme' };
    expect(parseDump(dumpOf([record, billing, link]), 'acme').lines).toHaveLength(3);
    refused(dumpOf([record, billing, { ...link, key: 'billing:customer:cus_2' }]), /names customer cus_1/);
    refused(dumpOf([record, billing, { ...link, value: 'other' }]), /billing customer link/);
  });

  it('refuses streams whose ids do not increase', () => {
    const stream = (entries: unknown[], lastId = '9-0') => ({
      key: 'project:{acme}:job:j:logs',
      type: 'stream',
      value: { lastId, entries },
    });
    expect(parseDump(dumpOf([record, stream([['1-0', ['a', 'b']]])]), 'acme').lines).toHaveLength(2);
    refused(
      dumpOf([
        record,
        stream([
          ['2-0', ['a', 'b']],
          ['1-0', ['a', 'b']],
        ]),
      ]),
      /not a valid key line/,
    );
    refused(dumpOf([record, stream([['1-0', ['a', 'b']]], '0-5')]), /lastId/);
    refused(dumpOf([record, stream([['1-0', ['a']]])]), /not a valid key line/);
  });
});
