import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Logger, type RepositoryAccess, UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHttpServer } from '../git/testing/git-http-server.js';
import { git } from '../git/testing/seed-git.js';
import { GitRepositoryReader, type GitRepositoryReaderOptions } from './git-repository-reader.js';
import { loggingGit, makeRepo } from './test-repos.js';

const TOKEN = 'ghp_test_secret_token_0123456789';
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

function setup(options: Partial<GitRepositoryReaderOptions> = {}) {
  const repo = makeRepo({ 'README.md': '# shop\n', 'shop/cart.py': 'def total(items):\n    return 0\n' });
  cleanups.push(repo.remove);
  const cacheDir = join(repo.root, 'cache');
  const clock = { now: 1_000_000 };
  const git = loggingGit(repo.root);
  const reader = new GitRepositoryReader({
    cacheDir,
    git: git.bin,
    now: () => clock.now,
    maxAgeMs: 60_000,
    ...options,
  });
  const access: RepositoryAccess = { owner: 'acme', name: 'shop', url: repo.url };
  const cached = join(cacheDir, 'proj-1', 'acme__shop');
  const gitCalls = (verb: string) =>
    readFileSync(git.log, 'utf8')
      .split('\n')
      .filter((l) => new RegExp(`(^| )${verb} `).test(l)).length;
  return { repo, reader, access, cached, clock, gitCalls, gitLog: git.log };
}

function addMarker(dir: string) {
  writeFileSync(join(dir, '.git', 'marker'), 'still here');
}
const hasMarker = (dir: string) => existsSync(join(dir, '.git', 'marker'));

describe('GitRepositoryReader', () => {
  it('clones once into <cacheDir>/<project>/<owner>__<name> and reuses the clone while it is fresh', async () => {
    const { repo, reader, access, cached, clock, gitCalls } = setup();
    const first = await reader.snapshot('proj-1', access);
    expect(first.branch).toBe('main');
    expect(first.commit).toBe(git(repo.dir, 'rev-parse', 'HEAD'));
    expect(existsSync(join(cached, 'shop', 'cart.py'))).toBe(true);
    addMarker(cached);
    clock.now += 30_000;
    const second = await reader.snapshot('proj-1', access);
    expect(second.commit).toBe(first.commit);
    expect(hasMarker(cached)).toBe(true);
    expect(gitCalls('clone')).toBe(1);
    expect(gitCalls('fetch')).toBe(0);
  });

  it('fetches the new head when the clone is stale, and an older snapshot keeps its commit', async () => {
    const { repo, reader, access, cached, clock, gitCalls } = setup();
    const before = await reader.snapshot('proj-1', access);
    addMarker(cached);
    const next = repo.commit({ 'shop/cart.py': 'def total(items):\n    return sum(items)\n' });
    clock.now += 10_000;
    expect((await reader.snapshot('proj-1', access)).commit).toBe(before.commit);
    clock.now += 60_000;
    const after = await reader.snapshot('proj-1', access);
    expect(after.commit).toBe(next);
    expect(hasMarker(cached)).toBe(true);
    expect(gitCalls('clone')).toBe(1);
    expect(gitCalls('fetch')).toBe(1);
    expect(await after.read('shop/cart.py')).toContain('sum(items)');
    expect(await before.read('shop/cart.py')).toContain('return 0');
  });

  it('shares one clone between concurrent calls', async () => {
    const { reader, access, gitCalls } = setup();
    const [a, b, c] = await Promise.all([
      reader.snapshot('proj-1', access),
      reader.snapshot('proj-1', access),
      reader.snapshot('proj-1', access),
    ]);
    expect(new Set([a.commit, b.commit, c.commit]).size).toBe(1);
    expect(gitCalls('clone')).toBe(1);
  });

  it('removes a damaged cache and clones again', async () => {
    const { reader, access, cached, gitCalls } = setup();
    const first = await reader.snapshot('proj-1', access);
    addMarker(cached);
    writeFileSync(join(cached, '.git', 'HEAD'), 'garbage\n');
    const again = await reader.snapshot('proj-1', access);
    expect(again.commit).toBe(first.commit);
    expect(hasMarker(cached)).toBe(false);
    expect(gitCalls('clone')).toBe(2);
    expect(await again.read('README.md')).toBe('# shop\n');
  });

  it('clones again when the project points at another URL or branch', async () => {
    const { repo, reader, access, gitCalls } = setup();
    await reader.snapshot('proj-1', access);
    const other = makeRepo({ 'main.go': 'package main\n' });
    cleanups.push(other.remove);
    const moved = await reader.snapshot('proj-1', { ...access, url: other.url });
    expect(await moved.files()).toEqual(['main.go']);
    git(repo.dir, 'checkout', '--quiet', '-b', 'release');
    repo.commit({ 'RELEASE.md': 'r\n' });
    const release = await reader.snapshot('proj-1', { ...access, defaultBranch: 'release' });
    expect(release.branch).toBe('release');
    expect(await release.files()).toContain('RELEASE.md');
    expect(gitCalls('clone')).toBe(3);
  });

  it('turns a failed clone into a non-retryable UpstreamError without secrets', async () => {
    const { repo, reader } = setup();
    const missing = `file://${join(repo.root, 'nowhere')}`;
    const error = await reader
      .snapshot('proj-1', { owner: 'acme', name: 'gone', url: missing, token: TOKEN })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).service).toBe('git');
    expect((error as UpstreamError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/could not clone acme\/gone/);
    expect((error as Error).message).not.toContain(TOKEN);
    expect(existsSync(join(repo.root, 'cache', 'proj-1', 'acme__gone'))).toBe(false);
  });

  it('sends the token through the credential helper only: never in argv, URLs or errors', async () => {
    const { repo, reader, gitLog } = setup();
    const server = await startGitHttpServer(repo.root, TOKEN);
    cleanups.push(server.close);
    const access = { owner: 'acme', name: 'shop', url: `${server.url}/origin` };
    const snap = await reader.snapshot('proj-1', { ...access, token: TOKEN });
    expect(await snap.read('README.md')).toBe('# shop\n');
    expect(server.requests.some((r) => r.startsWith('POST /origin/git-upload-pack'))).toBe(true);
    const log = readFileSync(gitLog, 'utf8');
    expect(log).not.toContain(TOKEN);
    expect(log).toMatch(/clone .* \| token-env:yes/);
    expect(
      readFileSync(join(repo.root, 'cache', 'proj-1', 'acme__shop', '.git', 'config'), 'utf8'),
    ).not.toContain(TOKEN);

    const wrong = `${TOKEN}-wrong`;
    const error = await reader
      .snapshot('proj-2', {
        ...access,
        url: `${server.url.replace('//', '//user:hunter2@')}/origin`,
        token: wrong,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).not.toContain(wrong);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('keeps reading the cached commit when a refresh fails, and warns', async () => {
    const warnings: object[] = [];
    const log: Logger = { info() {}, debug() {}, error() {}, warn: (o) => warnings.push(o) };
    const { repo, reader, access, clock } = setup({ log });
    const first = await reader.snapshot('proj-1', access);
    rmSync(repo.dir, { recursive: true, force: true });
    clock.now += 120_000;
    const stale = await reader.snapshot('proj-1', access);
    expect(stale.commit).toBe(first.commit);
    expect(warnings).toHaveLength(1);
  });

  it("stops waiting when the caller's signal aborts, and the shared clone still completes", async () => {
    const { reader, access, gitCalls } = setup();
    const controller = new AbortController();
    const waiting = reader.snapshot('proj-1', access, controller.signal);
    controller.abort(new Error('plan timed out'));
    await expect(waiting).rejects.toThrow('plan timed out');
    const later = await reader.snapshot('proj-1', access);
    expect(later.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(gitCalls('clone')).toBe(1);
  });

  it('refuses names that are not usable as directories', async () => {
    const { reader, access } = setup();
    await expect(reader.snapshot('../etc', access)).rejects.toThrow(/projectId/);
    await expect(reader.snapshot('p', { ...access, owner: '..' })).rejects.toThrow(/owner/);
    await expect(reader.snapshot('p', { ...access, defaultBranch: '--upload-pack=x' })).rejects.toThrow(
      /defaultBranch/,
    );
  });
});
