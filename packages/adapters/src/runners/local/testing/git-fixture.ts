import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentJob, CodingPlan } from '@fixloop/contracts';
import type { NewLogLine, RunRequest } from '@fixloop/domain';
import { git } from '../../../git/testing/seed-git.js';
import { LocalSandboxRunner } from '../local-runner.js';
import type { LocalRunnerOptions } from '../options.js';

/** Fails (never skips) when bubblewrap is missing: it is a prerequisite of CI. */
export async function requireBubblewrap(): Promise<void> {
  const found = await access('/usr/bin/bwrap', constants.X_OK).then(
    () => true,
    () => false,
  );
  if (!found)
    throw new Error('bubblewrap is required for these tests: install it (apt-get install bubblewrap)');
}

export interface GitFixture {
  root: string;
  /** The bare repository standing in for GitHub, with one commit on `main`. */
  origin: string;
  originUrl: string;
  mainSha: string;
  /** Agent scripts live here; bound read-only into the sandbox. */
  bin: string;
  workRoot: string;
  /** A directory outside any workspace, never bound into the sandbox. */
  secrets: string;
  writeScript(name: string, body: string): Promise<string>;
  /** Branch heads in the bare repository. */
  branches(): Record<string, string>;
  /** A file's content on a branch of the bare repository. */
  show(branch: string, path: string): string;
  jobDirs(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** A temp directory with a bare `origin.git` (one commit on `main`), a script dir and a work root. */
export async function createGitFixture(): Promise<GitFixture> {
  const root = await mkdtemp(join(tmpdir(), 'fixloop-local-run-'));
  const origin = join(root, 'origin.git');
  const seed = join(root, 'seed');
  const bin = join(root, 'bin');
  const workRoot = join(root, 'work');
  const secrets = join(root, 'secrets');
  for (const dir of [seed, bin, workRoot, secrets]) await mkdir(dir);
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  git(seed, 'init', '--quiet', '--initial-branch=main');
  await writeFile(join(seed, 'README.md'), '# app\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', origin, 'main');
  return {
    root,
    origin,
    originUrl: `file://${origin}`,
    mainSha: git(origin, 'rev-parse', 'main'),
    bin,
    workRoot,
    secrets,
    async writeScript(name, body) {
      const path = join(bin, name);
      await writeFile(path, body);
      await chmod(path, 0o755);
      return path;
    },
    branches() {
      const out = git(origin, 'for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads');
      return Object.fromEntries(out.split('\n').map((line) => line.split(' ') as [string, string]));
    },
    show: (branch, path) => git(origin, 'show', `${branch}:${path}`),
    jobDirs: () => readdir(workRoot).catch(() => []),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** A runner for the fixture: scripts bound read-only, short timeouts, the test process's env. */
export function fixtureRunner(
  fixture: GitFixture,
  options: Partial<LocalRunnerOptions> & { command: string },
) {
  return new LocalSandboxRunner({
    environment: process.env,
    workRoot: fixture.workRoot,
    readOnlyBinds: [fixture.bin],
    timeoutMs: 5_000,
    killGraceMs: 200,
    ...options,
  });
}

const NOW = '2026-01-31T12:00:00.000Z';

/** A run request for the fixture's origin with a log that keeps every line. */
export function fixtureRequest(
  fixture: GitFixture,
  overrides: Partial<Omit<RunRequest, 'log'>> & { validation?: string[] } = {},
): { request: RunRequest; lines: NewLogLine[] } {
  const lines: NewLogLine[] = [];
  const job: AgentJob = {
    id: 'job-1',
    projectId: 'p1',
    clusterId: 'c1',
    planId: 'plan-1',
    runner: 'local',
    status: 'running',
    stats: {},
    createdAt: NOW,
  };
  const plan: CodingPlan = {
    id: 'plan-1',
    clusterId: 'c1',
    title: 'Fix the greeting',
    summary: 'The greeting is wrong.',
    hypotheses: [],
    candidateFiles: [],
    steps: [],
    validation: overrides.validation ?? [],
    risk: 'low',
    citations: [],
    source: 'offline',
    createdAt: NOW,
    updatedAt: NOW,
  };
  const { validation: _, ...rest } = overrides;
  const request: RunRequest = {
    job,
    plan,
    task: 'Fix the greeting\n\nSay hello properly.\n',
    repository: { owner: 'acme', name: 'app', url: fixture.originUrl },
    branch: 'fixloop/c1-job-1',
    commitMessage: 'Fix: the greeting\n\nPlanned by Fixloop from 2 reports.',
    log: (step, stream, line) => lines.push({ step, stream, line }),
    signal: new AbortController().signal,
    ...rest,
  };
  return { request, lines };
}
