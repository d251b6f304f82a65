import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { AgentRunError } from '@fixloop/domain';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../git/testing/seed-git.js';
import {
  createGitFixture,
  fixtureRequest,
  fixtureRunner,
  type GitFixture,
  requireBubblewrap,
} from './testing/git-fixture.js';

const SECRETS = {
  GITHUB_TOKEN: 'ghp_server_token_must_not_leak',
  FIXLOOP_GIT_TOKEN: 'fixloop_git_token_must_not_leak',
  FIXLOOP_TEST_FAKE_SECRET: 'fake_secret_must_not_leak',
};
const ALLOWED = { FIXLOOP_TEST_ALLOWED: 'allowed-value' };
const FILE_SECRET = 'server_secret_file_must_not_leak';

/**
 * Looks for secrets and tries writes outside the workspace; reports into the workspace.
 * $1 task file, $2 workspace, $3 the test process's pid, $4 the secret file, $5 the script dir.
 */
const PROBE = `
ws="$2"; out="$ws/report.txt"
{
  echo "== env"; env
  echo "== pid1"; tr '\\0' '\\n' < /proc/1/environ 2>&1
  echo "== server"; tr '\\0' '\\n' < /proc/$3/environ 2>&1
  echo "== all"; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < "$f" 2>/dev/null; done
  echo "== file"; cat "$4" 2>&1
  echo "== work root"; ls -a "$(dirname "$(dirname "$ws")")" 2>&1
  echo "== other job"; cat "$(dirname "$(dirname "$ws")")/fixloop-job-other/workspace/secret.txt" 2>&1
} > "$out"
try() { if sh -c "$2" 2>/dev/null; then echo "WROTE $1"; else echo "DENIED $1"; fi; }
{
  try usr 'echo x > /usr/fixloop-pwned'
  try etc 'echo x > /etc/fixloop-pwned'
  try script-dir "echo x > $5/pwned"
  try secret-dir "echo x > $(dirname "$4")/pwned"
  try task "echo x >> $1"
  try hook "echo 'touch /tmp/hooked' > $ws/.git/hooks/post-commit && chmod +x $ws/.git/hooks/post-commit"
  try git-config "printf '[core]\\\\n\\\\thooksPath = /tmp\\\\n' >> $ws/.git/config"
  try remount "mount -o remount,rw /usr"
} >> "$out"
`;

let fixture: GitFixture;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await requireBubblewrap();
  for (const [name, value] of Object.entries({ ...SECRETS, ...ALLOWED })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
beforeEach(async () => {
  fixture = await createGitFixture();
});
afterEach(() => fixture.cleanup());

describe('LocalSandboxRunner isolation', () => {
  it('shows the agent no server secrets and lets it write only the workspace', async () => {
    const secretFile = join(fixture.secrets, 'server.key');
    await writeFile(secretFile, FILE_SECRET);
    await mkdir(join(fixture.workRoot, 'fixloop-job-other', 'workspace'), { recursive: true });
    await writeFile(
      join(fixture.workRoot, 'fixloop-job-other', 'workspace', 'secret.txt'),
      'other-job-secret',
    );
    const script = await fixture.writeScript('probe.sh', PROBE);
    const runner = fixtureRunner(fixture, {
      command: `sh ${script} {task_file} {workspace} ${process.pid} ${secretFile} ${fixture.bin}`,
      envAllowlist: ['FIXLOOP_TEST_ALLOWED'],
    });
    const { request } = fixtureRequest(fixture, {
      repository: {
        owner: 'acme',
        name: 'app',
        url: fixture.originUrl,
        token: 'ghs_repository_token_must_not_leak',
      },
    });

    await runner.run(request);

    const report = fixture.show('fixloop/c1-job-1', 'report.txt');
    for (const secret of [...Object.values(SECRETS), FILE_SECRET, 'ghs_repository_token_must_not_leak']) {
      expect(report).not.toContain(secret);
    }
    expect(report).not.toContain('other-job-secret');
    expect(report).toContain('FIXLOOP_TEST_ALLOWED=allowed-value');
    const section = (name: string) => report.split(`== ${name}\n`)[1]?.split('\n== ')[0]?.trim();
    expect(section('file')).toContain('No such file or directory');
    expect(section('work root')?.split('\n').sort()).toEqual([
      '.',
      '..',
      expect.stringMatching(/^fixloop-job-/),
    ]);
    for (const attempt of ['usr', 'etc', 'script-dir', 'task', 'hook', 'git-config', 'remount']) {
      expect(report).toContain(`DENIED ${attempt}`);
    }
    // Whatever the sandbox let it write, nothing reached the host.
    expect(existsSync('/usr/fixloop-pwned')).toBe(false);
    expect(existsSync(join(fixture.bin, 'pwned'))).toBe(false);
    expect(existsSync(join(fixture.secrets, 'pwned'))).toBe(false);
    expect(await readFile(secretFile, 'utf8')).toBe(FILE_SECRET);
    expect(git(fixture.origin, 'diff', '--name-only', 'main', 'fixloop/c1-job-1')).toBe('report.txt');
  });

  describe('network', () => {
    let server: Server;
    let connections = 0;
    let port = 0;
    beforeEach(async () => {
      connections = 0;
      server = createServer((socket) => {
        connections += 1;
        socket.end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const connect = () =>
      fixture.writeScript(
        'connect.mjs',
        `import net from 'node:net';
import fs from 'node:fs';
const [port, out] = process.argv.slice(2);
const done = (result) => { fs.writeFileSync(out, result + '\\n'); process.exit(0); };
const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
socket.setTimeout(1000, () => done('timeout'));
socket.on('connect', () => { socket.end(); done('connected'); });
socket.on('error', (e) => done('failed ' + e.code));
`,
      );

    it('is cut off by default: the agent cannot reach a server on the host loopback', async () => {
      const script = await connect();
      const runner = fixtureRunner(fixture, { command: `node ${script} ${port} {workspace}/net.txt` });
      await runner.run(fixtureRequest(fixture).request);
      expect(fixture.show('fixloop/c1-job-1', 'net.txt')).toMatch(/^failed /);
      expect(connections).toBe(0);
    });

    it('is shared when network is on', async () => {
      const script = await connect();
      const runner = fixtureRunner(fixture, {
        command: `node ${script} ${port} {workspace}/net.txt`,
        network: true,
      });
      await runner.run(fixtureRequest(fixture).request);
      expect(fixture.show('fixloop/c1-job-1', 'net.txt')).toBe('connected');
      expect(connections).toBe(1);
    });
  });

  describe('without bubblewrap', () => {
    it('refuses before doing anything unless running unsandboxed is allowed', async () => {
      const runner = fixtureRunner(fixture, {
        command: 'touch {workspace}/x',
        bwrapPath: '/nonexistent/bwrap',
      });
      const { request, lines } = fixtureRequest(fixture);
      const error = await runner.run(request).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentRunError);
      expect((error as Error).message).toBe(
        'bubblewrap (bwrap) was not found at /nonexistent/bwrap: install it (apt-get install bubblewrap), ' +
          'or set CODING_AGENT_UNSANDBOXED=allow to run the agent without a sandbox',
      );
      expect(lines).toEqual([]);
      expect(await fixture.jobDirs()).toEqual([]);
    });

    it('runs directly when allowed, still with only the allowlisted environment', async () => {
      const runner = fixtureRunner(fixture, {
        command: 'env > {workspace}/env.txt',
        bwrapPath: '/nonexistent/bwrap',
        sandbox: 'unsandboxed-allowed',
        envAllowlist: ['FIXLOOP_TEST_ALLOWED'],
      });
      const { request, lines } = fixtureRequest(fixture);
      await runner.run(request);
      expect(lines).toContainEqual({
        step: 'agent',
        stream: 'info',
        line: 'WARNING: bubblewrap not found; running the agent WITHOUT a sandbox (CODING_AGENT_UNSANDBOXED=allow)',
      });
      const env = fixture.show('fixloop/c1-job-1', 'env.txt');
      const names = env.split('\n').map((line) => line.split('=')[0]);
      expect(names).toContain('FIXLOOP_TEST_ALLOWED');
      // dash adds PWD; nothing else beyond what the runner built.
      expect(new Set(names)).toEqual(new Set(['PATH', 'HOME', 'LANG', 'FIXLOOP_TEST_ALLOWED', 'PWD']));
      for (const secret of Object.values(SECRETS)) expect(env).not.toContain(secret);
    });
  });
});
