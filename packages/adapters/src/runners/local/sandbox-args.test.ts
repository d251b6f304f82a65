import { describe, expect, it } from 'vitest';
import { probeHost } from './host-paths.js';
import { bwrapArgs, type SandboxLayout } from './sandbox-args.js';

const layout: SandboxLayout = {
  system: [{ path: '/usr' }, { path: '/bin', symlinkTo: 'usr/bin' }, { path: '/etc' }],
  maskedFiles: ['/etc/shadow'],
  maskedDirs: ['/etc/ssl/private'],
  readOnlyBinds: ['/opt/node'],
  workspace: '/tmp/fixloop-job-1/workspace',
  taskFile: '/tmp/fixloop-job-1/task.md',
  home: '/tmp/fixloop-job-1/home',
  network: false,
};

describe('bwrapArgs', () => {
  it('builds the whole sandbox command line', () => {
    expect(bwrapArgs(layout)).toEqual([
      '--die-with-parent',
      '--unshare-user',
      '--uid',
      '65534',
      '--gid',
      '65534',
      '--cap-drop',
      'ALL',
      '--unshare-pid',
      '--unshare-ipc',
      '--unshare-uts',
      '--unshare-cgroup-try',
      '--unshare-net',
      '--hostname',
      'fixloop-sandbox',
      '--ro-bind',
      '/usr',
      '/usr',
      '--symlink',
      'usr/bin',
      '/bin',
      '--ro-bind',
      '/etc',
      '/etc',
      '--ro-bind',
      '/dev/null',
      '/etc/shadow',
      '--tmpfs',
      '/etc/ssl/private',
      '--proc',
      '/proc',
      '--dev',
      '/dev',
      '--tmpfs',
      '/tmp',
      '--ro-bind',
      '/opt/node',
      '/opt/node',
      '--bind',
      '/tmp/fixloop-job-1/home',
      '/tmp/fixloop-job-1/home',
      '--bind',
      '/tmp/fixloop-job-1/workspace',
      '/tmp/fixloop-job-1/workspace',
      '--ro-bind',
      '/tmp/fixloop-job-1/workspace/.git',
      '/tmp/fixloop-job-1/workspace/.git',
      '--ro-bind',
      '/tmp/fixloop-job-1/task.md',
      '/tmp/fixloop-job-1/task.md',
      '--chdir',
      '/tmp/fixloop-job-1/workspace',
      '--',
    ]);
  });

  it('shares the network only when asked', () => {
    expect(bwrapArgs({ ...layout, network: true })).not.toContain('--unshare-net');
  });

  it('never binds the whole root, nor passes the environment in argv', () => {
    const args = bwrapArgs(layout);
    const binds = args.flatMap((arg, i) => (arg === '--bind' || arg === '--ro-bind' ? [args[i + 1]] : []));
    expect(binds).not.toContain('/');
    expect(args).not.toContain('--setenv');
    // /tmp is replaced before the job directory (under /tmp) is bound onto it.
    expect(args.indexOf('/tmp')).toBeLessThan(args.indexOf(layout.workspace));
    // .git is read-only on top of the writable workspace.
    expect(args.indexOf(layout.workspace)).toBeLessThan(args.indexOf(`${layout.workspace}/.git`));
  });
});

describe('probeHost', () => {
  it('finds /usr and /etc and keeps symlinked system directories as symlinks', async () => {
    const facts = await probeHost();
    const paths = facts.system.map((entry) => entry.path);
    expect(paths).toEqual(expect.arrayContaining(['/usr', '/etc']));
    for (const entry of facts.system) expect(entry.path).not.toBe('/');
  });
});
