import { shellQuote } from '../text/shell-quote.js';

/** The agent's command line with `{task_file}` and `{workspace}` replaced by shell-quoted paths. */
export function fillPlaceholders(command: string, paths: { taskFile: string; workspace: string }): string {
  return command
    .replaceAll('{task_file}', shellQuote(paths.taskFile))
    .replaceAll('{workspace}', shellQuote(paths.workspace));
}
