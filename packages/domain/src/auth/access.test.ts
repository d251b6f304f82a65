import type { Role } from '@fixloop/contracts';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors.js';
import {
  type Access,
  type AccessPrincipal,
  authorize,
  mayAccess,
  roleAllows,
  scopesAllow,
} from './access.js';

const ALL: Access[] = ['read', 'write', 'ingest', 'manage'];

function allowed(check: (a: Access) => boolean): Access[] {
  return ALL.filter(check);
}

describe('roles', () => {
  it('viewers read; members read, write and ingest; owners also manage', () => {
    expect(allowed((a) => roleAllows('viewer', a))).toEqual(['read']);
    expect(allowed((a) => roleAllows('member', a))).toEqual(['read', 'write', 'ingest']);
    expect(allowed((a) => roleAllows('owner', a))).toEqual(ALL);
  });
});

describe('scopes', () => {
  it('ingest adds reports, read reads, admin does everything; scopes add up', () => {
    expect(allowed((a) => scopesAllow(['ingest'], a))).toEqual(['ingest']);
    expect(allowed((a) => scopesAllow(['read'], a))).toEqual(['read']);
    expect(allowed((a) => scopesAllow(['read', 'ingest'], a))).toEqual(['read', 'ingest']);
    expect(allowed((a) => scopesAllow(['admin'], a))).toEqual(ALL);
    expect(allowed((a) => scopesAllow([], a))).toEqual([]);
  });
});

describe('authorize', () => {
  const roles = new Map<string, Role>([['p1:u-viewer', 'viewer']]);
  const deps = {
    members: { roleOf: async (pid: string, uid: string) => roles.get(`${pid}:${uid}`) ?? null },
  };
  const refusal = async (principal: AccessPrincipal, projectId: string, access: Access) => {
    try {
      await authorize(deps, principal, projectId, access);
      return null;
    } catch (e) {
      return e as DomainError;
    }
  };

  it('lets the admin key and instance admins in everywhere', async () => {
    expect(await refusal({ kind: 'admin' }, 'p9', 'manage')).toBeNull();
    expect(await refusal({ kind: 'user', userId: 'root', admin: true }, 'p9', 'manage')).toBeNull();
  });

  it('keeps a key to its own project and scopes, with a message that says why', async () => {
    const key: AccessPrincipal = { kind: 'key', projectId: 'p1', keyId: 'k', scopes: ['read'] };
    expect(await refusal(key, 'p1', 'read')).toBeNull();
    const other = await refusal(key, 'p2', 'read');
    expect(other).toBeInstanceOf(DomainError);
    expect(other?.code).toBe('forbidden');
    expect(other?.message).toBe('this key has no access to project p2');
    const write = await refusal(key, 'p1', 'write');
    expect(write?.message).toBe("this key's scopes (read) do not allow it to change data");
  });

  it('judges users by their role in that project', async () => {
    const viewer: AccessPrincipal = { kind: 'user', userId: 'u-viewer', admin: false };
    expect(await refusal(viewer, 'p1', 'read')).toBeNull();
    expect((await refusal(viewer, 'p1', 'ingest'))?.details).toEqual({ role: 'viewer', needs: 'ingest' });
    expect((await refusal(viewer, 'p2', 'read'))?.message).toBe('you have no access to project p2');
    expect(await mayAccess(deps, viewer, 'p1', 'read')).toBe(true);
    expect(await mayAccess(deps, viewer, 'p1', 'write')).toBe(false);
  });
});
