import { createHash } from 'node:crypto';
import { DumpHeader, DumpRecord, DumpTrailer } from '@fixloop/contracts';
import { assertNever } from '@fixloop/domain';
import { keys } from '../keys.js';
import {
  classifyKey,
  type FootprintRole,
  LOGIN_STATE_ROLES,
  userOfProjectsKey,
} from '../project-footprint.js';
import { decodeBytes, showKey } from './dump-bytes.js';

/** A dump that cannot be imported (malformed, truncated, of another project, or touching others' data). */
export class DumpError extends Error {
  override readonly name = 'DumpError';
}

export interface DumpLine {
  key: Buffer;
  role: FootprintRole;
  record: DumpRecord;
}

export interface ParsedDump {
  header: DumpHeader;
  lines: DumpLine[];
}

/** SHA-256 of key lines as the trailer states it: each line's UTF-8 bytes and its `\n`. */
export function checksumOf(lines: Iterable<string>): string {
  const h = createHash('sha256');
  for (const line of lines) h.update(`${line}\n`, 'utf8');
  return h.digest('hex');
}

/** What this module needs of a zod schema (the store itself does not depend on zod). */
interface Schema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}

function parseLine<T>(schema: Schema<T>, text: string, n: number, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DumpError(`line ${n}: not JSON (${what} expected)`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.length ? ` at ${issue.path.map(String).join('.')}` : '';
    throw new DumpError(`line ${n}: not a valid ${what}${path}: ${issue?.message ?? 'bad value'}`);
  }
  return parsed.data;
}

/**
 * Validates a whole dump before anything is written: the header, every line, the count and
 * checksum in the trailer (a truncated dump has none), the project id, and that every key lies in
 * that project's footprint with its cross-references in order.
 */
export function parseDump(input: Buffer, projectId: string): ParsedDump {
  const text = input.toString('utf8');
  if (text.length === 0) throw new DumpError('the dump is empty');
  if (!text.endsWith('\n'))
    throw new DumpError('the dump is truncated: it does not end with a complete line');
  const rows = text.slice(0, -1).split('\n');
  const header = parseLine(DumpHeader, rows[0] ?? '', 1, 'dump header');
  if (header.projectId !== projectId) {
    throw new DumpError(
      `the dump is of project "${header.projectId}", not "${projectId}" (importing under another id is not supported)`,
    );
  }
  const last = rows.length > 1 ? rows[rows.length - 1] : undefined;
  const trailer = last === undefined ? undefined : DumpTrailer.safeParse(safeJson(last));
  if (!trailer?.success) throw new DumpError('the dump is truncated: its last line is not the trailer');
  const body = rows.slice(1, -1);
  if (body.length !== header.keyCount || body.length !== trailer.data.keyCount) {
    throw new DumpError(
      `the dump is truncated or altered: ${body.length} key lines, header says ${header.keyCount}, trailer ${trailer.data.keyCount}`,
    );
  }
  if (checksumOf(body) !== trailer.data.sha256) {
    throw new DumpError('the dump is altered or damaged: its checksum does not match the trailer');
  }
  const lines = body.map((row, i) => {
    const record = parseLine(DumpRecord, row, i + 2, 'key line');
    const key = decodeBytes(record.key);
    const role = classifyKey(projectId, key);
    if (role === null) {
      throw new DumpError(`line ${i + 2}: key ${showKey(key)} lies outside project "${projectId}"`);
    }
    return { key, role, record };
  });
  checkFootprint(projectId, lines);
  return { header, lines };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Fields of a hash line as text (for cross-references). */
function hashFields(line: DumpLine | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (line?.record.type !== 'hash') return out;
  for (const [f, v] of line.record.value)
    out.set(decodeBytes(f).toString('utf8'), decodeBytes(v).toString('utf8'));
  return out;
}

/**
 * Keys outside the prefix are accepted only as the project's own: an API key listed in its
 * api-keys hash and naming it, the customer link its billing hash names, its own entry in
 * `projects:all` and in its members' project indexes. Anything else would touch other data.
 */
function checkFootprint(projectId: string, lines: DumpLine[]): void {
  const byKey = new Map<string, DumpLine>();
  for (const l of lines) {
    const id = l.key.toString('base64');
    if (byKey.has(id)) throw new DumpError(`key ${showKey(l.key)} appears twice`);
    byKey.set(id, l);
  }
  const line = (key: string) => byKey.get(Buffer.from(key, 'utf8').toString('base64'));
  const record = line(keys.project(projectId));
  if (hashFields(record).get('id') !== projectId) {
    throw new DumpError(
      `the dump holds no record of project "${projectId}" (key ${keys.project(projectId)})`,
    );
  }
  const apiKeyHashes = new Set(hashFields(line(keys.apiKeys(projectId))).values());
  const members = hashFields(line(keys.projectMembers(projectId)));
  const customerId = hashFields(line(keys.billing(projectId))).get('customerId');

  for (const l of lines) {
    const where = `key ${showKey(l.key)}`;
    const text = l.key.toString('utf8');
    const shared = l.role === 'projects-index' || l.role === 'user-projects';
    if (LOGIN_STATE_ROLES.has(l.role)) throw new DumpError(`${where}: sessions are not part of a dump`);
    if (shared !== (l.record.shared === true)) {
      throw new DumpError(`${where}: ${shared ? 'must be marked shared' : 'cannot be marked shared'}`);
    }
    const r = l.record;
    switch (l.role) {
      case 'record':
      case 'prefixed':
      case 'sessions-index':
      case 'session':
        break;
      case 'api-key': {
        const f = hashFields(l);
        const hash = text.slice('apikey:'.length);
        if (
          r.type !== 'hash' ||
          f.get('projectId') !== projectId ||
          f.get('admin') === '1' ||
          !apiKeyHashes.has(hash)
        )
          throw new DumpError(`${where}: not one of project "${projectId}"'s API keys`);
        break;
      }
      case 'billing-customer':
        if (
          r.type !== 'string' ||
          decodeBytes(r.value).toString('utf8') !== projectId ||
          customerId === undefined
        )
          throw new DumpError(`${where}: not project "${projectId}"'s billing customer link`);
        if (text !== keys.billingCustomer(customerId))
          throw new DumpError(`${where}: the project's billing names customer ${customerId}`);
        break;
      case 'projects-index':
        if (r.type !== 'set' || r.value.length !== 1 || r.value[0] !== projectId)
          throw new DumpError(`${where}: may only hold the member "${projectId}"`);
        break;
      case 'user-projects':
        if (r.type !== 'zset' || r.value.length !== 1 || r.value[0]?.[0] !== projectId)
          throw new DumpError(`${where}: may only hold the member "${projectId}"`);
        if (!members.has(userOfProjectsKey(text) ?? ''))
          throw new DumpError(`${where}: the user is not a member of project "${projectId}"`);
        break;
      default:
        assertNever(l.role);
    }
  }
}
