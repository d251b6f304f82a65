import type { RepositorySnapshot } from '../ports.js';

const NPM_DEFAULT_TEST = /no test specified/;
const PYTHON_TESTS = /(?:^|\/)(?:test_[^/]*\.py|[^/]*_test\.py|conftest\.py)$/;
const MAKE_TEST_TARGET = /^test\s*:(?!=)/m;

async function readSafely(repo: RepositorySnapshot, path: string): Promise<string | null> {
  try {
    return await repo.read(path);
  } catch {
    return null;
  }
}

async function npmCommands(repo: RepositorySnapshot): Promise<string[]> {
  const text = await readSafely(repo, 'package.json');
  if (text === null) return [];
  let scripts: unknown;
  try {
    scripts = (JSON.parse(text) as { scripts?: unknown }).scripts;
  } catch {
    return [];
  }
  if (typeof scripts !== 'object' || scripts === null) return [];
  const s = scripts as Record<string, unknown>;
  const out: string[] = [];
  if (typeof s.test === 'string' && !NPM_DEFAULT_TEST.test(s.test)) out.push('npm test');
  if (typeof s.lint === 'string') out.push('npm run lint');
  return out;
}

async function usesPytest(repo: RepositorySnapshot, files: ReadonlySet<string>): Promise<boolean> {
  if (files.has('pytest.ini')) return true;
  const configs = ['pyproject.toml', 'setup.cfg', 'tox.ini'].filter((f) => files.has(f));
  for (const config of configs) {
    if ((await readSafely(repo, config))?.includes('pytest')) return true;
  }
  const isPython = configs.length > 0 || files.has('setup.py') || files.has('requirements.txt');
  return isPython && [...files].some((f) => PYTHON_TESTS.test(f));
}

/**
 * The commands that check a change, from the repository's own configuration at its root:
 * package.json `test`/`lint` scripts, pytest, `go test`, `cargo test`, a Makefile `test` target.
 * Empty when none is found: the plan then names no command rather than a guess.
 */
export async function detectValidationCommands(
  repo: RepositorySnapshot,
  files: ReadonlySet<string>,
): Promise<string[]> {
  const out: string[] = [];
  if (files.has('package.json')) out.push(...(await npmCommands(repo)));
  if (await usesPytest(repo, files)) out.push('pytest -q');
  if (files.has('go.mod')) out.push('go test ./...');
  if (files.has('Cargo.toml')) out.push('cargo test');
  const makefile = ['Makefile', 'makefile', 'GNUmakefile'].find((f) => files.has(f));
  if (makefile && MAKE_TEST_TARGET.test((await readSafely(repo, makefile)) ?? '')) out.push('make test');
  return out;
}
