import type { RepositorySnapshot, SearchHit } from '@fixloop/domain';
import type { GitRunner } from './git-process.js';
import { isSearchable, normalizeRepoPath, resolveLinkTarget, searchPriority } from './repo-paths.js';
import { looksMinified, prepareTerms, rankHits, scanText } from './text-search.js';

export interface SnapshotLimits {
  /** Tracked paths listed (`files()`). */
  maxFiles: number;
  /** Larger files are neither read nor searched. */
  maxFileBytes: number;
  /** A file with a NUL byte in its first this many bytes is binary. */
  binarySniffBytes: number;
  /** Files and bytes one search may scan: source files and shallow paths first. */
  maxSearchFiles: number;
  maxSearchBytes: number;
  commandTimeoutMs: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = {
  maxFiles: 50_000,
  maxFileBytes: 512 * 1024,
  binarySniffBytes: 8 * 1024,
  maxSearchFiles: 20_000,
  maxSearchBytes: 32 * 1024 * 1024,
  commandTimeoutMs: 60_000,
};

interface TreeEntry {
  mode: string;
  oid: string;
  size: number;
}

const REGULAR = new Set(['100644', '100755']);
const SYMLINK = '120000';
/** Blobs per `git cat-file --batch` process during a search, so memory stays bounded. */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * A repository at one commit. Everything is read from git's object store at `commit`, not from
 * the working tree, so a refresh of the shared clone (`reset --hard`) cannot change what an
 * earlier snapshot answers, and no filesystem symlink is ever followed.
 */
export class GitSnapshot implements RepositorySnapshot {
  private tree: Promise<Map<string, TreeEntry>> | undefined;

  constructor(
    private readonly git: GitRunner,
    private readonly dir: string,
    readonly commit: string,
    readonly branch: string,
    private readonly limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
  ) {}

  async files(): Promise<string[]> {
    return [...(await this.entries()).keys()];
  }

  async read(path: string): Promise<string | null> {
    const normal = normalizeRepoPath(path);
    if (normal === null) return null;
    const tree = await this.entries();
    let entry = tree.get(normal);
    if (entry?.mode === SYMLINK) {
      const target = await this.blob(entry.oid, 4_096);
      const resolved = target === null ? null : resolveLinkTarget(normal, target.toString('utf8'));
      entry = resolved === null ? undefined : tree.get(resolved);
    }
    if (!entry || !REGULAR.has(entry.mode) || entry.size > this.limits.maxFileBytes) return null;
    const data = await this.blob(entry.oid, this.limits.maxFileBytes);
    return data === null || this.isBinary(data) ? null : decode(data);
  }

  async search(terms: string[], limit: number): Promise<SearchHit[]> {
    const set = prepareTerms(terms);
    if (set === null || limit <= 0) return [];
    const hits: SearchHit[] = [];
    for (const batch of this.searchBatches(await this.entries())) {
      const blobs = await this.blobs(batch.map(([, e]) => e.oid));
      batch.forEach(([path, entry]) => {
        const data = blobs.get(entry.oid);
        if (!data || this.isBinary(data)) return;
        const text = decode(data);
        if (looksMinified(text)) return;
        const found = scanText(text, set);
        if (found) hits.push({ path, ...found });
      });
    }
    return rankHits(hits).slice(0, limit);
  }

  /** The searchable files within the budget, in batches of at most `BATCH_BYTES`. */
  private searchBatches(tree: Map<string, TreeEntry>): Array<Array<[string, TreeEntry]>> {
    const eligible = [...tree].filter(
      ([path, e]) =>
        REGULAR.has(e.mode) && e.size > 0 && e.size <= this.limits.maxFileBytes && isSearchable(path),
    );
    eligible.sort(([a], [b]) => searchPriority(a) - searchPriority(b) || (a < b ? -1 : 1));
    const batches: Array<Array<[string, TreeEntry]>> = [];
    let current: Array<[string, TreeEntry]> = [];
    let batchBytes = 0;
    let total = 0;
    for (const item of eligible.slice(0, this.limits.maxSearchFiles)) {
      total += item[1].size;
      if (total > this.limits.maxSearchBytes) break;
      if (batchBytes + item[1].size > BATCH_BYTES && current.length > 0) {
        batches.push(current);
        current = [];
        batchBytes = 0;
      }
      current.push(item);
      batchBytes += item[1].size;
    }
    if (current.length > 0) batches.push(current);
    return batches;
  }

  private isBinary(data: Buffer): boolean {
    return data.subarray(0, this.limits.binarySniffBytes).includes(0);
  }

  private entries(): Promise<Map<string, TreeEntry>> {
    this.tree ??= this.listTree();
    this.tree.catch(() => {
      this.tree = undefined; // a failed listing is tried again on the next call
    });
    return this.tree;
  }

  private async listTree(): Promise<Map<string, TreeEntry>> {
    const { stdout } = await this.git.run(['ls-tree', '-r', '-l', '-z', '--full-tree', this.commit], {
      repo: this.dir,
      timeoutMs: this.limits.commandTimeoutMs,
      maxStdout: this.limits.maxFiles * 1_200,
    });
    const tree = new Map<string, TreeEntry>();
    let start = 0;
    for (let end = stdout.indexOf(0, start); end !== -1; end = stdout.indexOf(0, start)) {
      const record = stdout.subarray(start, end).toString('utf8');
      start = end + 1;
      // `<mode> SP <type> SP <oid> SP+ <size> TAB <path>`; submodules (type commit) are not files.
      const m = /^(\d{6}) blob ([0-9a-f]+) +(\d+)\t(.+)$/s.exec(record);
      if (!m) continue;
      tree.set(m[4] as string, { mode: m[1] as string, oid: m[2] as string, size: Number(m[3]) });
      if (tree.size >= this.limits.maxFiles) break;
    }
    return tree;
  }

  private async blob(oid: string, max: number): Promise<Buffer | null> {
    const { stdout, truncated } = await this.git.run(['cat-file', 'blob', oid], {
      repo: this.dir,
      timeoutMs: this.limits.commandTimeoutMs,
      maxStdout: max + 1,
    });
    return truncated ? null : stdout;
  }

  /** Many blobs through one `git cat-file --batch`: `<oid> <type> <size>\n<content>\n` each. */
  private async blobs(oids: string[]): Promise<Map<string, Buffer>> {
    const { stdout } = await this.git.run(['cat-file', '--batch'], {
      repo: this.dir,
      timeoutMs: this.limits.commandTimeoutMs,
      input: `${oids.join('\n')}\n`,
      maxStdout: BATCH_BYTES + this.limits.maxFileBytes + oids.length * 128,
    });
    const out = new Map<string, Buffer>();
    let pos = 0;
    while (pos < stdout.length) {
      const eol = stdout.indexOf(10, pos);
      if (eol === -1) break;
      const [oid, type, size] = stdout.subarray(pos, eol).toString('latin1').split(' ');
      pos = eol + 1;
      if (type === 'missing' || oid === undefined || size === undefined) continue;
      const length = Number(size);
      if (pos + length > stdout.length) break;
      if (type === 'blob') out.set(oid, stdout.subarray(pos, pos + length));
      pos += length + 1;
    }
    return out;
  }
}

function decode(data: Buffer): string {
  const text = data.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
