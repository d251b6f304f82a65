import type { Cluster, ClusterDetail, CodingPlan, CodingPlanUpdate, FeedbackItem } from '@fixloop/contracts';
import { getClusterDetail } from '../clustering/queries.js';
import { patchCluster, requireCluster } from '../clustering/triage.js';
import { notFound } from '../errors.js';
import type { AgentDeps } from './deps.js';
import { citationsFor } from './planning/index.js';
import type { RepositorySnapshot } from './ports.js';
import { repositoryAccess } from './repository-access.js';

/** The cluster's plan; a 404 before the first one. */
export async function getPlan(deps: AgentDeps, projectId: string, clusterId: string): Promise<CodingPlan> {
  const plan = await deps.plans.get(projectId, clusterId);
  if (!plan) {
    await requireCluster(deps.clustering, projectId, clusterId); // 404 for an unknown cluster first
    throw notFound('coding plan of cluster', clusterId);
  }
  return plan;
}

/** The cluster's reports as the plan and the agent see them: the detail's members without scores. */
function reportsOf(detail: ClusterDetail): FeedbackItem[] {
  return detail.items.map(({ similarity: _s, sharedTerms: _t, pinned: _p, ...item }) => item);
}

/** A snapshot of the project's repository, or undefined (with a warning) when it cannot be read in time. */
async function readRepository(deps: AgentDeps, projectId: string): Promise<RepositorySnapshot | undefined> {
  if (!deps.reader) return undefined;
  const access = await repositoryAccess(deps, projectId);
  if (!access) return undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.settings.planRepositoryTimeoutMs);
  timer.unref?.();
  try {
    return await deps.reader.snapshot(projectId, access, controller.signal);
  } catch (e) {
    deps.log.warn(
      { projectId, repository: `${access.owner}/${access.name}`, err: (e as Error).message },
      'planning without the repository: it could not be read',
    );
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** A new plan for a cluster, not saved yet, and the cluster's status when it was drafted. */
export interface UnsavedPlan {
  plan: CodingPlan;
  clusterStatus: Cluster['status'];
}

/** Drafts a new plan for the cluster from its reports and the repository; writes nothing. */
export async function draftPlan(deps: AgentDeps, projectId: string, clusterId: string): Promise<UnsavedPlan> {
  const detail = await getClusterDetail(deps.clustering, projectId, clusterId);
  const reports = reportsOf(detail);
  const repository = await readRepository(deps, projectId);
  const draft = await deps.planner.plan({ cluster: detail, reports, repository });
  const now = deps.now().toISOString();
  const plan: CodingPlan = {
    id: deps.newId(),
    clusterId,
    ...draft,
    citations: citationsFor(reports),
    createdAt: now,
    updatedAt: now,
  };
  if (repository) plan.repositoryCommit = repository.commit;
  return { plan, clusterStatus: detail.status };
}

/** Saves a drafted plan (replacing any earlier one); a new or triaged cluster becomes `planned`. */
export async function saveDraftedPlan(
  deps: AgentDeps,
  projectId: string,
  { plan, clusterStatus }: UnsavedPlan,
  actor: string,
): Promise<CodingPlan> {
  await deps.plans.put(projectId, plan);
  if (clusterStatus === 'new' || clusterStatus === 'triaged') {
    await patchCluster(deps.clustering, projectId, plan.clusterId, { status: 'planned' }, actor);
  }
  return plan;
}

/**
 * Writes a new plan for the cluster from its reports and the repository (replacing any earlier
 * one, a human edit included: regenerating is a human's request). A new or triaged cluster
 * becomes `planned`.
 */
export async function generatePlan(
  deps: AgentDeps,
  projectId: string,
  clusterId: string,
  actor: string,
): Promise<CodingPlan> {
  return saveDraftedPlan(deps, projectId, await draftPlan(deps, projectId, clusterId), actor);
}

/** The cluster's plan: the saved one, or a new draft (`draft`) that the caller saves once it commits. */
export async function planOrDraft(
  deps: AgentDeps,
  projectId: string,
  clusterId: string,
): Promise<{ plan: CodingPlan; draft?: UnsavedPlan }> {
  const saved = await deps.plans.get(projectId, clusterId);
  if (saved) return { plan: saved };
  const draft = await draftPlan(deps, projectId, clusterId);
  return { plan: draft.plan, draft };
}

/** Saves a human's edit of the plan (kept until a human regenerates it). */
export async function savePlan(
  deps: AgentDeps,
  projectId: string,
  clusterId: string,
  update: CodingPlanUpdate,
): Promise<CodingPlan> {
  await requireCluster(deps.clustering, projectId, clusterId);
  const before = await deps.plans.get(projectId, clusterId);
  // Only a first plan needs the reports read: an edit keeps the citations it had.
  const citations =
    before?.citations ??
    citationsFor(reportsOf(await getClusterDetail(deps.clustering, projectId, clusterId)));
  const now = deps.now().toISOString();
  const plan: CodingPlan = {
    id: before?.id ?? deps.newId(),
    clusterId,
    ...update,
    citations,
    source: 'edited',
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  };
  if (before?.repositoryCommit) plan.repositoryCommit = before.repositoryCommit;
  await deps.plans.put(projectId, plan);
  return plan;
}

export { reportsOf };
