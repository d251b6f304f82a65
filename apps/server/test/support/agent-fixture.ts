import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { ok, type Project } from './cluster-api.js';
import type { TestContext } from './context.js';
import type { Reply, Route } from './stand-ins.js';

/** `git` in `cwd`, its output trimmed; throws when git fails. */
export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export const CART_PY = 'def total(items, coupon):\n    return sum(items)\n';

export interface AgentRepository {
  /** The temporary folder holding everything below; the test removes it. */
  dir: string;
  /** A bare repository with one commit on main. */
  origin: string;
  /** Read-only for the agent: the server's command runs `sh <scripts>/agent.sh {task_file} {workspace}`. */
  scripts: string;
  /** Replaces what the agent does with these shell lines. */
  agentDoes(script: string): void;
}

/** A bare origin whose one commit on main holds `files` (path → text), and the agent's script folder. */
export function createAgentRepository(
  prefix: string,
  files: Record<string, string> = { 'shop/cart.py': CART_PY },
): AgentRepository {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const scripts = join(dir, 'scripts');
  mkdirSync(scripts);
  const seed = join(dir, 'seed');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), text);
  }
  const who = ['-c', 'user.name=t', '-c', 'user.email=t@example.com'];
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, ...who, 'add', '-A');
  git(seed, ...who, 'commit', '-q', '-m', 'initial');
  const origin = join(dir, 'origin.git');
  git(dir, 'clone', '-q', '--bare', seed, origin);
  const agentDoes = (script: string) => {
    const path = join(scripts, 'agent.sh');
    writeFileSync(path, `#!/bin/sh\n${script}\n`);
    chmodSync(path, 0o755);
  };
  return { dir, origin, scripts, agentDoes };
}

const notFound: Route = () => ({ status: 404, body: { message: 'Not Found' } });

/**
 * GitHub's "create a pull request" for acme/shop, numbering draft PRs from 1; every other request
 * goes to `otherwise`.
 */
export function pullRequestApi(otherwise: Route = notFound): Route {
  let prNumber = 0;
  return (req, base): Reply | Promise<Reply> => {
    if (req.method !== 'POST' || req.path !== '/repos/acme/shop/pulls') return otherwise(req, base);
    prNumber++;
    return {
      status: 201,
      body: {
        id: 9000 + prNumber,
        number: prNumber,
        html_url: `https://github.com/acme/shop/pull/${prNumber}`,
        state: 'open',
        draft: true,
      },
    };
  };
}

/** A new project whose repository is acme/shop at `origin`, with `githubToken` as its secret. */
export async function createProjectWithRepository(
  ctx: TestContext,
  origin: string,
  githubToken: string,
): Promise<Project> {
  const p = await ctx.createProject();
  await ok(
    ctx.request({
      method: 'PUT',
      url: `/projects/${p.id}/repository`,
      token: p.apiKey,
      payload: { owner: 'acme', name: 'shop', defaultBranch: 'main', cloneUrl: origin },
    }),
  );
  const secrets = await ctx.request({
    method: 'PUT',
    url: `/projects/${p.id}/secrets`,
    token: p.apiKey,
    payload: { githubToken },
  });
  expect(secrets.statusCode).toBe(204);
  return p;
}
