import { assignIncremental } from '@fixloop/clustering';
import type { ClusteringEngine } from '@fixloop/domain';

/** Runs the pure core on the calling thread. */
export class InProcessEngine implements ClusteringEngine {
  async assign(input: Parameters<ClusteringEngine['assign']>[0]): ReturnType<ClusteringEngine['assign']> {
    const n = input.vectors.length;
    if (n === 0) return { targets: [], groups: 0 };
    const d = (input.vectors[0] as Float32Array).length;
    const data = new Float32Array(n * d);
    for (const [i, v] of input.vectors.entries()) data.set(v, i * d);
    const result = assignIncremental({
      clusters: input.clusters,
      vectors: { data, n, d },
      simThreshold: input.simThreshold,
      method: input.method,
    });
    return { targets: result.targets, groups: result.groups.length };
  }
}
