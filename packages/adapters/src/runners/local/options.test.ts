import { describe, expect, it } from 'vitest';
import { resolveLocalRunnerOptions } from './options.js';

describe('resolveLocalRunnerOptions', () => {
  it('fills in defaults', () => {
    const settings = resolveLocalRunnerOptions({
      command: 'agent {task_file}',
      environment: {},
      workRoot: '/srv/work',
    });
    expect(settings).toMatchObject({
      network: false,
      sandbox: 'refuse-unsandboxed',
      timeoutMs: 30 * 60_000,
      outputCapBytes: 1024 * 1024,
      workRoot: '/srv/work',
      identity: { name: 'Fixloop', email: 'fixloop@users.noreply.github.com' },
      gitPath: 'git',
      keepWorkspaces: false,
    });
  });

  it('refuses a read-only bind that would show the job directories', () => {
    const base = { command: 'agent', environment: {}, workRoot: '/srv/fixloop/work' };
    expect(() => resolveLocalRunnerOptions({ ...base, readOnlyBinds: ['/'] })).toThrow(
      'contains the work root',
    );
    expect(() => resolveLocalRunnerOptions({ ...base, readOnlyBinds: ['/srv/fixloop'] })).toThrow(
      'contains the work root',
    );
    expect(() => resolveLocalRunnerOptions({ ...base, readOnlyBinds: ['opt/node'] })).toThrow(
      'not an absolute path',
    );
    expect(
      resolveLocalRunnerOptions({ ...base, readOnlyBinds: ['/srv/fixloop/work-tools'] }).readOnlyBinds,
    ).toEqual(['/srv/fixloop/work-tools']);
  });

  it('refuses an empty command, a bad allowlist and non-positive limits', () => {
    expect(() => resolveLocalRunnerOptions({ command: ' ', environment: {} })).toThrow(
      'CODING_AGENT_COMMAND',
    );
    expect(() =>
      resolveLocalRunnerOptions({ command: 'a', environment: {}, envAllowlist: ['HOME'] }),
    ).toThrow('HOME');
    expect(() => resolveLocalRunnerOptions({ command: 'a', environment: {}, timeoutMs: 0 })).toThrow(
      'timeoutMs',
    );
  });
});
