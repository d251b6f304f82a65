import type { Cluster, ClusterDetail, ClusterMember } from '@fixloop/contracts';

export function makeCluster(overrides: Partial<Cluster> & { id: string }): Cluster {
  return {
    projectId: 'acme',
    title: `Cluster ${overrides.id}`,
    summary: 'A summary.',
    status: 'new',
    size: 3,
    countsBySource: { github: 2, reddit: 1 },
    reporters: 3,
    firstSeenAt: '2026-01-01T00:00:00.000Z',
    lastSeenAt: '2026-01-20T00:00:00.000Z',
    cohesion: 0.9,
    terms: ['checkout', 'safari'],
    titleSource: 'auto',
    summarySource: 'offline',
    trend: Array<number>(30).fill(0),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-20T00:00:00.000Z',
    ...overrides,
  };
}

export function makeMember(overrides: Partial<ClusterMember> & { id: string }): ClusterMember {
  return {
    projectId: 'acme',
    source: 'github',
    title: `Report ${overrides.id}`,
    body: 'Clicking Pay does nothing.',
    createdAt: '2026-01-10T00:00:00.000Z',
    ingestedAt: '2026-01-10T00:00:00.000Z',
    status: 'open',
    metadata: {},
    similarity: 0.9,
    sharedTerms: ['checkout'],
    pinned: false,
    ...overrides,
  };
}

export function makeDetail(overrides: Partial<ClusterDetail> & { id: string }): ClusterDetail {
  return { ...makeCluster(overrides), items: [], ...overrides };
}
