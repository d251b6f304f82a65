import type { ClusterStatus } from '@fixloop/contracts';
import type { ClusterRecord } from '@fixloop/domain';

const STATUSES: ClusterStatus[] = ['new', 'triaged', 'planned', 'fixing', 'pr_opened', 'fixed', 'ignored'];

/** A stored status, `new` when unknown. */
export function statusOf(s: string | null | undefined): ClusterStatus {
  return STATUSES.includes(s as ClusterStatus) ? (s as ClusterStatus) : 'new';
}

/** Reads a cluster hash; per-source counts live in `src:<source>` fields. */
export function decodeCluster(h: Record<string, string>): ClusterRecord | null {
  if (!h.id) return null;
  const countsBySource: Record<string, number> = {};
  for (const [k, v] of Object.entries(h)) {
    if (k.startsWith('src:')) {
      const n = Number(v);
      if (n > 0) countsBySource[k.slice(4)] = n;
    }
  }
  let terms: string[] = [];
  try {
    const parsed: unknown = JSON.parse(h.terms ?? '[]');
    if (Array.isArray(parsed)) terms = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    terms = [];
  }
  const record: ClusterRecord = {
    id: h.id,
    projectId: h.projectId ?? '',
    title: h.title ?? '',
    summary: h.summary ?? '',
    status: statusOf(h.status),
    size: Number(h.size ?? 0),
    countsBySource,
    reporters: Number(h.reporters ?? 0),
    firstSeenAt: h.firstSeenAt ?? h.createdAt ?? '',
    lastSeenAt: h.lastSeenAt ?? h.createdAt ?? '',
    cohesion: Number(h.cohesion ?? 1),
    terms,
    titleSource: h.titleSource === 'human' || h.titleSource === 'llm' ? h.titleSource : 'auto',
    summarySource: h.summarySource === 'human' || h.summarySource === 'llm' ? h.summarySource : 'offline',
    summarizedAtSize: Number(h.summarizedAtSize ?? 0),
    createdAt: h.createdAt ?? '',
    updatedAt: h.updatedAt ?? h.createdAt ?? '',
    version: Number(h.version ?? 0),
  };
  if (h.prUrl) record.prUrl = h.prUrl;
  return record;
}

/** The UTC day of a timestamp (`YYYY-MM-DD`), the field of the per-day counts. */
export function dayOf(iso: string): string {
  return iso.slice(0, 10);
}
