import { randomBytes } from 'node:crypto';
import { InternalTokens } from '@fixloop/adapters';
import type { AgentJob } from '@fixloop/contracts';
import { runClusteringJob, startUserSession } from '@fixloop/domain';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { originOf, PASSWORD } from '../support/accounts.js';
import type { TestContext } from '../support/context.js';
import type { AuthName, Credentials, WebhookSecrets } from './request-case.js';
import type { Refs } from './values.js';
import { type Cast, cast, createKey, json } from './world-cast.js';

type Page<T> = { items: T[] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TOPICS = ['alpha checkout crash', 'gamma login loop'];

/**
 * The fixtures the fuzz aims at: a project P owned by a signed-in user (with a member, keys of
 * every scope, a repository, reports in two clusters, a clustering run, agent jobs), another
 * project Q, and a spare project and key that generated requests may delete. Successful writes
 * change them (a merge removes a cluster, a logout ends the session): `heal` puts back what the
 * fuzz needs and refreshes the ids that generated requests point at.
 */
export class World implements Credentials {
  readonly refs: Refs;
  readonly trustedOrigin: string;
  readonly webhookSecrets: WebhookSecrets;
  sessionToken: string;
  private readonly internal: InternalTokens;

  private constructor(
    private readonly ctx: TestContext,
    private readonly cast: Cast,
    stripeSecret: string,
  ) {
    this.trustedOrigin = originOf(ctx);
    this.sessionToken = cast.owner.token;
    this.internal = new InternalTokens(ctx.runtime.container.secretsKey);
    this.webhookSecrets = {
      github: `gh-${randomBytes(8).toString('hex')}`,
      sentry: `se-${randomBytes(8).toString('hex')}`,
      stripe: stripeSecret,
    };
    const { owner, member, pid, other } = cast;
    this.refs = {
      project: pid,
      otherProject: other.id,
      spareProject: '',
      spareProjectName: '',
      report: '',
      report2: '',
      cluster: '',
      cluster2: '',
      clusterJob: '',
      job: '',
      endedJob: '',
      spareKeyId: '',
      ownerUserId: owner.userId,
      ownerEmail: owner.email,
      memberUserId: member.userId,
      memberEmail: member.email,
      password: PASSWORD,
    };
  }

  static async create(ctx: TestContext, stripeSecret: string): Promise<World> {
    const world = new World(ctx, await cast(ctx), stripeSecret);
    await world.heal();
    return world;
  }

  token(auth: AuthName): string | undefined {
    const { keys, pid, other } = this.cast;
    switch (auth) {
      case 'admin':
        return this.ctx.adminToken;
      case 'key:admin':
        return keys.admin;
      case 'key:read':
        return keys.read;
      case 'key:ingest':
        return keys.ingest;
      case 'key:other':
        return other.apiKey;
      case 'internal:reddit':
        return this.internal.issue(pid, 'ingest:reddit', 3_600);
      case 'internal:job':
        return this.internal.issue(pid, 'agent-job', 3_600, Date.now(), this.refs.job);
      case 'session':
      case 'session:cross-site':
      case 'none':
        return undefined;
    }
  }

  /**
   * Puts back what a successful write to `path` (an operation's path; all of it when absent) may
   * have changed: only those parts, as healing everything after every write would double the run.
   */
  async heal(path?: string): Promise<void> {
    const local = path?.replace(/^\/projects\/\{projectId\}(?=\/)/, '');
    const touches = (re: RegExp) => local === undefined || re.test(local);
    if (touches(/^\/auth\/|\/members/)) await this.healAccess();
    if (touches(/^\/projects\/\{projectId\}$/)) await this.healNames();
    if (touches(/\/secrets$/)) await this.healSecrets();
    if (touches(/^\/projects\/\{projectId\}$|^\/api-keys/)) await this.healSpares();
    if (touches(/^\/(feedback|ingest|clusters|cluster-jobs)\b/)) await this.refreshClusters();
    if (touches(/^\/(jobs|clusters)\b/)) await this.refreshJobs();
  }

  private admin(opts: InjectOptions): Promise<LightMyRequestResponse> {
    return this.ctx.request({ ...opts, token: this.ctx.adminToken });
  }

  private get p(): string {
    return `/projects/${this.cast.pid}`;
  }

  /** The owner's session works, and the owner and the member keep their roles. */
  private async healAccess(): Promise<void> {
    const me = await this.ctx.request({
      method: 'GET',
      url: '/auth/me',
      token: null,
      headers: { cookie: `fixloop_session=${this.sessionToken}` },
    });
    if (me.statusCode !== 200) {
      // Through the verb, not POST /auth/login: the fuzz's failed sign-ins may have locked the form.
      const c = this.ctx.runtime.container;
      const user = await c.users.get(this.cast.owner.userId);
      if (!user) throw new Error('fuzz fixture: the owner account is gone');
      this.sessionToken = (await startUserSession(c.sessionDeps, user)).token;
    }
    const members = await json<Page<{ userId: string; role: string }>>(
      this.admin({ method: 'GET', url: `${this.p}/members` }),
      200,
      'members',
    );
    const { owner, member } = this.cast;
    for (const [who, role] of [
      [owner, 'owner'],
      [member, 'member'],
    ] as const) {
      if (members.items.find((m) => m.userId === who.userId)?.role === role) continue;
      const payload = { email: who.email, role };
      await json(this.admin({ method: 'POST', url: `${this.p}/members`, payload }), 200, 'member');
    }
  }

  /** P and Q keep their names, so that no name typed to delete the spare project deletes them. */
  private async healNames(): Promise<void> {
    for (const [id, name] of [
      [this.cast.pid, `Fuzz P ${this.ctx.tag}`],
      [this.cast.other.id, `Fuzz Q ${this.ctx.tag}`],
    ] as const) {
      const now = await json<{ name: string }>(
        this.admin({ method: 'GET', url: `/projects/${id}` }),
        200,
        'project',
      );
      if (now.name === name) continue;
      await json(this.admin({ method: 'PATCH', url: `/projects/${id}`, payload: { name } }), 200, 'rename');
    }
  }

  /** P's webhooks need signatures (the fuzz signs most of its webhook calls), whatever secrets it set. */
  private async healSecrets(): Promise<void> {
    const payload = {
      githubWebhookSecret: this.webhookSecrets.github,
      sentryWebhookSecret: this.webhookSecrets.sentry,
    };
    await json(this.admin({ method: 'PUT', url: `${this.p}/secrets`, payload }), 204, 'webhook secrets');
  }

  /** A spare project and a spare key of P exist, for the fuzz to delete. */
  private async healSpares(): Promise<void> {
    const { refs } = this;
    const spare =
      refs.spareProject === ''
        ? undefined
        : await this.admin({ method: 'GET', url: `/projects/${refs.spareProject}` });
    if (spare?.statusCode === 200) {
      refs.spareProjectName = spare.json<{ name: string }>().name;
    } else {
      const name = `Fuzz spare ${randomBytes(3).toString('hex')}`;
      const created = await json<{ project: { id: string } }>(
        this.admin({ method: 'POST', url: '/projects', payload: { name } }),
        201,
        'spare project',
      );
      refs.spareProject = created.project.id;
      refs.spareProjectName = name;
    }
    const listed = await json<Page<{ id: string }>>(
      this.admin({ method: 'GET', url: `${this.p}/api-keys` }),
      200,
      'keys',
    );
    if (!listed.items.some((k) => k.id === refs.spareKeyId)) {
      refs.spareKeyId = (await createKey(this.ctx, this.cast.pid, ['read'])).id;
    }
  }

  /** Two clusters with a report each (seeded again when merges and splits left fewer), and the last run. */
  private async refreshClusters(): Promise<void> {
    const list = () =>
      json<Page<{ id: string }>>(
        this.admin({ method: 'GET', url: `${this.p}/clusters?minSize=1&limit=2` }),
        200,
        'clusters',
      );
    let clusters = await list();
    if (clusters.items.length < 2) {
      await this.seedClusters();
      clusters = await list();
    }
    const [a, b] = clusters.items as [{ id: string }, { id: string }];
    const firstMember = async (id: string) =>
      (
        await json<{ items: Array<{ id: string }> }>(
          this.admin({ method: 'GET', url: `${this.p}/clusters/${id}` }),
          200,
          'cluster',
        )
      ).items[0]?.id ?? '';
    Object.assign(this.refs, {
      cluster: a.id,
      cluster2: b.id,
      report: await firstMember(a.id),
      report2: await firstMember(b.id),
    });
    const runs = await json<Page<{ id: string }>>(
      this.admin({ method: 'GET', url: `${this.p}/cluster-jobs?limit=1` }),
      200,
      'runs',
    );
    this.refs.clusterJob = runs.items[0]?.id ?? '';
  }

  private async seedClusters(): Promise<void> {
    const rows = TOPICS.flatMap((topic) =>
      [1, 2, 3].map((i) => ({
        title: `${topic} ${i} ${randomBytes(3).toString('hex')}`,
        body: `the ${topic}`,
      })),
    );
    await json(
      this.admin({ method: 'POST', url: `${this.p}/feedback/import`, payload: rows }),
      200,
      'import',
    );
    // The import's own clustering request goes out on a throttle: let it land before this run.
    await sleep(300);
    const run = await json<{ id: string }>(
      this.admin({ method: 'POST', url: `${this.p}/cluster-jobs` }),
      202,
      'clustering',
    );
    // No worker runs in this context (nothing may write behind the fuzz's back): cluster in-process.
    await runClusteringJob(this.ctx.runtime.container.clusteringDeps, this.cast.pid, run.id);
  }

  /** An active agent job (to patch and cancel) and an ended one (to retry). */
  private async refreshJobs(): Promise<void> {
    const latest = async (status: string) =>
      (
        await json<Page<{ id: string }>>(
          this.admin({ method: 'GET', url: `${this.p}/jobs?status=${status}&limit=1` }),
          200,
          'jobs',
        )
      ).items[0]?.id;
    this.refs.job =
      (await latest('queued')) ?? (await latest('running')) ?? (await this.createJob(this.refs.cluster));
    this.refs.endedJob =
      (await latest('cancelled')) ?? (await latest('failed')) ?? (await this.createEndedJob());
  }

  private async createEndedJob(): Promise<string> {
    const id = await this.createJob(this.refs.cluster2);
    await json(this.admin({ method: 'POST', url: `${this.p}/jobs/${id}/cancel` }), 200, 'cancel');
    return id;
  }

  /** A queued job, admitted by the store directly: start_fix would need a slot the fuzz may have used. */
  private async createJob(clusterId: string): Promise<string> {
    const plan = await json<{ id: string }>(
      this.admin({ method: 'POST', url: `${this.p}/clusters/${clusterId}/plan` }),
      201,
      'plan',
    );
    const job: AgentJob = {
      id: `00000000-0000-4000-8000-${randomBytes(6).toString('hex')}`,
      projectId: this.cast.pid,
      clusterId,
      planId: plan.id,
      runner: 'local',
      status: 'queued',
      stats: {},
      createdAt: new Date().toISOString(),
    };
    const limits = { maxConcurrent: 1_000, maxPerMonth: 1_000_000, month: '2026-01' };
    const admitted = await this.ctx.runtime.container.agentJobs.create(this.cast.pid, job, limits);
    if (!admitted.ok) throw new Error(`fuzz fixture: agent job refused (${admitted.reason})`);
    return job.id;
  }
}
