import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ProjectId } from '@fixloop/contracts';
import { exportProject, importProject, parseDump } from '@fixloop/store';
import { loadConfig } from '../config.js';
import { type CliRedis, openCliRedis } from '../infra/cli-redis.js';
import { UsageError } from './usage-error.js';

function options(argv: string[], allowReplace = false) {
  let values: { project?: string | boolean; replace?: string | boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: allowReplace
        ? { project: { type: 'string' }, replace: { type: 'boolean' } }
        : { project: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (typeof values.project !== 'string') throw new UsageError('--project is required');
  if (!ProjectId.safeParse(values.project).success)
    throw new UsageError(`--project: "${values.project}" is not a project id (a lowercase slug)`);
  return { projectId: values.project, replace: values.replace === true };
}

async function withRedis<T>(mayCreate: boolean, work: (c: CliRedis) => Promise<T>): Promise<T> {
  const c = await openCliRedis(loadConfig(), { mayCreate });
  try {
    return await work(c);
  } finally {
    await c.close();
  }
}

/** `export --project P`: the project's dump on stdout, nothing else there. */
export async function exportCommand(argv: string[]): Promise<void> {
  const { projectId } = options(argv);
  const lines = await withRedis(false, (c) => exportProject(c.redis, projectId));
  for (const line of lines) {
    if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
  }
  process.stderr.write(`exported project "${projectId}": ${lines.length - 2} keys\n`);
}

/** `import --project P [--replace] < dump`: validates the whole dump, then writes it. */
export async function importCommand(argv: string[]): Promise<void> {
  const { projectId, replace } = options(argv, true);
  if (process.stdin.isTTY)
    throw new UsageError('pipe a dump into stdin (… import --project P < dump.ndjson)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Everything is checked before Redis is even opened: a bad dump writes nothing.
  const dump = parseDump(Buffer.concat(chunks), projectId);
  const summary = await withRedis(true, (c) => importProject(c.redis, dump, { replace }));
  process.stderr.write(
    `imported project "${projectId}": ${summary.written} keys` +
      (summary.expired > 0 ? `, ${summary.expired} already expired left out` : '') +
      (replace ? `; ${summary.replaced} keys of its former data replaced` : '') +
      '\n',
  );
}
