/** A system path to show in the sandbox: a directory bound read-only, or a symlink recreated as one. */
export interface SystemPath {
  path: string;
  /** The link's target when `path` is a symlink on the host (`/bin` → `usr/bin`). */
  symlinkTo?: string | undefined;
}

/** Everything the bubblewrap command line depends on; the host facts come from `probeHost`. */
export interface SandboxLayout {
  system: readonly SystemPath[];
  /** Sensitive files inside the bound system directories, hidden behind /dev/null. */
  maskedFiles: readonly string[];
  /** Sensitive directories inside the bound system directories, hidden behind an empty tmpfs. */
  maskedDirs: readonly string[];
  /** Extra read-only paths (toolchains), bound at the same place. */
  readOnlyBinds: readonly string[];
  workspace: string;
  taskFile: string;
  home: string;
  network: boolean;
}

/** The unprivileged user the sandbox runs as, in its own user namespace. */
export const SANDBOX_UID = 65534;

/**
 * bubblewrap's options for one sandboxed command, up to and including `--`. Only the workspace and
 * the sandbox home are writable; the workspace's `.git` is read-only so nothing can be planted for
 * the runner's own git commands. The environment is not in argv (it is bwrap's own, built from
 * nothing by the runner), so allowlisted secrets do not show in `ps`.
 *
 * No `--new-session`: the sandbox stays in the process group the runner starts (its own session,
 * with no controlling terminal, so there is no terminal to inject into), and killing that group
 * reaches bubblewrap's init inside the pid namespace, whose death ends every process in it. With
 * `--new-session`, a cancel relied on `--die-with-parent` alone, which under load could leave the
 * sandbox running after the outer bubblewrap was gone.
 */
export function bwrapArgs(layout: SandboxLayout): string[] {
  const args = [
    '--die-with-parent',
    '--unshare-user',
    '--uid',
    String(SANDBOX_UID),
    '--gid',
    String(SANDBOX_UID),
    '--cap-drop',
    'ALL',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(layout.network ? [] : ['--unshare-net']),
    '--hostname',
    'fixloop-sandbox',
  ];
  for (const entry of layout.system) {
    if (entry.symlinkTo !== undefined) args.push('--symlink', entry.symlinkTo, entry.path);
    else args.push('--ro-bind', entry.path, entry.path);
  }
  for (const file of layout.maskedFiles) args.push('--ro-bind', '/dev/null', file);
  for (const dir of layout.maskedDirs) args.push('--tmpfs', dir);
  // /tmp first: binds below it (the job directory usually lives there) are mounted on top.
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const path of layout.readOnlyBinds) args.push('--ro-bind', path, path);
  args.push(
    '--bind',
    layout.home,
    layout.home,
    '--bind',
    layout.workspace,
    layout.workspace,
    '--ro-bind',
    `${layout.workspace}/.git`,
    `${layout.workspace}/.git`,
    '--ro-bind',
    layout.taskFile,
    layout.taskFile,
    '--chdir',
    layout.workspace,
    '--',
  );
  return args;
}
