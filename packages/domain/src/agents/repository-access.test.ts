import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  assertCloneUrlAllowed,
  cloneUrlKind,
  githubWebUrlOf,
  repositoryAccess,
} from './repository-access.js';

describe('cloneUrlKind', () => {
  it('accepts remote git URLs, recognises local ones, refuses other transports', () => {
    expect(cloneUrlKind('https://github.com/acme/shop.git')).toBe('remote');
    expect(cloneUrlKind('ssh://git@ghe.example.com/acme/shop.git')).toBe('remote');
    expect(cloneUrlKind('git@github.com:acme/shop.git')).toBe('remote');
    expect(cloneUrlKind('file:///srv/repos/shop.git')).toBe('local');
    expect(cloneUrlKind('/srv/repos/shop.git')).toBe('local');
    expect(cloneUrlKind('../shop')).toBe('local');
    expect(cloneUrlKind('ext::sh -c touch% /tmp/pwned')).toBe('refused');
    expect(cloneUrlKind('fd::17')).toBe('refused');
    expect(cloneUrlKind('shop')).toBe('refused');
    expect(cloneUrlKind('https://github.com/acme/shop.git --upload-pack=x')).toBe('refused');
  });
});

describe('assertCloneUrlAllowed', () => {
  const repo = (cloneUrl?: string) => ({ owner: 'acme', name: 'shop', ...(cloneUrl ? { cloneUrl } : {}) });

  it('allows no override and remote URLs everywhere, local paths only when the operator allows them', () => {
    expect(() => assertCloneUrlAllowed(repo(), false)).not.toThrow();
    expect(() => assertCloneUrlAllowed(repo('https://git.example.com/shop.git'), false)).not.toThrow();
    expect(() => assertCloneUrlAllowed(repo('/srv/shop.git'), true)).not.toThrow();
    const refused = (() => {
      try {
        assertCloneUrlAllowed(repo('file:///etc'), false);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('validation_failed');
    expect((refused as DomainError).message).toContain('ALLOW_LOCAL_REPOSITORIES');
    expect(() => assertCloneUrlAllowed(repo('ext::sh'), true)).toThrow(/supported git URL|https/);
  });
});

describe('githubWebUrlOf', () => {
  it('maps the API base to the web host', () => {
    expect(githubWebUrlOf('https://api.github.com')).toBe('https://github.com');
    expect(githubWebUrlOf('https://ghe.example.com/api/v3')).toBe('https://ghe.example.com');
    expect(githubWebUrlOf('http://127.0.0.1:4010')).toBe('http://127.0.0.1:4010');
  });
});

describe('repositoryAccess', () => {
  const cipher = { encrypt: (s: string) => `sealed:${s}`, decrypt: (s: string) => s.replace(/^sealed:/, '') };
  const deps = (opts: { projectToken?: string; userToken?: string }) =>
    ({
      projects: {
        projects: {
          get: async (id: string) => ({
            id,
            name: 'Acme',
            createdAt: '',
            secretNames: [],
            repository: { owner: 'acme', name: 'shop' },
          }),
          getSecrets: async () => (opts.projectToken ? { githubToken: `sealed:${opts.projectToken}` } : {}),
        },
        cipher,
      },
      users: {
        get: async (id: string) =>
          id === 'u1'
            ? {
                id,
                email: 'a@example.com',
                name: 'A',
                createdAt: '',
                admin: false,
                ...(opts.userToken ? { githubToken: `sealed:${opts.userToken}` } : {}),
              }
            : null,
      },
      settings: { allowLocalRepositories: false, githubWebUrl: 'https://github.com', serverToken: 'server' },
    }) as unknown as Parameters<typeof repositoryAccess>[0];

  it("prefers the starting user's GitHub token, then the project's, then the server's", async () => {
    expect((await repositoryAccess(deps({ projectToken: 'p', userToken: 'u' }), 'acme', 'u1'))?.token).toBe(
      'u',
    );
    expect((await repositoryAccess(deps({ projectToken: 'p' }), 'acme', 'u1'))?.token).toBe('p');
    expect((await repositoryAccess(deps({ projectToken: 'p', userToken: 'u' }), 'acme'))?.token).toBe('p');
    expect((await repositoryAccess(deps({ userToken: 'u' }), 'acme', 'gone'))?.token).toBe('server');
  });
});
