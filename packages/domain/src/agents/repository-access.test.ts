import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import { isPrivateAddress } from './private-addresses.js';
import {
  assertCloneHostPublic,
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
  const strict = { allowLocal: false, allowPrivate: false };
  const local = { allowLocal: true, allowPrivate: false };

  it('allows no override and remote URLs everywhere, local paths only when the operator allows them', () => {
    expect(() => assertCloneUrlAllowed(repo(), strict)).not.toThrow();
    expect(() => assertCloneUrlAllowed(repo('https://git.example.com/shop.git'), strict)).not.toThrow();
    expect(() => assertCloneUrlAllowed(repo('/srv/shop.git'), local)).not.toThrow();
    const refused = (() => {
      try {
        assertCloneUrlAllowed(repo('file:///etc'), strict);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe('validation_failed');
    expect((refused as DomainError).message).toContain('ALLOW_LOCAL_REPOSITORIES');
    expect(() => assertCloneUrlAllowed(repo('ext::sh'), local)).toThrow(/supported git URL|https/);
  });
});

describe('private hosts in a cloneUrl', () => {
  const repo = (cloneUrl: string) => ({ owner: 'acme', name: 'shop', cloneUrl });
  const strict = { allowLocal: false, allowPrivate: false };
  const open = { allowLocal: false, allowPrivate: true };
  const refusedWith = (url: string): string | null => {
    try {
      assertCloneUrlAllowed(repo(url), strict);
      return null;
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).code).toBe('validation_failed');
      return (e as DomainError).message;
    }
  };

  it('refuses loopback, link-local (cloud metadata) and private addresses in every spelling git accepts', () => {
    for (const url of [
      'http://127.0.0.1:8080/acme/shop.git',
      'https://localhost/acme/shop.git',
      'https://git.localhost/acme/shop.git',
      'http://169.254.169.254/latest/meta-data',
      'https://10.1.2.3/shop.git',
      'https://172.20.0.5/shop.git',
      'https://192.168.1.10/shop.git',
      'http://0x7f.1/shop.git',
      'http://2130706433/shop.git',
      'http://0177.0.0.1/shop.git',
      'http://[::1]:3000/shop.git',
      'http://[::ffff:127.0.0.1]/shop.git',
      'http://[fd00::1]/shop.git',
      'http://[fe80::1]/shop.git',
      'ssh://git@127.0.0.1/acme/shop.git',
      'git://10.0.0.1/shop.git',
      'git@192.168.0.2:acme/shop.git',
      'git@localhost:acme/shop.git',
      'https://user:pass@127.0.0.1/shop.git',
    ]) {
      expect(refusedWith(url), url).toMatch(/ALLOW_PRIVATE_URLS/);
    }
  });

  it('accepts public hosts, and private ones when the operator allows them', () => {
    for (const url of [
      'https://github.com/acme/shop.git',
      'https://140.82.112.3/acme/shop.git',
      'git@github.com:acme/shop.git',
      'ssh://git@ghe.example.com:2222/acme/shop.git',
      'http://[2606:4700::1111]/shop.git',
    ]) {
      expect(refusedWith(url), url).toBeNull();
    }
    expect(() => assertCloneUrlAllowed(repo('http://127.0.0.1:8080/shop.git'), open)).not.toThrow();
  });

  it('before a clone, refuses a name that resolves to a private address, and one that does not resolve', async () => {
    const dns: Record<string, string[]> = {
      'git.example.com': ['140.82.112.3'],
      'sneaky.example.com': ['140.82.112.3', '169.254.169.254'],
      'v6.example.com': ['::1'],
    };
    const resolve = async (host: string) => {
      const found = dns[host];
      if (!found) throw new Error('ENOTFOUND');
      return found;
    };
    await expect(
      assertCloneHostPublic('https://git.example.com/s.git', strict, resolve),
    ).resolves.toBeUndefined();
    await expect(assertCloneHostPublic('https://sneaky.example.com/s.git', strict, resolve)).rejects.toThrow(
      /169\.254\.169\.254.*ALLOW_PRIVATE_URLS/,
    );
    await expect(assertCloneHostPublic('git@v6.example.com:a/s.git', strict, resolve)).rejects.toThrow(
      /ALLOW_PRIVATE_URLS/,
    );
    await expect(assertCloneHostPublic('https://gone.example.com/s.git', strict, resolve)).rejects.toThrow(
      /could not be resolved/,
    );
    // Allowed, or not a host at all: no lookup.
    await expect(
      assertCloneHostPublic('https://sneaky.example.com/s.git', open, resolve),
    ).resolves.toBeUndefined();
    await expect(assertCloneHostPublic('/srv/shop.git', strict, resolve)).resolves.toBeUndefined();
  });
});

describe('isPrivateAddress', () => {
  it('knows the ranges, and the IPv4 an IPv6 address carries', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '100.64.0.1',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd12::1',
      'fe80::1%eth0',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      '2002:c0a8:0101::1',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of [
      '8.8.8.8',
      '172.32.0.1',
      '100.128.0.1',
      '140.82.112.3',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      'github.com',
    ]) {
      expect(isPrivateAddress(ip), ip).toBe(false);
    }
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
      settings: {
        allowLocalRepositories: false,
        allowPrivateUrls: false,
        githubWebUrl: 'https://github.com',
        serverToken: 'server',
      },
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
