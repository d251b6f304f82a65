import type { UsageStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';
import { USAGE_TTL_SECONDS } from './redis-feedback-store.js';
import { defineScripts, limitSpec, type ScriptCommands } from './scripts.js';

/** Monthly counters and the held reports, with the same plan allowance the feedback store enforces. */
export class RedisUsageStore implements UsageStore {
  private readonly redis: Redis & ScriptCommands;
  private readonly limits: string;

  constructor(redis: Redis, allowance: Readonly<Record<string, number | null>> = {}) {
    this.redis = defineScripts(redis);
    this.limits = limitSpec(allowance);
  }

  async monthly(projectId: string, month: string) {
    const [feedback, agentRuns, held] = (await this.redis
      .pipeline()
      .get(keys.feedbackUsage(projectId, month))
      .get(keys.agentRunsUsage(projectId, month))
      .zcard(keys.feedbackHeld(projectId))
      .exec()) ?? [
      [null, null],
      [null, null],
      [null, 0],
    ];
    return {
      feedback: Number(feedback?.[1] ?? 0),
      agentRuns: Number(agentRuns?.[1] ?? 0),
      held: Number(held?.[1] ?? 0),
    };
  }

  async releaseHeld(projectId: string, month: string, max: number) {
    const [released, remaining] = await this.redis.fixloopReleaseHeld(
      keys.feedbackHeld(projectId),
      keys.feedbackUnclustered(projectId),
      keys.feedbackUsage(projectId, month),
      keys.billing(projectId),
      keys.feedbackPrefix(projectId),
      this.limits,
      String(max),
      String(USAGE_TTL_SECONDS),
    );
    return { released: Number(released), remaining: Number(remaining) };
  }
}
