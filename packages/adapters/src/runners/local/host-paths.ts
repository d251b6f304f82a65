import { constants } from 'node:fs';
import { access, lstat, readlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { SystemPath } from './sandbox-args.js';

/** System directories a shell and common toolchains need; which exist differs by distribution. */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];
/** Readable by the owner only; an agent of a server running as root would own them. */
const SENSITIVE_FILES = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-'];
const SENSITIVE_DIRS = ['/etc/ssl/private'];

export interface HostFacts {
  system: SystemPath[];
  maskedFiles: string[];
  maskedDirs: string[];
}

/** The system directories present on this host (symlinks kept as symlinks) and what to mask in them. */
export async function probeHost(): Promise<HostFacts> {
  const system: SystemPath[] = [];
  for (const path of SYSTEM_DIRS) {
    const stats = await lstat(path).catch(() => null);
    if (stats?.isSymbolicLink()) system.push({ path, symlinkTo: await readlink(path) });
    else if (stats?.isDirectory()) system.push({ path });
  }
  const maskedFiles: string[] = [];
  for (const path of SENSITIVE_FILES) {
    if ((await lstat(path).catch(() => null))?.isFile()) maskedFiles.push(path);
  }
  const maskedDirs: string[] = [];
  for (const path of SENSITIVE_DIRS) {
    if ((await lstat(path).catch(() => null))?.isDirectory()) maskedDirs.push(path);
  }
  return { system, maskedFiles, maskedDirs };
}

/** `explicit` when it is an executable file; without it, `bwrap` on `searchPath`; else null. */
export async function findBubblewrap(
  explicit: string | undefined,
  searchPath: string,
): Promise<string | null> {
  const candidates = explicit
    ? [explicit]
    : searchPath
        .split(delimiter)
        .filter((dir) => dir.startsWith('/'))
        .map((dir) => join(dir, 'bwrap'));
  for (const candidate of candidates) {
    const ok = await access(candidate, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (ok && (await lstat(candidate).catch(() => null))?.isDirectory() === false) return candidate;
  }
  return null;
}
