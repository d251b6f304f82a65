import {
  ClusteringBusyError,
  moveIntoCluster,
  patchCluster,
  requestClustering,
  resummarizeCluster,
  runClusteringJob,
  splitCluster,
} from '@fixloop/domain';
import { keys } from '@fixloop/store';
import { afterEach, describe, expect, it } from 'vitest';
import { checkInvariants, createHarness, type Harness } from '../support/clustering-harness.js';

const harnesses: Harness[] = [];
function harness(overrides: Parameters<typeof createHarness>[0] = {}): Harness {
  const h = createHarness(overrides);
  harnesses.push(h);
  return h;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

/** Requests a run and runs it (what the BullMQ worker does), answering the finished job. */
async function runOnce(h: Harness, kind: 'incremental' | 'recluster' = 'incremental') {
  const job = await requestClustering(h.deps, h.projectId, { kind, delayMs: 0 });
  return runClusteringJob(h.deps, h.projectId, job.id);
}

describe('the clustering runner', () => {
  it('clusters unclustered reports, empties the queue and records the job', async () => {
    const h = harness();
    for (let i = 0; i < 6; i++) await h.add(`alpha crash ${i}`);
    for (let i = 0; i < 4; i++) await h.add(`beta export bug ${i}`);
    await h.add('gamma lonely report');
    const job = await runOnce(h);
    expect(job).toMatchObject({ status: 'succeeded', kind: 'incremental' });
    expect(job?.startedAt).toBeDefined();
    expect(job?.finishedAt).toBeDefined();
    expect(job?.stats).toMatchObject({ clustered: 11, newClusters: 3, singletons: 1, embeddingFailures: 0 });
    expect(await h.redis.scard(keys.feedbackUnclustered(h.projectId))).toBe(0);
    const { clustered, clusters } = await checkInvariants(h);
    expect(clustered).toBe(11);
    expect(clusters).toBe(3);
    const sizes = [...(await h.memberships()).values()].map((m) => m.length).sort();
    expect(sizes).toEqual([1, 4, 6]);
  });

  it('keeps cluster ids stable: later reports join the cluster they match, a singleton grows into a cluster', async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) await h.add(`alpha crash ${i}`);
    const lone = await h.add('delta report');
    await runOnce(h);
    const before = await h.memberships();
    const alphaId = [...before.entries()].find(([, m]) => m.length === 3)?.[0];
    const deltaId = [...before.entries()].find(([, m]) => m.includes(lone.id))?.[0];
    await h.add('alpha crash again');
    await h.add('delta report too');
    await runOnce(h);
    const after = await h.memberships();
    expect(after.get(alphaId as string)).toHaveLength(4);
    expect(after.get(deltaId as string)).toHaveLength(2);
    expect(after.size).toBe(2);
    await checkInvariants(h);
  });

  it('takes the per-project lock: a second runner is refused while one holds it', async () => {
    const h = harness();
    await h.add('alpha one');
    const job = await requestClustering(h.deps, h.projectId, { delayMs: 0 });
    expect(await h.deps.jobs.acquireLock(h.projectId, 'someone-else', 5_000)).toBe(true);
    await expect(runClusteringJob(h.deps, h.projectId, job.id)).rejects.toBeInstanceOf(ClusteringBusyError);
    expect((await h.deps.jobs.get(h.projectId, job.id))?.status).toBe('pending');
    await h.deps.jobs.releaseLock(h.projectId, 'not-the-owner');
    expect(await h.deps.jobs.isLocked(h.projectId)).toBe(true);
    await h.deps.jobs.releaseLock(h.projectId, 'someone-else');
    expect((await runClusteringJob(h.deps, h.projectId, job.id))?.status).toBe('succeeded');
    expect(await h.deps.jobs.isLocked(h.projectId)).toBe(false);
  });

  it('never has two jobs at once: a second request answers the pending one', async () => {
    const h = harness();
    await h.add('alpha one');
    const a = await requestClustering(h.deps, h.projectId, { delayMs: 0 });
    const b = await requestClustering(h.deps, h.projectId, { delayMs: 0 });
    expect(b.id).toBe(a.id);
    expect(h.scheduler.calls).toHaveLength(1);
  });

  it('gives reports that arrive during a run a follow-up run', async () => {
    const h = harness({ batchSize: 2 });
    for (let i = 0; i < 4; i++) await h.add(`alpha ${i}`);
    h.representation.beforeVectorize = async (call) => {
      if (call === 1) {
        await h.add('beta arrived mid-run');
        // An ingest during the run asks for clustering: the running job gets a follow-up.
        await requestClustering(h.deps, h.projectId);
      }
    };
    const first = await runOnce(h);
    expect(first?.status).toBe('succeeded');
    const queued = h.scheduler.calls.at(-1);
    expect(queued?.jobId).not.toBe(first?.id);
    const next = await runClusteringJob(h.deps, h.projectId, queued?.jobId as string);
    expect(next?.status).toBe('succeeded');
    expect(await h.redis.scard(keys.feedbackUnclustered(h.projectId))).toBe(0);
    expect((await checkInvariants(h)).clustered).toBe(5);
  });

  it('fails a running job whose lock expired (its worker died) and runs its reports again', async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) await h.add(`alpha ${i}`);
    const job = await requestClustering(h.deps, h.projectId, { delayMs: 0 });
    // A worker took it and died: running, heartbeat long ago, lock expired (never taken here).
    await h.deps.jobs.update(h.projectId, job.id, {
      status: 'running',
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      heartbeatAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const replacement = await requestClustering(h.deps, h.projectId, { delayMs: 0 });
    expect(replacement.id).not.toBe(job.id);
    expect(await h.deps.jobs.get(h.projectId, job.id)).toMatchObject({ status: 'failed' });
    expect((await h.deps.jobs.get(h.projectId, job.id))?.error).toContain('lock expired');
    expect((await runClusteringJob(h.deps, h.projectId, replacement.id))?.status).toBe('succeeded');
    expect((await checkInvariants(h)).clustered).toBe(3);
  });

  it('leaves a running job alone while its lock is held, and takes it over once the lock expires', async () => {
    const h = harness({ lockTtlMs: 300 });
    await h.add('alpha one');
    const job = await requestClustering(h.deps, h.projectId, { delayMs: 0 });
    await h.deps.jobs.update(h.projectId, job.id, { status: 'running', startedAt: new Date().toISOString() });
    expect(await h.deps.jobs.acquireLock(h.projectId, 'live-worker', 300)).toBe(true);
    // Redelivered to another worker while the first still holds the lock: busy, retried later.
    await expect(runClusteringJob(h.deps, h.projectId, job.id)).rejects.toBeInstanceOf(ClusteringBusyError);
    expect((await requestClustering(h.deps, h.projectId)).id).toBe(job.id);
    await new Promise((r) => setTimeout(r, 400));
    // The lock expired: the redelivered job fails over to a fresh one.
    await runClusteringJob(h.deps, h.projectId, job.id);
    expect((await h.deps.jobs.get(h.projectId, job.id))?.status).toBe('failed');
    const next = h.scheduler.calls.at(-1)?.jobId as string;
    expect(next).not.toBe(job.id);
    expect((await runClusteringJob(h.deps, h.projectId, next))?.status).toBe('succeeded');
  });

  it('loses no report and puts none in two clusters when a run dies half way', async () => {
    const h = harness({ batchSize: 3 });
    for (let i = 0; i < 9; i++) await h.add(`${['alpha', 'beta', 'gamma'][i % 3]} report ${i}`);
    h.representation.beforeVectorize = async (call) => {
      if (call === 2) throw new Error('worker died');
    };
    const failed = await runOnce(h);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('worker died');
    expect(await h.redis.scard(keys.feedbackUnclustered(h.projectId))).toBe(6);
    expect((await checkInvariants(h)).clustered).toBe(3);
    h.representation.beforeVectorize = undefined;
    const queued = h.scheduler.calls.at(-1);
    expect((await runClusteringJob(h.deps, h.projectId, queued?.jobId as string))?.status).toBe('succeeded');
    const { clustered, clusters } = await checkInvariants(h);
    expect(clustered).toBe(9);
    expect(clusters).toBe(3);
  });

  it('writes a round in small atomic steps: each new cluster is made once, every report lands in one', async () => {
    const h = harness({ writeChunk: 2 });
    for (let i = 0; i < 6; i++) await h.add(`alpha crash ${i}`);
    for (let i = 0; i < 4; i++) await h.add(`beta export bug ${i}`);
    await h.add('gamma lonely report');
    const job = await runOnce(h);
    expect(job?.stats).toMatchObject({ clustered: 11, newClusters: 3, singletons: 1 });
    expect(await h.redis.scard(keys.feedbackUnclustered(h.projectId))).toBe(0);
    expect(await checkInvariants(h)).toEqual({ clustered: 11, clusters: 3 });
    const before = await h.memberships();
    const again = await runOnce(h, 'recluster');
    expect(again?.stats).toMatchObject({ clustered: 11, newClusters: 0, updatedClusters: 3 });
    expect(await h.memberships()).toEqual(before);
    await checkInvariants(h);
  });

  it('leaves the reports of the steps not yet written waiting when a run dies between two steps', async () => {
    const h = harness({ writeChunk: 3 });
    for (let i = 0; i < 9; i++) await h.add(`${['alpha', 'beta', 'gamma'][i % 3]} report ${i}`);
    const clusters = h.deps.clusters;
    const moveItems = clusters.moveItems.bind(clusters);
    let steps = 0;
    clusters.moveItems = async (...args) => {
      if (++steps === 2) throw new Error('worker died');
      return moveItems(...args);
    };
    const failed = await runOnce(h);
    expect(failed?.status).toBe('failed');
    expect(await h.redis.scard(keys.feedbackUnclustered(h.projectId))).toBe(6);
    expect((await checkInvariants(h)).clustered).toBe(3);
    clusters.moveItems = moveItems;
    const queued = h.scheduler.calls.at(-1);
    expect((await runClusteringJob(h.deps, h.projectId, queued?.jobId as string))?.status).toBe('succeeded');
    expect(await checkInvariants(h)).toEqual({ clustered: 9, clusters: 3 });
  });

  it('respects what humans decided when it runs again: split groups stay apart, moved reports stay put', async () => {
    const h = harness();
    const alphas = [];
    for (let i = 0; i < 6; i++) alphas.push(await h.add(`alpha crash ${i}`));
    await h.add('beta one');
    await h.add('beta two');
    await runOnce(h);
    const alphaId = [...(await h.memberships()).entries()].find(([, m]) => m.length === 6)?.[0] as string;
    // A human decides three of the "alpha" reports are another problem.
    const split = await splitCluster(
      h.deps,
      h.projectId,
      alphaId,
      alphas.slice(0, 3).map((a) => a.id),
      'key:test',
    );
    const betas = [...(await h.memberships()).entries()].find(([id, m]) => m.length === 2 && id !== split.id);
    // And that one "beta" report belongs with the alpha crash after all.
    const betaOne = betas?.[1][0] as string;
    await moveIntoCluster(h.deps, h.projectId, alphaId, [betaOne], 'key:test');

    // New similar reports and a full recluster must not undo the split.
    await h.add('alpha crash new');
    await runOnce(h);
    await runOnce(h, 'recluster');
    const final = await h.memberships();
    const home = (id: string) => [...final.entries()].find(([, m]) => m.includes(id))?.[0];
    const splitHome = home(alphas[0]?.id as string);
    expect(home(alphas[1]?.id as string)).toBe(splitHome);
    expect(home(alphas[3]?.id as string)).toBe(alphaId);
    expect(home(alphas[4]?.id as string)).toBe(alphaId);
    expect(splitHome).not.toBe(alphaId);
    expect(home(betaOne)).toBe(alphaId);
    expect(await h.redis.sismember(keys.clusterApart(h.projectId, alphaId), split.id)).toBe(1);
    await checkInvariants(h);
  });

  it('refreshes digests as clusters grow, keeps a human title, and regenerates on request', async () => {
    const h = harness();
    for (let i = 0; i < 4; i++) await h.add(`alpha crash ${i}`);
    await runOnce(h);
    const id = [...(await h.memberships()).keys()][0] as string;
    const auto = await h.deps.clusters.get(h.projectId, id);
    expect(auto).toMatchObject({
      title: 'alpha crash 0',
      summary: '4 reports',
      titleSource: 'auto',
      summarizedAtSize: 4,
    });
    await patchCluster(h.deps, h.projectId, id, { title: 'Crash on start' }, 'key:test');
    // Growing by a quarter triggers a refresh: the summary follows, the human title stays.
    await h.add('alpha crash 4');
    await runOnce(h);
    expect(await h.deps.clusters.get(h.projectId, id)).toMatchObject({
      title: 'Crash on start',
      titleSource: 'human',
      summary: '5 reports',
      summarizedAtSize: 5,
    });
    expect(
      (await resummarizeCluster(h.deps, h.projectId, id, { replaceHumanEdits: false }, 'key:test')).title,
    ).toBe('Crash on start');
    const handedBack = await resummarizeCluster(
      h.deps,
      h.projectId,
      id,
      { replaceHumanEdits: true },
      'key:test',
    );
    expect(handedBack).toMatchObject({ title: 'alpha crash 0', titleSource: 'auto' });
    const history = await h.deps.clusters.history(h.projectId, id);
    expect(history.map((e) => e.action)).toEqual(['summary', 'rename']);
  });
});
