import { type AutomationLevel, AutomationLevel as Level } from '@fixloop/contracts';
import type { AutomationStore } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/** How far automation may go, one string per project. */
export class RedisAutomationStore implements AutomationStore {
  constructor(private readonly redis: Redis) {}

  async get(projectId: string): Promise<AutomationLevel | null> {
    const parsed = Level.safeParse(await this.redis.get(keys.automation(projectId)));
    return parsed.success ? parsed.data : null;
  }

  async set(projectId: string, level: AutomationLevel): Promise<void> {
    await this.redis.set(keys.automation(projectId), level);
  }
}
