import type { ImportResult, NewFeedback } from '@fixloop/contracts';
import { type FeedbackDeps, importFeedback } from '../feedback/verbs.js';
import { SAMPLE_REPORTS } from './sample-data.js';

export { SAMPLE_REPORTS, SAMPLE_TOPICS, type SampleReport } from './sample-data.js';

/** The source every sample report is stored under, so a user can filter (or delete) them. */
export const SAMPLE_SOURCE = 'sample';

const HOUR_MS = 3_600_000;

/**
 * The bundled sample as reports to store, dated relative to `now` (the last 14 days) so the
 * dashboard's charts have something to show. External ids are stable: loading twice stores nothing new.
 */
export function sampleReports(now: Date): NewFeedback[] {
  return SAMPLE_REPORTS.map((r, i) => ({
    source: SAMPLE_SOURCE,
    externalId: `sample-${String(i + 1).padStart(2, '0')}`,
    title: r.title,
    body: r.body,
    author: r.author,
    createdAt: new Date(now.getTime() - r.hoursAgo * HOUR_MS).toISOString(),
    status: 'open',
    metadata: { sample: true, topic: r.topic },
  }));
}

/**
 * Loads the sample into a project through the bulk import, so it is deduplicated and sent to
 * clustering exactly like imported reports; a second load answers every row as a duplicate.
 */
export function loadSampleReports(deps: FeedbackDeps, projectId: string, now: Date): Promise<ImportResult> {
  return importFeedback(
    deps,
    projectId,
    sampleReports(now).map((item) => ({ ok: true as const, item })),
  );
}
