import { AgentJob, type AgentJobStatus, type LogStream } from '@fixloop/contracts';
import type { NewLogLine } from '@fixloop/domain';
import {
  httpUrl,
  isPlainObject,
  parseJson,
  parseLegacyTime,
  statusWord,
  withoutNul,
} from './legacy-values.js';
import type { Conversion } from './report.js';

/** What a job that was queued or running when the legacy system stopped becomes. */
export const INTERRUPTED = 'interrupted by the migration';
/** The step legacy log lines are filed under. */
export const LEGACY_STEP = 'legacy';

type Mapped = AgentJobStatus | 'interrupted';
const STATUSES: Record<string, Mapped> = {
  queued: 'interrupted',
  pending: 'interrupted',
  created: 'interrupted',
  scheduled: 'interrupted',
  dispatched: 'interrupted',
  waiting: 'interrupted',
  running: 'interrupted',
  in_progress: 'interrupted',
  started: 'interrupted',
  processing: 'interrupted',
  succeeded: 'succeeded',
  success: 'succeeded',
  successful: 'succeeded',
  completed: 'succeeded',
  complete: 'succeeded',
  done: 'succeeded',
  finished: 'succeeded',
  pr_opened: 'succeeded',
  pr_created: 'succeeded',
  failed: 'failed',
  failure: 'failed',
  error: 'failed',
  errored: 'failed',
  timeout: 'failed',
  timed_out: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  aborted: 'cancelled',
  stopped: 'cancelled',
};
const MAPPED = new Set([
  'id',
  'cluster_id',
  'clusterId',
  'status',
  'pr_url',
  'prUrl',
  'created_at',
  'updated_at',
  'started_at',
  'finished_at',
  'logs',
  'error',
  'branch',
  'commit_sha',
  'plan_id',
  'runner',
  'retry_of',
]);

export interface LegacyJob {
  job: AgentJob;
  /** The job's log, in order: what `logs` (and a `job:{id}:logs` list) held. */
  lines: NewLogLine[];
}

/**
 * A legacy `job:{id}` hash as today's agent job, keeping its id. A job that was queued or running
 * becomes failed (nothing runs it any more); fields today's job does not have go to the log.
 */
export function convertJob(
  id: string,
  h: Record<string, string>,
  listedLogs: string[],
  ctx: { projectId: string; now: Date },
): Conversion<LegacyJob> {
  const notes: string[] = [];
  const clusterId = (h.cluster_id ?? h.clusterId ?? '').trim();
  if (clusterId === '') return { ok: false, reason: 'no cluster_id' };
  const now = ctx.now.toISOString();
  const created = parseLegacyTime(h.created_at);
  const updated = parseLegacyTime(h.updated_at);
  if (created === undefined) notes.push('no usable created_at');

  const word = statusWord(h.status);
  let mapped: Mapped = STATUSES[word] ?? 'failed';
  let error = text(h.error);
  if (word === '') {
    mapped = 'failed';
    error ??= 'the legacy job had no status';
    notes.push('no status: stored as failed');
  } else if (STATUSES[word] === undefined) {
    error ??= `unknown legacy status "${h.status}"`;
    notes.push(`unknown status "${h.status}" stored as failed`);
  }
  const interrupted = mapped === 'interrupted';
  if (interrupted) notes.push(`status ${word} → failed (${INTERRUPTED})`);
  const status: AgentJobStatus = interrupted ? 'failed' : (mapped as AgentJobStatus);

  const candidate: AgentJob = {
    id,
    projectId: ctx.projectId,
    clusterId,
    planId: text(h.plan_id) ?? '',
    runner: text(h.runner) ?? LEGACY_STEP,
    status,
    stats: {},
    createdAt: created ?? updated ?? now,
  };
  if (interrupted) candidate.error = INTERRUPTED;
  else if (error !== undefined && status !== 'succeeded') candidate.error = error;
  const started = parseLegacyTime(h.started_at);
  if (started !== undefined) candidate.startedAt = started;
  candidate.finishedAt = interrupted ? now : (parseLegacyTime(h.finished_at) ?? updated ?? now);
  const prUrl = httpUrl(h.pr_url ?? h.prUrl);
  if (prUrl !== undefined) candidate.prUrl = prUrl;
  const branch = text(h.branch);
  if (branch !== undefined) candidate.branch = branch;
  const sha = text(h.commit_sha);
  if (sha !== undefined) candidate.commitSha = sha;
  const retryOf = text(h.retry_of);
  if (retryOf !== undefined) candidate.retryOf = retryOf;

  const lines: NewLogLine[] = [];
  const extra: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!MAPPED.has(k)) extra[k] = v;
  if (prUrl === undefined && (h.pr_url ?? '').trim() !== '') extra.pr_url = h.pr_url as string;
  if (Object.keys(extra).length > 0) {
    lines.push({ step: LEGACY_STEP, stream: 'info', line: `legacy fields: ${JSON.stringify(extra)}` });
    notes.push(`fields without a place in today's job kept as the first log line`);
  }
  lines.push(...logLinesOf(h.logs, notes), ...listedLogs.flatMap((l) => logLinesOf(l, notes)));
  if (lines.length > 0) candidate.stats = { logLines: lines.length };

  const parsed = AgentJob.safeParse(candidate);
  if (!parsed.success) return { ok: false, reason: `not a valid job: ${parsed.error.issues[0]?.message}` };
  return { ok: true, value: { job: parsed.data, lines }, notes };
}

function text(raw: string | undefined): string | undefined {
  const s = withoutNul(raw ?? '').text.trim();
  return s === '' ? undefined : s;
}

/** Log lines from a JSON list (of strings or `{message, level, ts, …}` objects) or plain text. */
export function logLinesOf(raw: string | undefined, notes: string[] = []): NewLogLine[] {
  if (raw === undefined || raw.trim() === '') return [];
  const parsed = parseJson(raw);
  if (parsed && Array.isArray(parsed.value)) return parsed.value.flatMap((e) => entryLines(e));
  if (parsed && typeof parsed.value === 'string') return textLines(parsed.value);
  if (parsed && isPlainObject(parsed.value)) return entryLines(parsed.value);
  if (parsed === undefined && /^\s*[[{]/.test(raw))
    notes.push('logs look like JSON but do not parse: kept as text');
  return textLines(raw);
}

function textLines(s: string): NewLogLine[] {
  const lines = withoutNul(s).text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  return lines.map((line) => ({ step: LEGACY_STEP, stream: 'stdout', line }));
}

function entryLines(e: unknown): NewLogLine[] {
  if (typeof e === 'string') return textLines(e);
  if (!isPlainObject(e)) return [{ step: LEGACY_STEP, stream: 'stdout', line: JSON.stringify(e) }];
  const message = first(e, ['line', 'message', 'msg', 'text', 'output']) ?? JSON.stringify(e);
  const at = parseLegacyTime(first(e, ['ts', 'timestamp', 'time', 'at', 'created_at']));
  const step = first(e, ['step', 'phase', 'stage']) ?? LEGACY_STEP;
  return textLines(message).map((l) => ({
    step,
    stream: streamOf(e),
    line: at === undefined ? l.line : `[${at}] ${l.line}`,
  }));
}

function streamOf(e: Record<string, unknown>): LogStream {
  const s = String(e.stream ?? '').toLowerCase();
  if (s === 'stdout' || s === 'stderr' || s === 'info') return s;
  const level = String(e.level ?? e.levelname ?? '').toLowerCase();
  if (level.startsWith('err') || level.startsWith('warn') || level === 'critical') return 'stderr';
  return level === '' ? 'stdout' : 'info';
}

function first(o: Record<string, unknown>, names: string[]): string | undefined {
  for (const n of names) {
    const v = o[n];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}
