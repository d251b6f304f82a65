import { userInfo } from 'node:os';
import { AgentRunError, UpstreamError } from '@fixloop/domain';
import { afterEach, describe, expect, it } from 'vitest';
import { git } from '../../git/testing/seed-git.js';
import { E2bRunner, type E2bRunnerOptions } from './e2b-runner.js';
import { type E2bStandIn, type StandInOptions, startE2bStandIn } from './stand-in/e2b-stand-in.js';
import { type AgentName, makeRequest, makeWorld } from './stand-in/run-fixtures.js';

const KEY = 'e2b_0123456789abcdef0123456789abcdef';
const TOKEN = 'ghp_secret_token_0123456789';
// The stand-in runs everything as us; the users are only recorded, so they need distinct names.
const AGENT_USER = userInfo().username;
const ADMIN_USER = 'runner-admin';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

async function setup(
  { agent = 'edit', ...options }: Partial<E2bRunnerOptions> & { agent?: AgentName } = {},
  standIn: Partial<StandInOptions> = {},
) {
  const world = makeWorld();
  cleanups.push(world.remove);
  const e2b = await startE2bStandIn({ apiKey: KEY, home: world.home, ...standIn });
  cleanups.push(e2b.close);
  const runner = new E2bRunner({
    apiKey: KEY,
    template: 'kilocode-test',
    command: world.agent(agent),
    agentEnv: { AGENT_KEY: 'agent-only' },
    agentUser: AGENT_USER,
    adminUser: ADMIN_USER,
    workspace: world.workspace,
    stateDir: world.stateDir,
    apiUrl: e2b.apiUrl,
    sandboxUrl: e2b.sandboxUrl,
    requestTimeoutMs: 5_000,
    ...options,
  });
  return { world, e2b, runner };
}

async function agentError(promise: Promise<unknown>): Promise<AgentRunError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AgentRunError);
  return e as AgentRunError;
}

/** The sandbox was killed, and with it every process it ran. */
async function expectCleanedUp(e2b: E2bStandIn) {
  expect(e2b.kills).toHaveLength(1);
  await expect.poll(() => e2b.liveProcesses()).toBe(0);
}

describe('E2bRunner against the E2B stand-in, real git and a bare origin', () => {
  it('clones, runs the agent, validates, commits the agent’s work and pushes the branch', async () => {
    const { world, e2b, runner } = await setup();
    const request = makeRequest(world.origin, {
      validation: ['test -f NOTES.md', 'echo junk > JUNK.md; exit 4'],
    });
    const outcome = await runner.run(request);

    expect(outcome).toMatchObject({
      branch: 'fixloop/c1-job-1',
      baseBranch: 'main',
      stats: { filesChanged: 2, insertions: 2, deletions: 0 },
      validation: {
        passed: false,
        commands: [
          { command: 'test -f NOTES.md', exitCode: 0, timedOut: false },
          { command: 'echo junk > JUNK.md; exit 4', exitCode: 4, timedOut: false },
        ],
      },
    });
    // The pushed commit is the agent's work on top of main; what validation wrote is not in it.
    expect(git(world.origin, 'rev-parse', 'refs/heads/fixloop/c1-job-1')).toBe(outcome.commitSha);
    expect(git(world.origin, 'rev-parse', `${outcome.commitSha}^`)).toBe(
      git(world.origin, 'rev-parse', 'main'),
    );
    expect(git(world.origin, 'show', '--name-only', '--format=%an <%ae>%n%B', outcome.commitSha)).toBe(
      'Fixloop <fixloop@users.noreply.invalid>\nFix: the crash\n\nPlanned by Fixloop.\n\n\nNOTES.md\nREADME.md',
    );

    const logged = request.lines.map((l) => `${l.step}/${l.stream}: ${l.line}`);
    expect(logged).toContain('agent/stdout: task: Fix the crash on save');
    expect(logged).toContain('agent/stdout: token: absent, key: agent-only');
    expect(logged).toContain('agent/stderr: a warning');
    expect(logged).toContain('validate/info: failed (exit 4)');
    expect(logged.at(-1)).toMatch(/^sandbox\/info: sandbox sbx\w+ killed$/);
    await expectCleanedUp(e2b);
  });

  it('gives the token only to the git commands that talk to the remote, and never in a command line or log', async () => {
    const { world, e2b, runner } = await setup();
    const request = makeRequest(world.origin);
    await runner.run(request);

    const withToken = e2b.commands.filter((c) => Object.values(c.envs).includes(TOKEN));
    expect(withToken.map((c) => c.line.match(/ (clone|push) /)?.[1])).toEqual(['clone', 'push']);
    for (const c of e2b.commands) expect(c.argv.join(' ')).not.toContain(TOKEN);
    expect(JSON.stringify(request.lines)).not.toContain(TOKEN);
    expect(e2b.creates[0]?.body.envVars).toBeUndefined();

    const agent = e2b.commands.find((c) => c.line.includes('edit.sh'));
    expect(agent).toMatchObject({
      user: AGENT_USER,
      cwd: world.workspace,
      envs: { AGENT_KEY: 'agent-only' },
    });
    expect(Object.keys(agent?.envs ?? {})).toEqual(['AGENT_KEY']);
    expect(agent?.line).toContain(`${world.stateDir}/task.md ${world.workspace}`);
    for (const c of e2b.commands.filter((c) => /^git --git-dir|^git -c/.test(c.line))) {
      expect(c.line).toContain('core.hooksPath=/dev/null');
      expect(c.user).toBe(ADMIN_USER);
    }
    expect(e2b.files).toEqual([
      expect.objectContaining({ path: `${world.stateDir}/task.md`, user: ADMIN_USER, text: request.task }),
    ]);
    expect(e2b.creates[0]?.headers['x-api-key']).toBe(KEY);
    expect(e2b.creates[0]?.body).toMatchObject({
      templateID: 'kilocode-test',
      timeout: 50 * 60,
      metadata: { fixloopProject: 'proj-1', fixloopJob: 'job-1' },
    });
  });

  it('starts from the named default branch', async () => {
    const { world, runner } = await setup();
    const request = makeRequest(world.origin);
    request.repository.defaultBranch = 'develop';
    const outcome = await runner.run(request);
    expect(outcome.baseBranch).toBe('develop');
    expect(git(world.origin, 'rev-parse', `${outcome.commitSha}^`)).toBe(
      git(world.origin, 'rev-parse', 'develop'),
    );
  });

  it('kills a validation command that runs too long, records it and goes on', async () => {
    const { world, e2b, runner } = await setup({ validationTimeoutMs: 300 });
    const outcome = await runner.run(makeRequest(world.origin, { validation: ['sleep 30', 'true'] }));
    expect(outcome.validation).toEqual({
      passed: false,
      commands: [
        { command: 'sleep 30', exitCode: null, timedOut: true },
        { command: 'true', exitCode: 0, timedOut: false },
      ],
    });
    const validations = e2b.commands.filter((c) => c.line === 'sleep 30' || c.line === 'true');
    for (const c of validations)
      expect(c).toMatchObject({ user: AGENT_USER, cwd: world.workspace, envs: {} });
    expect(git(world.origin, 'rev-parse', 'refs/heads/fixloop/c1-job-1')).toBe(outcome.commitSha);
    await expectCleanedUp(e2b);
  });

  it('fails when the agent fails, and leaves the origin alone', async () => {
    const { world, e2b, runner } = await setup({ agent: 'fail' });
    const request = makeRequest(world.origin);
    expect((await agentError(runner.run(request))).message).toBe('the agent exited with code 3');
    expect(request.lines).toContainEqual({ step: 'agent', stream: 'stderr', line: 'cannot do it' });
    expect(git(world.origin, 'branch', '--list')).not.toContain('fixloop/');
    await expectCleanedUp(e2b);
  });

  it('fails when the agent made no changes', async () => {
    const { world, e2b, runner } = await setup({ agent: 'idle' });
    expect((await agentError(runner.run(makeRequest(world.origin)))).message).toBe('agent made no changes');
    await expectCleanedUp(e2b);
  });

  it('kills an agent that runs past its timeout', async () => {
    const { world, e2b, runner } = await setup({ agent: 'hang', agentTimeoutMs: 400 });
    const started = Date.now();
    expect((await agentError(runner.run(makeRequest(world.origin)))).message).toBe(
      'the agent did not finish within 0.4 s',
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    await expectCleanedUp(e2b);
  });

  it('on cancel kills the sandbox, then throws "cancelled"', async () => {
    const { world, e2b, runner } = await setup({ agent: 'hang' });
    const controller = new AbortController();
    const request = makeRequest(world.origin, { signal: controller.signal });
    const log = request.log;
    request.log = (step, stream, line) => {
      log(step, stream, line);
      if (line === 'started') controller.abort();
    };
    const e = await agentError(runner.run(request));
    expect(e.message).toBe('cancelled');
    await expectCleanedUp(e2b);

    const before = e2b.creates.length;
    const aborted = makeRequest(world.origin, { signal: AbortSignal.abort() });
    expect((await agentError(runner.run(aborted))).message).toBe('cancelled');
    expect(e2b.creates).toHaveLength(before);
  });

  it('reports a clone that fails, and caps what one command may log', async () => {
    const { world, e2b, runner } = await setup({ agent: 'chatty', outputCapBytes: 500 });
    const missing = makeRequest(`${world.origin}-missing`);
    expect((await agentError(runner.run(missing))).message).toBe('git clone failed (exit 128)');
    expect(missing.lines.some((l) => l.step === 'clone' && l.stream === 'stderr')).toBe(true);
    await expectCleanedUp(e2b);

    const chatty = makeRequest(world.origin);
    await runner.run(chatty);
    const agentLines = chatty.lines.filter((l) => l.step === 'agent' && l.stream === 'stdout');
    expect(agentLines.length).toBeLessThan(30);
    expect(chatty.lines).toContainEqual({
      step: 'agent',
      stream: 'info',
      line: 'output beyond 500 bytes is not logged',
    });
  });

  it('refuses to start without a key or a template', () => {
    expect(() => new E2bRunner({ apiKey: '', template: 't' })).toThrow('E2B_API_KEY');
    expect(() => new E2bRunner({ apiKey: KEY, template: '' })).toThrow('KILOCODE_TEMPLATE_NAME');
    expect(new E2bRunner({ apiKey: KEY, template: 't' }).name).toBe('e2b');
  });

  it('lets E2B errors through as UpstreamErrors, with no sandbox to kill', async () => {
    const { world, e2b, runner } = await setup({ apiKey: 'e2b_wrong_key_0000' });
    const e = await runner.run(makeRequest(world.origin)).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UpstreamError);
    expect(e).toMatchObject({ retryable: false, status: 401 });
    expect(e2b.kills).toEqual([]);
  });
});
