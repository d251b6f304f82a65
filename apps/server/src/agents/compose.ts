import { join, resolve } from 'node:path';
import {
  createRunnerRegistry,
  E2bRunner,
  GitRepositoryReader,
  LocalSandboxRunner,
  type OctokitTracker,
} from '@fixloop/adapters';
import { type AgentQueue, type Logger, llmPlanner, offlinePlanner } from '@fixloop/domain';
import { composeLlm } from '../clustering/compose.js';
import type { Config } from '../config.js';
import type { AgentParts } from '../container.js';

/** The values of the variables `CODING_AGENT_ENV` names, read from this process's environment. */
function allowlistedEnv(names: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = env[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The coding-agent parts from config: the planner (a model when `LLM_PROVIDER` is set, with the
 * offline planner as its fallback), the repository reader (cached shallow clones under
 * `DATA_DIR/repos`), the runner registry (`local`, `e2b`) and GitHub for draft PRs.
 */
export function composeAgents(
  config: Config,
  log: Logger,
  github: OctokitTracker,
  queue: AgentQueue,
  env: NodeJS.ProcessEnv = process.env,
): AgentParts {
  const a = config.agents;
  const llm = composeLlm(config, log);
  const command = a.command;
  const notSet = () => {
    throw new Error('set CODING_AGENT_COMMAND to the coding agent to run');
  };
  return {
    planner: llm ? llmPlanner(llm, { log }) : offlinePlanner(),
    reader: new GitRepositoryReader({ cacheDir: resolve(join(config.dataDir, 'repos')) }),
    pullRequests: github,
    queue,
    runners: createRunnerRegistry({
      local: () =>
        command === undefined
          ? notSet()
          : new LocalSandboxRunner({
              command,
              environment: env,
              envAllowlist: a.env,
              network: a.network,
              sandbox: a.allowUnsandboxed ? 'unsandboxed-allowed' : 'refuse-unsandboxed',
              timeoutMs: a.timeoutMs,
              outputCapBytes: a.outputCapBytes,
              readOnlyBinds: a.readOnlyBinds,
            }),
      e2b: () =>
        new E2bRunner({
          apiKey: a.e2b.apiKey ?? '',
          template: a.e2b.template ?? '',
          command,
          agentEnv: allowlistedEnv(a.env, env),
          agentTimeoutMs: a.timeoutMs,
          outputCapBytes: a.outputCapBytes,
          domain: a.e2b.domain,
        }),
    }),
  };
}
