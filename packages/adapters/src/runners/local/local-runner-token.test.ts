import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentRunError } from '@fixloop/domain';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CREDENTIAL_HELPER } from '../../git/credential-helper.js';
import { type GitHttpServer, startGitHttpServer } from '../../git/testing/git-http-server.js';
import {
  createGitFixture,
  fixtureRequest,
  fixtureRunner,
  type GitFixture,
  requireBubblewrap,
} from './testing/git-fixture.js';

const TOKEN = 'ghs_repository_token_0123456789';

let fixture: GitFixture;

beforeAll(requireBubblewrap);
beforeEach(async () => {
  fixture = await createGitFixture();
});
afterEach(() => fixture.cleanup());

/** Every file under `dir` except git's compressed objects, as text. */
async function readTree(dir: string): Promise<Array<{ path: string; text: string }>> {
  const files: Array<{ path: string; text: string }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || path.includes('/.git/objects/')) continue;
    files.push({ path, text: await readFile(path, 'utf8') });
  }
  return files;
}

describe('LocalSandboxRunner repository token', () => {
  it('hands the token to git clone and push through the environment only, never argv, files or logs', async () => {
    const record = join(fixture.root, 'spawned.txt');
    const gitPath = await fixture.writeScript(
      'git-recorder.sh',
      `{ echo '=== git'; printf '%s\\n' "$@"; if [ -n "$FIXLOOP_GIT_TOKEN" ]; then echo '=== token-in-env'; fi; } >> ${record}\nexec git "$@"\n`,
    );
    const bwrapPath = await fixture.writeScript(
      'bwrap-recorder.sh',
      `{ echo '=== bwrap'; printf '%s\\n' "$@"; } >> ${record}\nexec /usr/bin/bwrap "$@"\n`,
    );
    const runner = fixtureRunner(fixture, {
      command: 'env > {workspace}/agent-env.txt; git config --list > {workspace}/agent-git-config.txt 2>&1',
      gitPath,
      bwrapPath,
      keepWorkspaces: true,
    });
    const { request, lines } = fixtureRequest(fixture, {
      repository: { owner: 'acme', name: 'app', url: fixture.originUrl, token: TOKEN },
      validation: ['true'],
    });

    await runner.run(request);

    const spawned = await readFile(record, 'utf8');
    expect(spawned).not.toContain(TOKEN);
    // The token is in the environment of exactly the commands that talk to the remote.
    const commands = spawned
      .split('=== ')
      .slice(1)
      .reduce<Array<{ program: string; args: string[]; withToken: boolean }>>((all, block) => {
        const [program = '', ...args] = block.trimEnd().split('\n');
        const last = all.at(-1);
        if (program === 'token-in-env' && last) last.withToken = true;
        else all.push({ program, args, withToken: false });
        return all;
      }, [])
      .map(({ program, args, withToken }) => ({
        program,
        withToken,
        verb: args.find((arg, i) => !arg.startsWith('-') && args[i - 1] !== '-c'),
        helper: args.includes(`credential.helper=${CREDENTIAL_HELPER}`),
      }));
    expect(commands.filter((c) => c.program === 'bwrap')).toHaveLength(2); // the agent and one validation
    for (const command of commands.filter((c) => c.program === 'git')) {
      const remote = command.verb === 'clone' || command.verb === 'push';
      expect({ verb: command.verb, withToken: command.withToken, helper: command.helper }).toEqual({
        verb: command.verb,
        withToken: remote,
        helper: remote,
      });
    }
    expect(commands.map((c) => c.verb)).toEqual(expect.arrayContaining(['clone', 'push']));

    for (const line of lines) expect(line.line).not.toContain(TOKEN);
    const [kept] = await fixture.jobDirs();
    const files = await readTree(join(fixture.workRoot, kept ?? 'missing'));
    expect(files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/workspace\/\.git\/config$/),
        expect.stringMatching(/agent-env\.txt$/),
      ]),
    );
    for (const file of files)
      expect({ path: file.path, leaked: file.text.includes(TOKEN) }).toEqual({
        path: file.path,
        leaked: false,
      });
    await rm(join(fixture.workRoot, kept ?? 'missing'), { recursive: true, force: true });
  });

  describe('against an HTTP remote that requires it', () => {
    let server: GitHttpServer;
    beforeEach(async () => {
      server = await startGitHttpServer(fixture.root, TOKEN);
    });
    afterEach(() => server.close());

    it('clones and pushes with the token as Basic credentials from the credential helper', async () => {
      const runner = fixtureRunner(fixture, { command: 'echo fixed >> {workspace}/README.md' });
      const { request, lines } = fixtureRequest(fixture, {
        repository: { owner: 'acme', name: 'app', url: `${server.url}/origin.git`, token: TOKEN },
      });
      const outcome = await runner.run(request);
      expect(fixture.branches()['fixloop/c1-job-1']).toBe(outcome.commitSha);
      expect(server.counts.authorized).toBeGreaterThanOrEqual(2);
      const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
      for (const line of lines) {
        expect(line.line).not.toContain(TOKEN);
        expect(line.line).not.toContain(basic);
      }
    });

    it('fails without prompting when the token is refused', async () => {
      const runner = fixtureRunner(fixture, { command: 'echo fixed >> {workspace}/README.md' });
      const { request, lines } = fixtureRequest(fixture, {
        repository: {
          owner: 'acme',
          name: 'app',
          url: `${server.url}/origin.git`,
          token: 'ghs_revoked_9876543210',
        },
      });
      await expect(runner.run(request)).rejects.toThrow(
        new AgentRunError('git clone failed (exit code 128)'),
      );
      expect(server.counts.authorized).toBe(0);
      expect(server.counts.rejected).toBeGreaterThan(0);
      for (const line of lines) expect(line.line).not.toContain('ghs_revoked_9876543210');
      expect(Object.keys(fixture.branches())).toEqual(['main']);
    });
  });
});
