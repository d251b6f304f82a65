import { sweepClustering } from '@fixloop/domain';
import type { Container } from '../container.js';

/**
 * Every two clustering lock lifetimes (a minute by default), asks for a run wherever reports wait
 * with no job to take them: ingest's requests die with an API process killed right after a write,
 * and this keeps such reports from waiting for the next ingest or worker start.
 */
export function startClusteringSweep(c: Container): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    c.projects
      .list()
      .then((projects) =>
        sweepClustering(
          c.clusteringDeps,
          projects.map((p) => p.id),
        ),
      )
      .then(
        (asked) => {
          if (asked > 0)
            c.log.info({ projects: asked }, 'clustering asked for where reports waited unattended');
        },
        (err: unknown) => c.log.warn({ err }, 'clustering sweep failed'),
      )
      .finally(() => {
        running = false;
      });
  }, 2 * c.config.clustering.lockTtlMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
