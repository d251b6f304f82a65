import { CodingPlan } from '@fixloop/contracts';
import type { CodingPlanStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/** One coding plan per cluster, as JSON beside the cluster's other keys. */
export class RedisCodingPlanStore implements CodingPlanStore {
  constructor(private readonly redis: Redis) {}

  async get(projectId: string, clusterId: string): Promise<CodingPlan | null> {
    const raw = await this.redis.get(keys.codingPlan(projectId, clusterId));
    if (raw === null) return null;
    try {
      const parsed = CodingPlan.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async put(projectId: string, plan: CodingPlan): Promise<void> {
    await this.redis.set(keys.codingPlan(projectId, plan.clusterId), JSON.stringify(plan));
  }
}
