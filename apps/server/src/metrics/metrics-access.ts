import { timingSafeEqual } from 'node:crypto';
import { type ApiKeyStore, hashApiKey } from '@fixloop/domain';

/** Whether a scrape may read the metrics: no credential or an unknown one is 401, another known one 403. */
export type MetricsAccess = 'allowed' | 'unauthorized' | 'forbidden';

/** What a refused scrape is told. */
export const METRICS_REFUSAL = {
  unauthorized: 'send Authorization: Bearer <METRICS_TOKEN or the admin key>',
  forbidden: 'metrics need METRICS_TOKEN or the admin key, not a project key',
} as const;

export interface MetricsAccessDeps {
  /** `METRICS_TOKEN`; unset: only the admin key may scrape. */
  token: string | undefined;
  apiKeys: Pick<ApiKeyStore, 'findByHash'>;
}

/**
 * Who may read `/metrics`: a Bearer `METRICS_TOKEN` or the admin key. Metrics span every project,
 * so a project key (or a dashboard session, which is not looked at) is not enough.
 */
export async function metricsAccess(
  deps: MetricsAccessDeps,
  authorization: string | string[] | undefined,
): Promise<MetricsAccess> {
  const token =
    typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  if (token === undefined || token.length > 512) return 'unauthorized';
  // Compared as hashes: equal lengths for timingSafeEqual, and nothing learned from timing.
  const hash = hashApiKey(token);
  if (deps.token !== undefined && timingSafeEqual(Buffer.from(hash), Buffer.from(hashApiKey(deps.token))))
    return 'allowed';
  const key = await deps.apiKeys.findByHash(hash);
  if (!key) return 'unauthorized';
  return key.admin ? 'allowed' : 'forbidden';
}
