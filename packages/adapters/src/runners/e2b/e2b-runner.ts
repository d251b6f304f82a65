import { AgentRunError, type RunOutcome, type RunRequest, type SandboxRunner } from '@fixloop/domain';
import type { GitIdentity } from '../../git/commit-identity.js';
import { type E2bConnection, openE2bSession } from './e2b-session.js';
import { runSteps, type StepSettings } from './run-steps.js';
import type { SandboxSession } from './sandbox-session.js';

/** Kilo CLI ≥ 1.0 in its non-interactive mode, with every permission prompt answered yes. */
export const KILO_COMMAND = 'kilo run --auto "$(cat {task_file})"';

const MINUTE = 60_000;

export interface E2bRunnerOptions {
  /** E2B_API_KEY. */
  apiKey: string;
  /** KILOCODE_TEMPLATE_NAME: a template with git, bash and the agent's CLI. */
  template: string;
  /** The agent's command line with `{task_file}`/`{workspace}`; run in the workspace. Default `KILO_COMMAND`. */
  command?: string | undefined;
  /** Variables only the agent command receives (its model provider's key, …). */
  agentEnv?: Record<string, string> | undefined;
  /** Default 30 minutes. */
  agentTimeoutMs?: number | undefined;
  /** Per validation command; default 10 minutes. */
  validationTimeoutMs?: number | undefined;
  /** Per git command (clone and push included); default 5 minutes. */
  gitTimeoutMs?: number | undefined;
  /** E2B destroys the sandbox after this long in any case; default the agent's timeout + 20 minutes. */
  sandboxTimeoutMs?: number | undefined;
  /** Per request to E2B's API or the sandbox; default 60 s. */
  requestTimeoutMs?: number | undefined;
  /** Output of one command beyond this many bytes is not logged; default 10 MiB. */
  outputCapBytes?: number | undefined;
  /** The sandbox user the agent and validation run as; default `user` (E2B's default user). */
  agentUser?: string | undefined;
  /** The sandbox user git runs as; default `root`. */
  adminUser?: string | undefined;
  /** The working tree; default `/home/user/workspace`. */
  workspace?: string | undefined;
  /** Root-owned directory for the git directory and the task file; default `/opt/fixloop`. */
  stateDir?: string | undefined;
  /** The commit's author and committer. */
  author?: GitIdentity | undefined;
  cloneDepth?: number | undefined;
  /** E2B_DOMAIN, for self-hosted E2B. */
  domain?: string | undefined;
  /** Overrides for E2B's API and envd base URLs (tests point them at a local stand-in). */
  apiUrl?: string | undefined;
  sandboxUrl?: string | undefined;
}

/** Runs the coding agent in a fresh E2B sandbox per job; the sandbox is killed when the run ends. */
export class E2bRunner implements SandboxRunner {
  readonly name = 'e2b';
  private readonly connection: E2bConnection;
  private readonly settings: StepSettings;

  constructor(options: E2bRunnerOptions) {
    // Checked here because the SDK would otherwise fall back to E2B_API_KEY from the environment.
    if (!options.apiKey) throw new Error('the e2b runner needs an API key (E2B_API_KEY)');
    if (!options.template) throw new Error('the e2b runner needs a template (KILOCODE_TEMPLATE_NAME)');
    const agentTimeoutMs = options.agentTimeoutMs ?? 30 * MINUTE;
    this.connection = {
      apiKey: options.apiKey,
      template: options.template,
      sandboxTimeoutMs: options.sandboxTimeoutMs ?? agentTimeoutMs + 20 * MINUTE,
      requestTimeoutMs: options.requestTimeoutMs ?? MINUTE,
      domain: options.domain,
      apiUrl: options.apiUrl,
      sandboxUrl: options.sandboxUrl,
    };
    this.settings = {
      command: options.command ?? KILO_COMMAND,
      agentEnv: options.agentEnv ?? {},
      agentUser: options.agentUser ?? 'user',
      adminUser: options.adminUser ?? 'root',
      workspace: options.workspace ?? '/home/user/workspace',
      stateDir: options.stateDir ?? '/opt/fixloop',
      agentTimeoutMs,
      validationTimeoutMs: options.validationTimeoutMs ?? 10 * MINUTE,
      gitTimeoutMs: options.gitTimeoutMs ?? 5 * MINUTE,
      outputCapBytes: options.outputCapBytes ?? 10 * 1024 * 1024,
      author: options.author ?? { name: 'Fixloop', email: 'fixloop@users.noreply.invalid' },
      cloneDepth: options.cloneDepth,
    };
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const { signal, log, job } = request;
    if (signal.aborted) throw cancelled();
    log('sandbox', 'info', `starting an E2B sandbox from template ${this.connection.template}`);
    let session: SandboxSession;
    try {
      const metadata = { fixloopProject: job.projectId, fixloopJob: job.id };
      session = await openE2bSession({ ...this.connection, metadata }, signal);
    } catch (e) {
      throw signal.aborted ? cancelled() : e;
    }
    log('sandbox', 'info', `sandbox ${session.id} started`);
    // Cancelling kills the sandbox at once: every process in it stops, and the step waiting on
    // one of them fails; the finally below then waits for that same kill.
    const onAbort = () => void session.kill().catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await runSteps(session, request, this.settings);
    } catch (e) {
      throw signal.aborted ? cancelled() : e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      await session.kill().then(
        () => log('sandbox', 'info', `sandbox ${session.id} killed`),
        (e: unknown) =>
          log('sandbox', 'info', `${(e as Error).message}; E2B removes it when its timeout passes`),
      );
    }
  }
}

function cancelled(): AgentRunError {
  return new AgentRunError('cancelled');
}
