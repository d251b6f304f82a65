import { AgentRunError, type RunnerRegistry, type SandboxRunner } from '@fixloop/domain';

/**
 * The runners by registry key, each made on first use (so an unconfigured runner only fails the
 * jobs that ask for it). A new runner is one file plus one line in the composition root's map.
 */
export function createRunnerRegistry(
  factories: Readonly<Record<string, () => SandboxRunner>>,
): RunnerRegistry {
  const made = new Map<string, SandboxRunner>();
  const names = Object.keys(factories).sort();
  return {
    names: () => [...names],
    get(name) {
      const existing = made.get(name);
      if (existing) return existing;
      const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
      if (!factory) {
        const known = names.length > 0 ? names.join(', ') : 'none';
        throw new AgentRunError(`unknown runner "${name}"; known runners: ${known}`);
      }
      let runner: SandboxRunner;
      try {
        runner = factory();
      } catch (e) {
        throw new AgentRunError(`the ${name} runner is not configured: ${(e as Error).message}`);
      }
      made.set(name, runner);
      return runner;
    },
  };
}
