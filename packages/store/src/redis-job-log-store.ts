import type { JobLogLine, LogStream } from '@fixloop/contracts';
import type { JobLogStore, NewLogLine } from '@fixloop/domain';
import type { Redis } from 'ioredis';
import { keys } from './keys.js';

/** The longest line kept; longer lines are cut and marked. */
export const LOG_LINE_MAX = 8_000;

const STREAMS: readonly LogStream[] = ['stdout', 'stderr', 'info'];

/**
 * A job's log as a Redis Stream, capped at about `maxLines` entries (`MAXLEN ~`): entry ids order
 * the lines and carry their time, and the stream outlives the process that wrote it.
 */
export class RedisJobLogStore implements JobLogStore {
  constructor(
    private readonly redis: Redis,
    private readonly maxLines = 20_000,
  ) {}

  async append(projectId: string, jobId: string, lines: NewLogLine[]): Promise<void> {
    if (lines.length === 0) return;
    const key = keys.agentJobLog(projectId, jobId);
    const p = this.redis.pipeline();
    for (const l of lines) {
      const line = l.line.length > LOG_LINE_MAX ? `${l.line.slice(0, LOG_LINE_MAX)} [cut]` : l.line;
      p.xadd(
        key,
        'MAXLEN',
        '~',
        String(this.maxLines),
        '*',
        'step',
        l.step,
        'stream',
        l.stream,
        'line',
        line,
      );
    }
    await p.exec();
  }

  async read(
    projectId: string,
    jobId: string,
    after: string | undefined,
    limit: number,
  ): Promise<JobLogLine[]> {
    const entries = await this.redis.xrange(
      keys.agentJobLog(projectId, jobId),
      after === undefined ? '-' : `(${after}`,
      '+',
      'COUNT',
      limit,
    );
    return entries.map(([id, flat]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i] as string] = flat[i + 1] as string;
      const stream = STREAMS.find((s) => s === f.stream) ?? 'info';
      return {
        id,
        at: new Date(Number(id.split('-')[0])).toISOString(),
        step: f.step ?? '',
        stream,
        line: f.line ?? '',
      };
    });
  }

  async delete(projectId: string, jobId: string): Promise<void> {
    await this.redis.del(keys.agentJobLog(projectId, jobId));
  }
}
