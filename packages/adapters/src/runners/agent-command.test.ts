import { describe, expect, it } from 'vitest';
import { fillPlaceholders } from './agent-command.js';

describe('fillPlaceholders', () => {
  it('replaces every placeholder with a quoted path and leaves other braces alone', () => {
    const filled = fillPlaceholders(
      'agent --task {task_file} --cwd {workspace} --again {task_file} {other}',
      {
        taskFile: '/tmp/j k/task.md',
        workspace: '/tmp/j k/workspace',
      },
    );
    expect(filled).toBe(
      "agent --task '/tmp/j k/task.md' --cwd '/tmp/j k/workspace' --again '/tmp/j k/task.md' {other}",
    );
  });

  it('leaves plain paths unquoted', () => {
    expect(
      fillPlaceholders('agent --task {task_file} --dir {workspace} {workspace}', {
        taskFile: '/opt/x/task.md',
        workspace: '/home/user/my repo',
      }),
    ).toBe("agent --task /opt/x/task.md --dir '/home/user/my repo' '/home/user/my repo'");
  });
});
