/**
 * A repository-relative path in git's form (`a/b.py`), or null when it is empty, absolute, or
 * climbs out with `..`. `./` and repeated slashes are folded.
 */
export function normalizeRepoPath(path: string): string | null {
  if (path.length === 0 || path.length > 4_096 || path.includes('\0')) return null;
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return null;
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) return null;
  return parts.join('/');
}

/**
 * Where a symlink at `linkPath` whose target is `target` points, as a repository path; null when
 * the target is absolute or leaves the repository.
 */
export function resolveLinkTarget(linkPath: string, target: string): string | null {
  if (target === '' || target.startsWith('/') || target.includes('\0')) return null;
  const parts = linkPath.split('/').slice(0, -1);
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.length === 0 ? null : parts.join('/');
}

/** Directories whose files are someone else's code or build output. */
const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  'bower_components',
  'dist',
  'build',
  'vendor',
  'third_party',
  '__pycache__',
  '.venv',
  'venv',
  'site-packages',
  '.next',
  'coverage',
]);

const LOCKFILES = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lockb',
  'Cargo.lock',
  'poetry.lock',
  'Pipfile.lock',
  'uv.lock',
  'composer.lock',
  'Gemfile.lock',
  'go.sum',
  'mix.lock',
  'flake.lock',
]);

const GENERATED = /\.(?:min\.(?:js|mjs|cjs|css)|map|lock|snap)$|[.-]bundle\.js$/i;
const BINARY_EXT =
  /\.(?:png|jpe?g|gif|webp|ico|bmp|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|class|so|dylib|dll|exe|bin|o|a|wasm|woff2?|ttf|otf|eot|mp[34]|mov|avi|webm|ogg|wav|flac|sqlite3?|db|pyc|psd|ai|sketch)$/i;

/** Whether a tracked file is worth searching: not vendored, generated, a lockfile or binary by name. */
export function isSearchable(path: string): boolean {
  const parts = path.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (parts.slice(0, -1).some((p) => SKIPPED_DIRS.has(p))) return false;
  return !LOCKFILES.has(base) && !GENERATED.test(base) && !BINARY_EXT.test(base);
}

const SOURCE_EXT =
  /\.(?:py|pyi|js|mjs|cjs|jsx|ts|tsx|mts|cts|vue|svelte|go|rs|java|kt|kts|scala|rb|php|cs|fs|c|cc|cpp|cxx|h|hh|hpp|m|mm|swift|dart|ex|exs|erl|clj|lua|sh|sql|html?|erb|jinja2?|j2|hbs|ejs|twig)$/i;

/** Search order when the budget cannot cover every file: source before other text, shallow before deep. */
export function searchPriority(path: string): number {
  const depth = path.split('/').length;
  return (SOURCE_EXT.test(path) ? 0 : 1_000) + Math.min(depth, 999);
}
