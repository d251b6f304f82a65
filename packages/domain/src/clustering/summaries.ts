import type { FeedbackItem } from '@fixloop/contracts';
import type { ClusteringDeps } from './deps.js';
import type { ClusterRecord } from './ports.js';

/** A cluster's title and summary are refreshed once it grows by a quarter since the last refresh. */
const GROWTH = 1.25;
const SAMPLE = 60;
/** Clusters digested per round of reads: up to CHUNK × SAMPLE reports are read and decoded at once. */
const CHUNK = 25;

export function needsDigest(c: ClusterRecord): boolean {
  return c.summarizedAtSize === 0 || c.size >= Math.ceil(c.summarizedAtSize * GROWTH);
}

/**
 * Titles and summarizes the given clusters where due (new, or grown by a quarter) or when `force`d.
 * A human's title or summary is never overwritten, and a human edit made while the digest was being
 * written wins (the write is conditional on the version read).
 */
export async function refreshDigests(
  deps: ClusteringDeps,
  projectId: string,
  clusterIds: string[],
  opts: { force?: boolean } = {},
): Promise<number> {
  let refreshed = 0;
  for (let s = 0; s < clusterIds.length; s += CHUNK) {
    const records = (await deps.clusters.getMany(projectId, clusterIds.slice(s, s + CHUNK))).filter(
      (c): c is ClusterRecord => c !== null && (opts.force === true || needsDigest(c)),
    );
    const samples = await deps.clusters.memberSample(
      projectId,
      records.map((c) => c.id),
      SAMPLE,
    );
    const members = await deps.feedback.getMany(projectId, samples.flat());
    const byId = new Map(members.filter((m): m is FeedbackItem => m !== null).map((m) => [m.id, m]));
    for (const [i, cluster] of records.entries()) {
      const items = (samples[i] ?? [])
        .map((id) => byId.get(id))
        .filter((m): m is FeedbackItem => m !== undefined);
      if (items.length === 0) continue;
      try {
        const digest = await deps.summarizer.summarize({ projectId, cluster, items });
        const updated = await deps.clusters.updateFields(
          projectId,
          cluster.id,
          {
            ...(cluster.titleSource === 'human'
              ? {}
              : { title: digest.title, titleSource: digest.by === 'llm' ? 'llm' : 'auto' }),
            ...(cluster.summarySource === 'human'
              ? {}
              : { summary: digest.summary, summarySource: digest.by === 'llm' ? 'llm' : 'offline' }),
            terms: digest.terms,
            summarizedAtSize: cluster.size,
          },
          { now: deps.now(), ifVersion: cluster.version },
        );
        if (updated) refreshed++;
      } catch (err) {
        deps.log.warn(
          { projectId, clusterId: cluster.id, err },
          'cluster digest failed; kept the previous one',
        );
      }
    }
  }
  return refreshed;
}
