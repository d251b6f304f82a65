/** One shell word for `bash -c`: single-quoted, with embedded single quotes closed and escaped. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The agent's command line with `{task_file}` and `{workspace}` replaced by shell-quoted paths. */
export function fillPlaceholders(command: string, paths: { taskFile: string; workspace: string }): string {
  return command
    .replaceAll('{task_file}', shellQuote(paths.taskFile))
    .replaceAll('{workspace}', shellQuote(paths.workspace));
}
