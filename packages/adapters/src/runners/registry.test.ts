import { AgentRunError, type SandboxRunner } from '@fixloop/domain';
import { describe, expect, it } from 'vitest';
import { createRunnerRegistry } from './registry.js';

function stubRunner(name: string): SandboxRunner {
  return {
    name,
    run: () => Promise.reject(new Error('not used')),
  };
}

describe('createRunnerRegistry', () => {
  it('makes each runner once, on first use', () => {
    let made = 0;
    const registry = createRunnerRegistry({
      local: () => {
        made += 1;
        return stubRunner('local');
      },
    });
    expect(made).toBe(0);
    const first = registry.get('local');
    expect(registry.get('local')).toBe(first);
    expect(first.name).toBe('local');
    expect(made).toBe(1);
  });

  it('names the known runners, sorted', () => {
    const registry = createRunnerRegistry({ local: () => stubRunner('local'), e2b: () => stubRunner('e2b') });
    expect(registry.names()).toEqual(['e2b', 'local']);
  });

  it('refuses an unknown name and lists the known ones', () => {
    const registry = createRunnerRegistry({ local: () => stubRunner('local'), e2b: () => stubRunner('e2b') });
    expect(() => registry.get('docker')).toThrow(AgentRunError);
    expect(() => registry.get('docker')).toThrow('unknown runner "docker"; known runners: e2b, local');
    expect(() => registry.get('toString')).toThrow('unknown runner "toString"');
  });

  it('reports a runner whose configuration is missing, and tries again next time', () => {
    let configured = false;
    const registry = createRunnerRegistry({
      e2b: () => {
        if (!configured) throw new Error('the e2b runner needs an API key (E2B_API_KEY)');
        return stubRunner('e2b');
      },
    });
    expect(() => registry.get('e2b')).toThrow(
      'the e2b runner is not configured: the e2b runner needs an API key',
    );
    configured = true;
    expect(registry.get('e2b').name).toBe('e2b');
  });
});
