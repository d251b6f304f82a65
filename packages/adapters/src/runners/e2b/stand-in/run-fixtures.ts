import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogStream } from '@fixloop/contracts';
import type { RunRequest } from '@fixloop/domain';
import { git } from '../../../git/testing/seed-git.js';

/** Agents as shell scripts: `$1` is the task file, `$2` the workspace. */
export const AGENTS = {
  edit: [
    'echo "task: $(head -n 1 "$1")"',
    'echo "token: $(printenv FIXLOOP_GIT_TOKEN || echo absent), key: $(printenv AGENT_KEY || echo absent)"',
    'echo "a warning" >&2',
    'printf "fixed\\n" >> "$2/README.md"',
    'printf "new file\\n" > "$2/NOTES.md"',
  ].join('\n'),
  fail: 'echo "cannot do it" >&2\nexit 3',
  hang: 'echo started\nsleep 30',
  idle: 'echo "nothing to change"',
  chatty: 'for i in $(seq 1 200); do echo "line $i of a long story"; done\necho change >> "$2/README.md"',
} as const;
export type AgentName = keyof typeof AGENTS;

/** A temp directory with a bare `origin.git` (branches `main` and `develop`) and the agent scripts. */
export function makeWorld() {
  const root = mkdtempSync(join(tmpdir(), 'fixloop-e2b-run-'));
  const origin = join(root, 'origin.git');
  const seed = join(root, 'seed');
  mkdirSync(join(root, 'home'));
  mkdirSync(join(root, 'agents'));
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
  git(root, 'init', '--quiet', '--initial-branch=main', seed);
  writeFileSync(join(seed, 'README.md'), '# app\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', origin, 'main');
  writeFileSync(join(seed, 'DEVELOP.md'), 'develop only\n');
  git(seed, 'checkout', '--quiet', '-b', 'develop');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'develop');
  git(seed, 'push', '--quiet', origin, 'develop');
  for (const [name, body] of Object.entries(AGENTS)) writeFileSync(join(root, 'agents', `${name}.sh`), body);
  return {
    root,
    origin,
    home: join(root, 'home'),
    workspace: join(root, 'sandbox', 'home', 'user', 'workspace'),
    stateDir: join(root, 'sandbox', 'opt', 'fixloop'),
    agent: (name: AgentName) => `bash ${join(root, 'agents', `${name}.sh`)} {task_file} {workspace}`,
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface LoggedLine {
  step: string;
  stream: LogStream;
  line: string;
}

const NOW = '2026-01-01T00:00:00.000Z';

export function makeRequest(
  origin: string,
  overrides: Partial<RunRequest> & { validation?: string[] } = {},
): RunRequest & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const { validation = [], ...rest } = overrides;
  return {
    job: {
      id: 'job-1',
      projectId: 'proj-1',
      clusterId: 'c1',
      planId: 'plan-1',
      runner: 'e2b',
      status: 'running',
      stats: {},
      createdAt: NOW,
    },
    plan: {
      id: 'plan-1',
      clusterId: 'c1',
      title: 'Fix the crash',
      summary: 'It crashes.',
      hypotheses: [],
      candidateFiles: [],
      steps: [],
      validation,
      risk: 'low',
      citations: [],
      source: 'offline',
      createdAt: NOW,
      updatedAt: NOW,
    },
    task: 'Fix the crash on save\n\nMore detail.\n',
    repository: { owner: 'acme', name: 'app', url: `file://${origin}`, token: 'ghp_secret_token_0123456789' },
    branch: 'fixloop/c1-job-1',
    commitMessage: 'Fix: the crash\n\nPlanned by Fixloop.',
    log: (step, stream, line) => lines.push({ step, stream, line }),
    signal: new AbortController().signal,
    lines,
    ...rest,
  };
}
