import type { ClusterStatus } from '@fixloop/contracts';
import { httpUrl, parseJson, parseLegacyTime, statusWord, withoutNul } from './legacy-values.js';
import type { Conversion } from './report.js';

/** Legacy cluster statuses (and the obvious other names for them) → today's. */
const STATUSES: Record<string, ClusterStatus> = {
  new: 'new',
  open: 'new',
  active: 'new',
  pending: 'new',
  unreviewed: 'new',
  triaged: 'triaged',
  reviewed: 'triaged',
  acknowledged: 'triaged',
  confirmed: 'triaged',
  planned: 'planned',
  plan_ready: 'planned',
  fixing: 'fixing',
  in_progress: 'fixing',
  pr_opened: 'pr_opened',
  pr_open: 'pr_opened',
  pr_created: 'pr_opened',
  fixed: 'fixed',
  resolved: 'fixed',
  closed: 'fixed',
  done: 'fixed',
  merged: 'fixed',
  ignored: 'ignored',
  wontfix: 'ignored',
  won_t_fix: 'ignored',
  dismissed: 'ignored',
  archived: 'ignored',
  rejected: 'ignored',
};
const KNOWN = new Set([
  'id',
  'title',
  'summary',
  'status',
  'created_at',
  'createdAt',
  'updated_at',
  'updatedAt',
  'pr_url',
  'prUrl',
]);
/** Derived or vector fields that today's cluster recomputes (size, counts) or has no use for (vectors). */
const RECOMPUTED = new Set(['size', 'count', 'project_id', 'centroid', 'embedding', 'sum']);
/** Fields some legacy writers used for the member list instead of (or besides) the items set. */
export const MEMBER_FIELDS = ['feedback_ids', 'item_ids', 'member_ids', 'items'];

export interface LegacyCluster {
  title: string;
  summary: string;
  status: ClusterStatus;
  /** Absent when the legacy hash tells neither time: the cluster keeps the one it was created with. */
  createdAt?: string;
  updatedAt: string;
  prUrl?: string;
  /** Member ids listed in the hash itself (JSON arrays), to be merged with the items set. */
  listedMembers: string[];
}

/** A legacy cluster hash in today's terms (membership is resolved by the caller). */
export function convertCluster(h: Record<string, string>, now: Date): Conversion<LegacyCluster> {
  const notes: string[] = [];
  const created = parseLegacyTime(h.created_at ?? h.createdAt);
  const updated = parseLegacyTime(h.updated_at ?? h.updatedAt);
  if (created === undefined) notes.push('no usable created_at');
  if (updated === undefined) notes.push('no usable updated_at');
  const createdAt = created ?? updated;
  const updatedAt = updated ?? created ?? now.toISOString();
  const prUrl = httpUrl(h.pr_url ?? h.prUrl);
  if (prUrl === undefined && (h.pr_url ?? h.prUrl ?? '').trim() !== '')
    notes.push('pr_url is not an http(s) URL: dropped');

  const word = statusWord(h.status);
  let status: ClusterStatus = STATUSES[word] ?? 'new';
  if (word !== '' && STATUSES[word] === undefined) notes.push(`unknown status "${h.status}" read as new`);
  else if (word !== '' && word !== status) notes.push(`status "${h.status}" read as ${status}`);
  if (status === 'fixing') {
    // No agent job survives the migration running, and `fixing` means one is.
    status = prUrl === undefined ? 'triaged' : 'pr_opened';
    notes.push(`status fixing → ${status}: its agent run did not survive the migration`);
  }

  const listedMembers: string[] = [];
  for (const f of MEMBER_FIELDS) {
    const raw = h[f];
    if (raw === undefined) continue;
    const parsed = parseJson(raw);
    if (parsed && Array.isArray(parsed.value)) {
      for (const v of parsed.value) if (typeof v === 'string' && v !== '') listedMembers.push(v);
    } else notes.push(`${f} is not a JSON list of ids: ignored`);
  }
  const dropped = Object.keys(h)
    .filter((k) => !KNOWN.has(k) && !RECOMPUTED.has(k) && !MEMBER_FIELDS.includes(k))
    .sort();
  if (dropped.length > 0) notes.push(`fields not carried over: ${dropped.join(', ')}`);

  const value: LegacyCluster = {
    title: clean(h.title, 1_000),
    summary: clean(h.summary, 20_000),
    status,
    updatedAt,
    listedMembers,
  };
  if (createdAt !== undefined) value.createdAt = createdAt;
  if (prUrl !== undefined) value.prUrl = prUrl;
  return { ok: true, value, notes };
}

function clean(raw: string | undefined, max: number): string {
  return withoutNul(raw ?? '')
    .text.trim()
    .slice(0, max);
}
