import { usageMonth } from './plans.js';
import type { BillingDeps } from './ports.js';

/** Held reports moved per store call: bounded, so one call never blocks Redis for long. */
const RELEASE_BATCH = 500;

/**
 * Lets a project's held reports into clustering, oldest first, as far as this month's allowance of
 * its plan has room (after an upgrade, or in a new month), and asks for a clustering run.
 */
export async function releaseHeldFeedback(
  deps: Pick<BillingDeps, 'usage' | 'onReleased' | 'log' | 'now'>,
  projectId: string,
): Promise<number> {
  const month = usageMonth(deps.now());
  let total = 0;
  for (;;) {
    const { released, remaining } = await deps.usage.releaseHeld(projectId, month, RELEASE_BATCH);
    total += released;
    if (released < RELEASE_BATCH || remaining === 0) break;
  }
  if (total > 0) {
    deps.log.info({ projectId, released: total, month }, 'held feedback released');
    await deps.onReleased(projectId);
  }
  return total;
}

/** Runs `releaseHeldFeedback` for every project (the monthly roll-over job, and worker start). */
export async function releaseHeldEverywhere(deps: BillingDeps): Promise<number> {
  let total = 0;
  for (const project of await deps.projects.list()) {
    try {
      total += await releaseHeldFeedback(deps, project.id);
    } catch (err) {
      deps.log.warn({ projectId: project.id, err }, 'could not release held feedback');
    }
  }
  return total;
}
