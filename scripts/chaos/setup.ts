import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StandIn, startStandIn } from '../../apps/server/test/support/stand-ins.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=chaos', '-c', 'user.email=chaos@example.com', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/**
 * The repository fixes are made in: a bare origin with one commit, and an agent that thinks for a
 * moment (so kills land while it runs) and then edits a file.
 */
export function createRepository(root: string): { origin: string; agentCommand: string; scripts: string } {
  const seed = join(root, 'seed');
  mkdirSync(join(seed, 'shop'), { recursive: true });
  writeFileSync(join(seed, 'shop', 'cart.py'), 'def total(items, coupon):\n    return sum(items)\n');
  git(seed, 'init', '-q', '-b', 'main');
  git(seed, 'add', '-A');
  git(seed, 'commit', '-q', '-m', 'initial');
  const origin = join(root, 'origin.git');
  git(root, 'clone', '-q', '--bare', seed, origin);
  const scripts = join(root, 'scripts');
  mkdirSync(scripts);
  const agent = join(scripts, 'agent.sh');
  writeFileSync(agent, '#!/bin/sh\nsleep 3\necho "# fixed by the chaos agent" >> shop/cart.py\n');
  chmodSync(agent, 0o755);
  return { origin, agentCommand: `sh ${agent} {task_file} {workspace}`, scripts };
}

/** GitHub's REST API as far as fixes need it: opening a draft pull request on acme/shop. */
export function startGithubApi(): Promise<StandIn> {
  let number = 0;
  return startStandIn((req) => {
    if (req.method !== 'POST' || req.path !== '/repos/acme/shop/pulls') {
      return { status: 404, body: { message: 'Not Found' } };
    }
    number++;
    return {
      status: 201,
      body: {
        id: 9_000 + number,
        number,
        html_url: `https://github.com/acme/shop/pull/${number}`,
        draft: true,
      },
    };
  });
}

export interface ChaosProject {
  id: string;
  apiKey: string;
  githubSecret: string;
  sentrySecret: string;
  subreddit: string;
}

async function call(base: string, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? null : (JSON.parse(text) as unknown);
}

/** A project with its repository, webhook secrets and a subreddit, set up through the API. */
export async function createProject(base: string, adminToken: string, origin: string): Promise<ChaosProject> {
  const created = (await call(base, adminToken, 'POST', '/projects', { name: 'Chaos' })) as {
    project: { id: string };
    apiKey: string;
  };
  const p: ChaosProject = {
    id: created.project.id,
    apiKey: created.apiKey,
    githubSecret: 'chaos-github-webhook-secret',
    sentrySecret: 'chaos-sentry-client-secret',
    subreddit: 'chaos_reports',
  };
  await call(base, p.apiKey, 'PUT', `/projects/${p.id}/secrets`, {
    githubToken: 'ghp_chaos_0123456789abcdef0123456789abcdef',
    githubWebhookSecret: p.githubSecret,
    sentryWebhookSecret: p.sentrySecret,
  });
  await call(base, p.apiKey, 'PUT', `/projects/${p.id}/repository`, {
    owner: 'acme',
    name: 'shop',
    defaultBranch: 'main',
    cloneUrl: origin,
  });
  await call(base, p.apiKey, 'PUT', `/projects/${p.id}/config/reddit/subreddits`, {
    subreddits: [p.subreddit],
  });
  return p;
}

/** Asks for a Reddit poll now (the poller also runs every REDDIT_POLL_INTERVAL_S). */
export async function nudgeRedditPoll(base: string, p: ChaosProject): Promise<void> {
  await call(base, p.apiKey, 'POST', `/projects/${p.id}/ingest/reddit/poll`).catch(() => {});
}
