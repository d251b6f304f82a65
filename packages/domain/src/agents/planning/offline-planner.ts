import type { Cluster } from '@fixloop/contracts';
import { code, oneLine } from '../../text/untrusted.js';
import type { PlanContext, PlanDraft, Planner } from '../ports.js';
import { offlineHypotheses, offlineRisk, offlineSteps } from './plan-text.js';
import { collectEvidence, type ReportEvidence } from './report-evidence.js';
import { type RepositoryContext, readRepositoryContext } from './repository-context.js';

export interface OfflinePlannerOptions {
  /** Candidate files named at most (default 8). */
  maxCandidates?: number;
}

/** The reports' evidence and, when the repository could be read, what it says: both planners start here. */
export interface PlanAnalysis {
  evidence: ReportEvidence;
  repository: RepositoryContext | null;
}

export async function analyzePlanContext(context: PlanContext, maxCandidates = 8): Promise<PlanAnalysis> {
  const evidence = collectEvidence(context.reports);
  const repository = context.repository
    ? await readRepositoryContext(context.repository, context.cluster, evidence, maxCandidates)
    : null;
  return { evidence, repository };
}

function planTitle(cluster: Cluster, analysis: PlanAnalysis): string {
  const title = oneLine(cluster.title, 200);
  if (title) return title;
  const e = analysis.evidence.exceptions[0];
  return e
    ? oneLine(`${e.type} in ${analysis.evidence.frames[0]?.function ?? 'the app'}`, 200)
    : 'Fix the reported problem';
}

/**
 * The plan's own words, not the cluster summary: that one quotes reports, and the plan is read
 * outside the task file's fences. The cluster's title is quoted as data.
 */
function planSummary(cluster: Cluster, analysis: PlanAnalysis): string {
  const { evidence, repository } = analysis;
  const counts = Object.entries(cluster.countsBySource)
    .sort((a, b) => b[1] - a[1])
    .map(([source, n]) => `${n} ${oneLine(source, 40)}`)
    .join(', ');
  const terms = cluster.terms.slice(0, 6).map((t) => code(t, 60));
  const about = `${cluster.size} ${cluster.size === 1 ? 'report' : 'reports'}${counts ? ` (${counts})` : ''} about ${code(cluster.title || 'an unnamed problem', 200)}${terms.length > 0 ? `; distinctive terms: ${terms.join(', ')}` : ''}.`;
  const planned = `${evidence.total} ${evidence.total === 1 ? 'report' : 'reports'}`;
  if (!repository) {
    return `${about}

Planned offline from ${planned}. The repository could not be read, so this plan names no files: find them first.`;
  }
  const frames =
    repository.reportsWithMatchedFrames > 0
      ? `; the stack traces of ${repository.reportsWithMatchedFrames} resolve to repository files`
      : '';
  return `${about}

Planned offline from ${planned}${frames}, and the repository at commit ${repository.commit.slice(0, 12)} (${oneLine(repository.branch, 100)}).`;
}

/** The offline plan from an analysis (the LLM planner's fallback uses the same analysis). */
export function offlineDraft(cluster: Cluster, analysis: PlanAnalysis): PlanDraft {
  const { evidence, repository } = analysis;
  return {
    title: planTitle(cluster, analysis),
    summary: planSummary(cluster, analysis),
    hypotheses: offlineHypotheses(cluster, evidence, repository),
    candidateFiles: (repository?.candidates ?? []).map((c) => ({ path: c.path, reason: c.reason })),
    steps: offlineSteps(evidence, repository),
    validation: repository?.validation ?? [],
    risk: offlineRisk(cluster, evidence, repository),
    source: 'offline',
  };
}

/**
 * Plans without a language model: candidate files from stack frames (longest path-suffix match,
 * weighted by how many reports share them) and a search for the reports' identifiers and terms;
 * hypotheses from exceptions, frames and recurring phrases; templated steps; validation commands
 * detected from the repository. Without a repository the plan names no files and its risk is high.
 */
export function offlinePlanner(options: OfflinePlannerOptions = {}): Planner {
  const maxCandidates = options.maxCandidates ?? 8;
  return {
    id: 'offline',
    async plan(context) {
      return offlineDraft(context.cluster, await analyzePlanContext(context, maxCandidates));
    },
  };
}
