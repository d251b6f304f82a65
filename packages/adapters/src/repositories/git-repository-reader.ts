import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type Logger,
  type RepositoryAccess,
  type RepositoryReader,
  type RepositorySnapshot,
  secretScrubber,
  UpstreamError,
  validationFailed,
} from '@fixloop/domain';
import { GitCommandError, GitRunner } from './git-process.js';
import { DEFAULT_SNAPSHOT_LIMITS, GitSnapshot, type SnapshotLimits } from './git-snapshot.js';

export interface GitRepositoryReaderOptions {
  /** Where clones are cached: `<cacheDir>/<projectId>/<owner>__<name>` (the server passes `DATA_DIR/repos`). */
  cacheDir: string;
  /** A clone older than this is fetched again before use (default 10 minutes). */
  maxAgeMs?: number;
  /** The git executable (default `git` on the PATH). */
  git?: string;
  /** Where git's PATH, HOME and proxy settings come from; nothing else of it reaches git. */
  env?: Record<string, string | undefined>;
  cloneTimeoutMs?: number;
  limits?: Partial<SnapshotLimits>;
  log?: Logger;
  now?: () => number;
}

/** What the cache remembers about a clone, next to it in `.git/`. */
interface Stamp {
  url: string;
  branch: string;
  refreshedAt: number;
}

interface Prepared {
  dir: string;
  commit: string;
  branch: string;
}

const STAMP = 'fixloop-cache.json';
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
/** A branch git would accept and that cannot be read as an option or a range. */
const BRANCH = /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*\.lock$)(?!.*\/$)[A-Za-z0-9._/-]{1,255}$/;
const PERMANENT =
  /authentication failed|could not read username|repository not found|not found|permission denied|does not appear to be a git repository|remote branch .* not found|invalid username or password|could not find remote branch/i;

/**
 * Reads repositories through cached shallow clones: cloned on first use, fetched again
 * (`fetch --depth 1` + `reset --hard`) when older than `maxAgeMs`, recloned when the cache is
 * damaged or names another URL or branch. Concurrent calls for one repository share one refresh;
 * a caller's abort stops its wait, not the shared work (the next plan finds the clone warm).
 */
export class GitRepositoryReader implements RepositoryReader {
  private readonly git: GitRunner;
  private readonly inflight = new Map<string, Promise<Prepared>>();
  private readonly limits: SnapshotLimits;
  private readonly maxAgeMs: number;
  private readonly cloneTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: GitRepositoryReaderOptions) {
    // Git needs PATH and HOME; the default passes the server's, filtered by GitRunner.
    this.git = new GitRunner(options.git ?? 'git', options.env ?? process.env);
    this.limits = { ...DEFAULT_SNAPSHOT_LIMITS, ...options.limits };
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.cloneTimeoutMs = options.cloneTimeoutMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  async snapshot(
    projectId: string,
    access: RepositoryAccess,
    signal?: AbortSignal,
  ): Promise<RepositorySnapshot> {
    signal?.throwIfAborted();
    const dir = this.cachePath(projectId, access);
    if (access.defaultBranch !== undefined && !BRANCH.test(access.defaultBranch)) {
      throw validationFailed('repository.defaultBranch', 'not a usable branch name');
    }
    let pending = this.inflight.get(dir);
    if (!pending) {
      pending = this.prepare(dir, access)
        .catch((e: unknown) => {
          if (e instanceof UpstreamError) throw e;
          const message = `could not read ${access.owner}/${access.name}: ${describe(e, access.token)}`;
          throw new UpstreamError('git', message, true);
        })
        .finally(() => this.inflight.delete(dir));
      pending.catch(() => undefined); // every waiter may have given up; the rejection is theirs
      this.inflight.set(dir, pending);
    }
    const ready = await untilAborted(pending, signal);
    return new GitSnapshot(this.git, ready.dir, ready.commit, ready.branch, this.limits);
  }

  private cachePath(projectId: string, access: RepositoryAccess): string {
    for (const [field, value] of [
      ['projectId', projectId],
      ['repository.owner', access.owner],
      ['repository.name', access.name],
    ] as const) {
      if (!SEGMENT.test(value)) throw validationFailed(field, 'not usable as a directory name');
    }
    return join(this.options.cacheDir, projectId, `${access.owner}__${access.name}`);
  }

  private async prepare(dir: string, access: RepositoryAccess): Promise<Prepared> {
    const stamp = await readStamp(dir);
    const reusable =
      stamp !== null &&
      stamp.url === access.url &&
      (access.defaultBranch === undefined || access.defaultBranch === stamp.branch) &&
      (await this.healthy(dir));
    if (!reusable || stamp === null) {
      await rm(dir, { recursive: true, force: true });
      return this.clone(dir, access);
    }
    if (this.now() - stamp.refreshedAt >= this.maxAgeMs) await this.refresh(dir, access, stamp);
    return { dir, commit: await this.head(dir), branch: stamp.branch };
  }

  private async healthy(dir: string): Promise<boolean> {
    try {
      await this.git.run(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
        repo: dir,
        timeoutMs: 30_000,
      });
      await this.git.run(['cat-file', '-e', 'HEAD^{tree}'], { repo: dir, timeoutMs: 30_000 });
      return true;
    } catch {
      return false;
    }
  }

  private async head(dir: string): Promise<string> {
    const { stdout } = await this.git.run(['rev-parse', 'HEAD'], { repo: dir, timeoutMs: 30_000 });
    return stdout.toString('utf8').trim();
  }

  /** Fetches the branch's head; a failed fetch keeps the older commit (a stale plan beats none). */
  private async refresh(dir: string, access: RepositoryAccess, stamp: Stamp): Promise<void> {
    try {
      await this.git.run(
        ['fetch', '--depth=1', '--no-tags', '--quiet', 'origin', `refs/heads/${stamp.branch}`],
        {
          repo: dir,
          token: access.token,
          timeoutMs: this.cloneTimeoutMs,
        },
      );
      await this.git.run(['reset', '--hard', '--quiet', 'FETCH_HEAD'], {
        repo: dir,
        timeoutMs: this.cloneTimeoutMs,
      });
      await writeStamp(dir, { ...stamp, refreshedAt: this.now() });
    } catch (e) {
      this.options.log?.warn(
        { repository: `${access.owner}/${access.name}`, err: describe(e, access.token) },
        'repository fetch failed; reading the cached commit',
      );
    }
  }

  /** Clones next to `dir` and renames into place, so `dir` is never a half-made clone. */
  private async clone(dir: string, access: RepositoryAccess): Promise<Prepared> {
    const parent = join(dir, '..');
    await mkdir(parent, { recursive: true, mode: 0o700 });
    const tmp = await mkdtemp(join(parent, '.clone-'));
    try {
      const branchArgs = access.defaultBranch ? ['--branch', access.defaultBranch] : [];
      await this.git.run(
        [
          'clone',
          '--depth=1',
          '--no-tags',
          '--single-branch',
          '--quiet',
          ...branchArgs,
          '--',
          access.url,
          tmp,
        ],
        { token: access.token, timeoutMs: this.cloneTimeoutMs },
      );
      const branch = access.defaultBranch ?? (await this.currentBranch(tmp));
      await writeStamp(tmp, { url: access.url, branch, refreshedAt: this.now() });
      const commit = await this.head(tmp);
      try {
        await rename(tmp, dir);
      } catch (e) {
        // Another process cloned it first: use theirs.
        if (!(await isDirectory(dir))) throw e;
        await rm(tmp, { recursive: true, force: true });
        return { dir, commit: await this.head(dir), branch: (await readStamp(dir))?.branch ?? branch };
      }
      return { dir, commit, branch };
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      const message = describe(e, access.token);
      const retryable = !(e instanceof GitCommandError) || e.timedOut || !PERMANENT.test(e.stderr);
      throw new UpstreamError('git', `could not clone ${access.owner}/${access.name}: ${message}`, retryable);
    }
  }

  private async currentBranch(dir: string): Promise<string> {
    const { stdout } = await this.git.run(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
      repo: dir,
      timeoutMs: 30_000,
    });
    return stdout.toString('utf8').trim();
  }
}

function describe(e: unknown, token: string | undefined): string {
  return secretScrubber([token])(e instanceof Error ? e.message : String(e));
}

async function readStamp(dir: string): Promise<Stamp | null> {
  try {
    const value: unknown = JSON.parse(await readFile(join(dir, '.git', STAMP), 'utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { url, branch, refreshedAt } = value as Record<string, unknown>;
    if (typeof url !== 'string' || typeof branch !== 'string' || typeof refreshedAt !== 'number') return null;
    return BRANCH.test(branch) ? { url, branch, refreshedAt } : null;
  } catch {
    return null;
  }
}

async function writeStamp(dir: string, stamp: Stamp): Promise<void> {
  await writeFile(join(dir, '.git', STAMP), JSON.stringify(stamp), { mode: 0o600 });
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Waits for `work`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
