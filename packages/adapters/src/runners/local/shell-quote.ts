/** One word for `/bin/sh -c`: single-quoted unless plainly safe, embedded quotes closed and escaped. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The operator's command line with `{task_file}` and `{workspace}` replaced by shell-quoted paths. */
export function fillPlaceholders(command: string, paths: { taskFile: string; workspace: string }): string {
  return command
    .replaceAll('{task_file}', shellQuote(paths.taskFile))
    .replaceAll('{workspace}', shellQuote(paths.workspace));
}
