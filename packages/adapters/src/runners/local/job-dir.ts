import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One job's directory: the clone, the task file beside it (outside the repository) and the agent's HOME. */
export interface JobDir {
  root: string;
  workspace: string;
  taskFile: string;
  home: string;
}

/** A fresh, private job directory under `workRoot` with the task file written. */
export async function createJobDir(workRoot: string, task: string): Promise<JobDir> {
  await mkdir(workRoot, { recursive: true });
  const root = await mkdtemp(join(workRoot, 'fixloop-job-'));
  const dir: JobDir = {
    root,
    workspace: join(root, 'workspace'),
    taskFile: join(root, 'task.md'),
    home: join(root, 'home'),
  };
  await mkdir(dir.home, { mode: 0o700 });
  await writeFile(dir.taskFile, task, { mode: 0o644 });
  return dir;
}

/**
 * Removes a job directory. The agent may have left directories without write permission (Go's
 * module cache does), which a non-root server must make writable again before deleting.
 */
export async function removeJobDir(root: string): Promise<void> {
  try {
    await rm(root, { recursive: true, force: true });
  } catch {
    await makeWritable(root);
    await rm(root, { recursive: true, force: true });
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o700).catch(() => {});
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory() && !entry.isSymbolicLink()) await makeWritable(join(dir, entry.name));
  }
}

/**
 * Removes job directories under `workRoot` last changed more than `olderThanMs` ago: what a worker
 * killed with SIGKILL left behind. Called when a worker starts; answers how many it removed.
 */
export async function sweepJobDirs(workRoot: string, olderThanMs: number, now = Date.now()): Promise<number> {
  const entries = await readdir(workRoot, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith('fixloop-job-')) continue;
    const root = join(workRoot, entry.name);
    const changed = await stat(root).then(
      (s) => s.mtimeMs,
      () => now,
    );
    if (now - changed < olderThanMs) continue;
    await removeJobDir(root).then(
      () => removed++,
      () => {},
    );
  }
  return removed;
}
