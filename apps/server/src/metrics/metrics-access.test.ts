import { type ApiKeyRecord, hashApiKey } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import { metricsAccess } from './metrics-access.js';

const ADMIN = 'admin-key-0123456789abcdef';
const PROJECT = 'flk_project_key_0123456789';
const METRICS = 'metrics-token-0123456789';

/** Two keys by hash, as the store finds them. */
const apiKeys = {
  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const record = (admin: boolean): ApiKeyRecord => ({
      id: admin ? 'k-admin' : 'k-project',
      projectId: 'default',
      name: 'key',
      prefix: 'flk_',
      createdAt: '2026-01-01T00:00:00.000Z',
      admin,
      scopes: ['admin'],
    });
    if (hash === hashApiKey(ADMIN)) return record(true);
    if (hash === hashApiKey(PROJECT)) return record(false);
    return null;
  },
};

describe('metricsAccess', () => {
  it('lets the metrics token and the admin key in', async () => {
    const deps = { token: METRICS, apiKeys };
    expect(await metricsAccess(deps, `Bearer ${METRICS}`)).toBe('allowed');
    expect(await metricsAccess(deps, `bearer   ${ADMIN} `)).toBe('allowed');
  });

  it('answers 401 without a credential or with an unknown one, 403 for a project key', async () => {
    const deps = { token: METRICS, apiKeys };
    expect(await metricsAccess(deps, undefined)).toBe('unauthorized');
    expect(await metricsAccess(deps, `Basic ${METRICS}`)).toBe('unauthorized');
    expect(await metricsAccess(deps, ['Bearer a', 'Bearer b'])).toBe('unauthorized');
    expect(await metricsAccess(deps, `Bearer ${METRICS}x`)).toBe('unauthorized');
    expect(await metricsAccess(deps, `Bearer ${'x'.repeat(513)}`)).toBe('unauthorized');
    expect(await metricsAccess(deps, `Bearer ${PROJECT}`)).toBe('forbidden');
  });

  it('takes only the admin key when no metrics token is set', async () => {
    const deps = { token: undefined, apiKeys };
    expect(await metricsAccess(deps, `Bearer ${METRICS}`)).toBe('unauthorized');
    expect(await metricsAccess(deps, `Bearer ${ADMIN}`)).toBe('allowed');
  });
});
