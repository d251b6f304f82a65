import { AgentRunError } from '@fixloop/domain';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../git/testing/seed-git.js';
import {
  createGitFixture,
  fixtureRequest,
  fixtureRunner,
  type GitFixture,
  requireBubblewrap,
} from './testing/git-fixture.js';
import { uniqueSleep, waitUntilGone } from './testing/processes.js';

let fixture: GitFixture;

beforeAll(requireBubblewrap);
beforeEach(async () => {
  fixture = await createGitFixture();
});
afterEach(() => fixture.cleanup());

const APPEND = [
  'set -e',
  'head -n 1 "$1" >> "$2/README.md"',
  'echo "appended to README.md"',
  'echo "a warning" >&2',
].join('\n');

describe('LocalSandboxRunner', () => {
  it('clones, runs the agent in the sandbox, commits, validates and pushes one commit', async () => {
    const script = await fixture.writeScript('append.sh', APPEND);
    const runner = fixtureRunner(fixture, { command: `sh ${script} {task_file} {workspace}` });
    const { request, lines } = fixtureRequest(fixture, {
      validation: ['grep -q "Fix the greeting" README.md', 'echo "2 tests failed"; exit 4'],
    });

    const outcome = await runner.run(request);

    const head = fixture.branches()['fixloop/c1-job-1'];
    expect(outcome).toMatchObject({
      branch: 'fixloop/c1-job-1',
      baseBranch: 'main',
      commitSha: head,
      stats: { filesChanged: 1, insertions: 1, deletions: 0, validationPassed: false },
      validation: {
        passed: false,
        commands: [
          { command: 'grep -q "Fix the greeting" README.md', exitCode: 0, timedOut: false },
          { command: 'echo "2 tests failed"; exit 4', exitCode: 4, timedOut: false },
        ],
      },
    });
    expect(outcome.stats.durationMs).toBeGreaterThan(0);
    // Exactly one commit on top of main, holding exactly the agent's change.
    expect(git(fixture.origin, 'rev-parse', `${head}^`)).toBe(fixture.mainSha);
    expect(git(fixture.origin, 'diff', '--name-only', 'main', 'fixloop/c1-job-1')).toBe('README.md');
    expect(fixture.show('fixloop/c1-job-1', 'README.md')).toBe('# app\nFix the greeting');
    expect(git(fixture.origin, 'log', '-1', '--format=%an <%ae>|%cn|%B', 'fixloop/c1-job-1')).toBe(
      'Fixloop <fixloop@users.noreply.github.com>|Fixloop|Fix: the greeting\n\nPlanned by Fixloop from 2 reports.',
    );
    expect(fixture.branches().main).toBe(fixture.mainSha);

    // Steps in order, the agent's streams split into lines, validation output logged.
    const steps = [...new Set(lines.map((l) => l.step))];
    expect(steps).toEqual(['clone', 'agent', 'commit', 'validate', 'push']);
    expect(lines).toContainEqual({ step: 'agent', stream: 'stdout', line: 'appended to README.md' });
    expect(lines).toContainEqual({ step: 'agent', stream: 'stderr', line: 'a warning' });
    expect(lines).toContainEqual({ step: 'commit', stream: 'stdout', line: ' M README.md' });
    expect(lines).toContainEqual({ step: 'validate', stream: 'stdout', line: '2 tests failed' });
    expect(lines).toContainEqual({ step: 'validate', stream: 'info', line: 'exit code 4' });
    expect(await fixture.jobDirs()).toEqual([]);
  });

  it('fails with the exit code when the agent fails, and pushes nothing', async () => {
    const runner = fixtureRunner(fixture, { command: 'echo "cannot do it" >&2; exit 3' });
    const { request, lines } = fixtureRequest(fixture);
    const error = await runner.run(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentRunError);
    expect((error as Error).message).toBe('agent exited with code 3');
    expect(lines).toContainEqual({ step: 'agent', stream: 'stderr', line: 'cannot do it' });
    expect(Object.keys(fixture.branches())).toEqual(['main']);
    expect(await fixture.jobDirs()).toEqual([]);
  });

  it('kills a hanging agent at the timeout and leaves no process behind', async () => {
    const sleep = uniqueSleep();
    const runner = fixtureRunner(fixture, {
      command: `sleep ${sleep} & echo started; sleep ${sleep}`,
      timeoutMs: 700,
    });
    const { request } = fixtureRequest(fixture);
    const started = Date.now();
    await expect(runner.run(request)).rejects.toThrow(new AgentRunError('agent timed out after 0.7 s'));
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(await waitUntilGone(sleep)).toEqual([]);
    expect(Object.keys(fixture.branches())).toEqual(['main']);
    expect(await fixture.jobDirs()).toEqual([]);
  });

  it('fails when the agent changed nothing', async () => {
    const runner = fixtureRunner(fixture, { command: 'echo "looked around"' });
    const { request } = fixtureRequest(fixture, { validation: ['true'] });
    await expect(runner.run(request)).rejects.toThrow(new AgentRunError('agent made no changes'));
    expect(Object.keys(fixture.branches())).toEqual(['main']);
  });

  it('stops the agent when the run is cancelled', async () => {
    const sleep = uniqueSleep();
    const runner = fixtureRunner(fixture, { command: `echo ready; sleep ${sleep}` });
    const controller = new AbortController();
    const { request } = fixtureRequest(fixture, { signal: controller.signal });
    request.log = (step, _stream, line) => {
      if (step === 'agent' && line === 'ready') controller.abort();
    };
    await expect(runner.run(request)).rejects.toThrow(new AgentRunError('cancelled'));
    expect(await waitUntilGone(sleep)).toEqual([]);
    expect(Object.keys(fixture.branches())).toEqual(['main']);
    expect(await fixture.jobDirs()).toEqual([]);
  });

  it('clones the given default branch and keeps the job directory when asked', async () => {
    const runner = fixtureRunner(fixture, { command: 'echo x > {workspace}/new.txt', keepWorkspaces: true });
    const { request, lines } = fixtureRequest(fixture, {
      repository: { owner: 'acme', name: 'app', url: fixture.originUrl, defaultBranch: 'main' },
    });
    const outcome = await runner.run(request);
    expect(outcome.baseBranch).toBe('main');
    expect(outcome.validation).toEqual({ passed: true, commands: [] });
    const kept = await fixture.jobDirs();
    expect(kept).toHaveLength(1);
    expect(lines.at(-1)?.line).toContain(`keeping the job directory ${fixture.workRoot}/${kept[0]}`);
  });

  it('refuses a branch name git could read as an option', async () => {
    const runner = fixtureRunner(fixture, { command: 'true' });
    const { request, lines } = fixtureRequest(fixture, { branch: '--force' });
    await expect(runner.run(request)).rejects.toThrow('"--force" is not a valid branch name');
    expect(lines).toEqual([]);
  });
});
